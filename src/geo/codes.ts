/**
 * Area codes of grid management (GB/T 30428.1 单元网格代码 and the codes above it): a county-level
 * area is its 6-digit GB/T 2260 code; a street (街道、乡镇) adds 3 digits, a community (社区、村)
 * 3 more, and a unit grid cell (单元网格) a 3-digit sequence — 15 digits in all, e.g.
 * 330102 001 003 012 = 上城区 · street 001 · community 003 · cell 012.
 */
export const LEVELS = ['city', 'district', 'street', 'community', 'grid'] as const;
export type Level = (typeof LEVELS)[number];

/** The number of digits of a code at each level. */
export const CODE_LENGTH: Record<Level, number> = { city: 6, district: 6, street: 9, community: 12, grid: 15 };

/** The parts of a unit grid cell code. */
export interface GridCodeParts {
  /** 6-digit county-level code (GB/T 2260), e.g. 330102 */
  county: string;
  /** 3-digit street (街道) number within the county, 001–999 */
  street: string;
  /** 3-digit community (社区) number within the street, 001–999 */
  community: string;
  /** 3-digit cell sequence within the community, 001–999 */
  cell: string;
}

const THREE = /^\d{3}$/;
const pad3 = (n: number | string) => String(n).padStart(3, '0');

/** Why `code` is no area code of `level` (undefined: it is one). */
export function codeError(level: Level, code: unknown): string | undefined {
  if (typeof code !== 'string') return 'must be a string of digits';
  const n = CODE_LENGTH[level];
  if (!new RegExp(`^\\d{${n}}$`).test(code)) return `a ${level} code has ${n} digits`;
  if (code.startsWith('00') || code.slice(2, 4) === '00' && level !== 'city') return 'not a GB/T 2260 county-level prefix';
  if (level === 'city' && !code.endsWith('00')) return 'a city code ends in 00 (GB/T 2260), e.g. 330100';
  if (level !== 'city' && code.slice(4, 6) === '00') return 'the first 6 digits are a county-level code, which does not end in 00';
  // each 3-digit part below the county is numbered from 001
  for (let i = 6; i < n; i += 3) if (code.slice(i, i + 3) === '000') return `digits ${i + 1}–${i + 3} are 000 (numbers start at 001)`;
  return undefined;
}

export const isAreaCode = (level: Level, code: unknown): code is string => codeError(level, code) === undefined;

/** The level a code belongs to by its length (6 digits: district, or city when it ends in 00). */
export function levelOf(code: string): Level | undefined {
  for (const level of ['district', 'city', 'street', 'community', 'grid'] as const) if (isAreaCode(level, code)) return level;
  return undefined;
}

/** The code of the area a code sits in, by its prefix (a district's: its city, XXXX00); null for a city. */
export function parentCodeOf(level: Level, code: string): string | null {
  switch (level) {
    case 'city': return null;
    case 'district': return `${code.slice(0, 4)}00`;
    default: return code.slice(0, CODE_LENGTH[level] - 3);
  }
}

/**
 * A unit grid cell code (GB/T 30428.1) from its parts, or the parts of one: `gridCode({ county:
 * '330102', street: 1, community: 3, cell: 12 })` → '330102001003012'; `gridCode('330102001003012')`
 * → { county, street, community, cell }. Throws a RangeError on a malformed code or part.
 */
export function gridCode(code: string): GridCodeParts;
export function gridCode(parts: { county: string; street: number | string; community: number | string; cell: number | string }): string;
export function gridCode(arg: string | { county: string; street: number | string; community: number | string; cell: number | string }): string | GridCodeParts {
  if (typeof arg === 'string') {
    const why = codeError('grid', arg);
    if (why) throw new RangeError(`not a unit grid cell code: ${arg} (${why})`);
    return { county: arg.slice(0, 6), street: arg.slice(6, 9), community: arg.slice(9, 12), cell: arg.slice(12, 15) };
  }
  const parts = [arg.street, arg.community, arg.cell].map(pad3);
  if (!parts.every((p) => THREE.test(p))) throw new RangeError('street, community and cell are numbers 1–999');
  const code = `${arg.county}${parts.join('')}`;
  const why = codeError('grid', code);
  if (why) throw new RangeError(`not a unit grid cell code: ${code} (${why})`);
  return code;
}
