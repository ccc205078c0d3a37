/**
 * 行政区划代码 GB/T 2260 — six digits that name a province, prefecture or county.
 *
 * The shipped table holds every code that was ever valid (see data/build-gb2260.ts):
 * identity numbers and credit codes keep the code that was valid when they were issued,
 * so a code abolished since (e.g. 330103 下城区, merged in 2021) must still be accepted.
 * `isAreaCode(code, { currentOnly: true })` restricts to codes in force.
 */
import fs from 'node:fs';
import { cleanText } from './text.ts';
import { checkedElementMacros, macro, sqlString } from './sql.ts';
import type { ElementDef, ValidationResult } from './types.ts';
import { builtinElement } from './builtin.ts';

export interface AreaEntry {
  code: string;
  name: string;
  /** False for codes that are no longer in force. */
  current: boolean;
}

const AREAS = new Map<string, AreaEntry>();
// GB/T 2260, every code ever valid: one line a code — 6 digits, "*" when no longer current, the name
// (written by data/build-gb2260.ts).
const GB2260_TABLE = fs.readFileSync(new URL('./data/gb2260.txt', import.meta.url), 'utf8');
for (const line of GB2260_TABLE.split('\n')) {
  if (line.length < 6) continue;
  const code = line.slice(0, 6);
  const historical = line[6] === '*';
  AREAS.set(code, { code, name: line.slice(historical ? 7 : 6), current: !historical });
}

/** Level of a code: 'province' (xx0000), 'prefecture' (xxxx00) or 'county'. */
export function areaLevel(code: string): 'province' | 'prefecture' | 'county' {
  if (code.endsWith('0000')) return 'province';
  if (code.endsWith('00')) return 'prefecture';
  return 'county';
}

export function isAreaCode(code: string, opts: { currentOnly?: boolean } = {}): boolean {
  const e = AREAS.get(code);
  return !!e && (!opts.currentOnly || e.current);
}

export function getArea(code: string): AreaEntry | undefined {
  return AREAS.get(code);
}

/** Full name, e.g. 330106 → 浙江省杭州市西湖区. Unknown codes give undefined. */
export function areaFullName(code: string): string | undefined {
  const e = AREAS.get(code);
  if (!e) return undefined;
  const parts: string[] = [];
  const prov = AREAS.get(code.slice(0, 2) + '0000');
  if (prov && prov.code !== code) parts.push(prov.name);
  const pref = AREAS.get(code.slice(0, 4) + '00');
  if (pref && pref.code !== code && pref.code !== prov?.code && pref.name !== '市辖区' && pref.name !== '县') {
    parts.push(pref.name);
  }
  parts.push(e.name);
  return parts.join('');
}

/** List codes, optionally only children of a parent code (province or prefecture). */
export function listAreas(opts: { parent?: string; currentOnly?: boolean } = {}): AreaEntry[] {
  const out: AreaEntry[] = [];
  for (const e of AREAS.values()) {
    if (opts.currentOnly && !e.current) continue;
    if (opts.parent) {
      const p = opts.parent;
      if (e.code === p) continue;
      if (p.endsWith('0000')) {
        if (!e.code.startsWith(p.slice(0, 2))) continue;
      } else if (p.endsWith('00')) {
        if (!e.code.startsWith(p.slice(0, 4))) continue;
      } else continue;
    }
    out.push(e);
  }
  return out;
}

export function validateAreaCode(value: unknown): ValidationResult {
  const c = cleanText(value);
  if (c === null || c === '') return { ok: false, reason: 'empty' };
  if (!/^\d{6}$/.test(c)) return { ok: false, reason: 'format' };
  if (!AREAS.has(c)) return { ok: false, reason: 'unknown' };
  return { ok: true, normalized: c };
}

/** Lookup table `std_gb2260(code, name, current)` and the area macros. */
export function areaMacros(): string[] {
  // One string literal split in SQL parses far faster than thousands of VALUES tuples.
  const lines = [...AREAS.values()].map((e) => `${e.code}${e.current ? '' : '*'}${e.name}`).join('\n');
  return [
    `CREATE OR REPLACE TEMP TABLE std_gb2260 AS
      SELECT substr(l, 1, 6) AS code, ltrim(substr(l, 7), '*') AS name, substr(l, 7, 1) <> '*' AS current
      FROM (SELECT unnest(string_split(${sqlString(lines)}, chr(10))) AS l)`,
    macro('std_area_exists', 'area', `area IN (SELECT g.code FROM std_gb2260 g)`),
    ...checkedElementMacros({
      id: 'area_code',
      prep: `std_clean(s)`,
      checks: [
        ['format', `regexp_full_match(c, '[0-9]{6}')`],
        ['unknown', `std_area_exists(c)`],
      ],
      norm: `c`,
    }),
  ];
}

export const areaCodeElement: ElementDef = builtinElement({
  id: 'area_code',
  title: '行政区划代码',
  titleEn: 'Administrative division code',
  description: 'GB/T 2260 六位行政区划代码，含历史上曾经有效的代码。',
  descriptionEn: 'GB/T 2260 six-digit administrative division code, including codes that were valid in the past.',
  standard: 'GB/T 2260',
  normalizes: false,
  reasons: ['empty', 'format', 'unknown'],
  validate: validateAreaCode,
  macros: areaMacros,
});
