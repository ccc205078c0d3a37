/**
 * 统一社会信用代码 GB 32100-2015 (with amendment No. 1).
 *
 *   1     登记管理部门代码 (registration authority)
 *   2     机构类别代码 (type, per authority)
 *   3-8   登记管理机关行政区划码 (GB/T 2260; 100000 for national-level registration)
 *   9-17  主体标识码 = 组织机构代码 GB 11714
 *   18    check character, GB/T 17710 MOD 31-3 over the alphabet below
 *
 * Legacy codes: no public, documented pattern exists for codes issued in the pre-standard
 * pilots whose check character does not verify. Such codes are handled with an explicit
 * allow-list (`setUsccLegacyCodes`), empty by default: a listed code that passes length and
 * charset is accepted with flag 'legacy' even if later checks fail.
 */
import { isAreaCode } from './area.ts';
import { cleanText } from './text.ts';
import { checkedElementMacros, macro, sqlString, sqlStringList } from './sql.ts';
import type { ElementDef, ValidationResult } from './types.ts';
import { builtinElement } from './builtin.ts';

/** The 31 characters of the code; a character's value is its index. No I, O, S, V, Z. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Registration authorities (登记管理部门) and their organization types (机构类别). */
export const USCC_AUTHORITIES: Record<string, { name: string; types: Record<string, string> }> = {
  '1': { name: '机构编制', types: { '1': '机关', '2': '事业单位', '3': '中央编办直接管理机构编制的群众团体', '9': '其他' } },
  '2': { name: '外交', types: { '1': '外国常驻新闻机构', '9': '其他' } },
  '3': {
    name: '司法行政',
    types: { '1': '律师执业机构', '2': '公证处', '3': '基层法律服务所', '4': '司法鉴定机构', '5': '仲裁委员会', '9': '其他' },
  },
  '4': { name: '文化', types: { '1': '外国在华文化中心', '9': '其他' } },
  '5': { name: '民政', types: { '1': '社会团体', '2': '民办非企业单位', '3': '基金会', '9': '其他' } },
  '6': { name: '旅游', types: { '1': '外国旅游部门常驻代表机构', '2': '港澳台地区旅游部门常驻内地（大陆）代表机构', '9': '其他' } },
  '7': { name: '宗教', types: { '1': '宗教活动场所', '2': '宗教院校', '9': '其他' } },
  '8': { name: '工会', types: { '1': '基层工会', '9': '其他' } },
  '9': { name: '市场监管（工商）', types: { '1': '企业', '2': '个体工商户', '3': '农民专业合作社' } },
  A: { name: '中央军委改革和编制办公室', types: { '1': '军队事业单位', '9': '其他' } },
  N: { name: '农业农村', types: { '1': '组级集体经济组织', '2': '村级集体经济组织', '3': '乡镇级集体经济组织', '9': '其他' } },
  Y: { name: '其他', types: { '1': '其他' } },
};

const TYPE_PAIRS = Object.entries(USCC_AUTHORITIES).flatMap(([a, v]) => Object.keys(v.types).map((t) => a + t));

let legacyCodes = new Set<string>();

/** Replace the allow-list of known legacy codes (call registerMacros again for DuckDB). */
export function setUsccLegacyCodes(codes: Iterable<string>): void {
  legacyCodes = new Set([...codes].map((c) => (cleanText(c) ?? '').toUpperCase()).filter(Boolean));
}

export function getUsccLegacyCodes(): string[] {
  return [...legacyCodes].sort();
}

/** Check character for the first 17 characters. */
export function usccCheckChar(first17: string): string {
  if (!/^[0-9A-HJ-NPQRTUW-Y]{17}$/.test(first17)) throw new TypeError('usccCheckChar expects 17 code characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]!) * WEIGHTS[i]!;
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** The embedded organization code (positions 9-17). */
export function usccOrgCode(code: string): string | null {
  const c = (cleanText(code) ?? '').toUpperCase();
  return c.length === 18 ? c.slice(8, 17) : null;
}

function strictReason(c: string): string | undefined {
  if (usccCheckChar(c.slice(0, 17)) !== c[17]) return 'checksum';
  const auth = USCC_AUTHORITIES[c[0]!];
  if (!auth) return 'authority';
  if (!auth.types[c[1]!]) return 'type';
  const area = c.slice(2, 8);
  if (area !== '100000' && !isAreaCode(area)) return 'area';
  return undefined;
}

/** Validate a USCC. Reasons: empty, length, charset, checksum, authority, type, area. */
export function validateUscc(value: unknown): ValidationResult {
  const raw = cleanText(value);
  if (raw === null || raw === '') return { ok: false, reason: 'empty' };
  const c = raw.toUpperCase();
  if (c.length !== 18) return { ok: false, reason: 'length' };
  if (!/^[0-9A-HJ-NPQRTUW-Y]{18}$/.test(c)) return { ok: false, reason: 'charset' };
  const reason = strictReason(c);
  if (reason === undefined) return { ok: true, normalized: c };
  if (legacyCodes.has(c)) return { ok: true, normalized: c, flag: 'legacy' };
  return { ok: false, reason };
}

export function usccMacros(): string[] {
  const sum = WEIGHTS.map((w, i) => `(instr('${USCC_ALPHABET}', c[${i + 1}]) - 1) * ${w}`).join(' + ');
  const legacyRows = getUsccLegacyCodes().map((c) => `(${sqlString(c)})`);
  const legacy = `std_uscc_is_legacy(c)::INTEGER`;
  return [
    legacyRows.length
      ? `CREATE OR REPLACE TEMP TABLE std_uscc_legacy AS SELECT * FROM (VALUES ${legacyRows.join(',')}) t(code)`
      : `CREATE OR REPLACE TEMP TABLE std_uscc_legacy (code VARCHAR)`,
    macro('std_uscc_is_legacy', 'x', `x IN (SELECT l.code FROM std_uscc_legacy l)`),
    macro('std__uscc_check', 'c', `substr('${USCC_ALPHABET}', ((31 - (${sum}) % 31) % 31)::INTEGER + 1, 1)`),
    // Strict checks, as a list of booleans (see checkedElementMacros for why a list).
    macro(
      'std__uscc_strict',
      'c',
      `[substr(c, 18, 1) = std__uscc_check(c), list_contains(${sqlStringList(Object.keys(USCC_AUTHORITIES))}, c[1]),
        list_contains(${sqlStringList(TYPE_PAIRS)}, substr(c, 1, 2)),
        (substr(c, 3, 6) = '100000')::INTEGER + std_area_exists(substr(c, 3, 6))::INTEGER >= 1]`,
    ),
    ...checkedElementMacros({
      id: 'uscc',
      prep: `upper(std_clean(s))`,
      checks: [
        ['length', `length(c) = 18`],
        ['charset', `regexp_full_match(c, '[0-9A-HJ-NPQRTUW-Y]{18}')`],
        ['checksum', `(std__uscc_strict(c)[1] IS TRUE)::INTEGER + ${legacy} >= 1`],
        ['authority', `(std__uscc_strict(c)[2] IS TRUE)::INTEGER + ${legacy} >= 1`],
        ['type', `(std__uscc_strict(c)[3] IS TRUE)::INTEGER + ${legacy} >= 1`],
        ['area', `(std__uscc_strict(c)[4] IS TRUE)::INTEGER + ${legacy} >= 1`],
      ],
      norm: `c`,
    }),
    macro(
      'std_uscc_flag',
      's',
      `[NULL, 'legacy'][(std_uscc_valid(s) IS TRUE AND list_contains(std__uscc_strict(std__uscc_prep(s)), false))::INTEGER + 1]`,
    ),
  ];
}

export const usccElement: ElementDef = builtinElement({
  id: 'uscc',
  title: '统一社会信用代码',
  titleEn: 'Unified social credit code',
  description:
    'GB 32100 十八位统一社会信用代码：登记管理部门代码、机构类别代码、登记管理机关行政区划码、主体标识码（组织机构代码）与 MOD 31 校验码；已知的早期代码可列入许可名单，标记为 legacy。',
  descriptionEn:
    'GB 32100 18-character unified social credit code: registering authority code, entity type code, region code of the registering office, entity identifier (the organization code) and MOD 31 check character; known early codes can be allow-listed and are flagged as legacy.',
  standard: 'GB 32100-2015',
  normalizes: false,
  reasons: ['empty', 'length', 'charset', 'checksum', 'authority', 'type', 'area'],
  validate: validateUscc,
  flagSql: (e) => `std_uscc_flag(${e})`,
  macros: usccMacros,
});
