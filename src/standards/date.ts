/**
 * 日期: the written forms found in department data, normalized to ISO 8601 (YYYY-MM-DD).
 *
 *   2023-01-05  2023-1-5  2023/1/5  2023.01.05  2023年1月5日  2023年1月5号  20230105
 *   (a trailing time such as " 00:00:00" or "T08:30" is accepted and dropped)
 *
 * Calendar-invalid dates (2023-02-30) are rejected with reason 'invalid'; years before 1000
 * too. Optional params { min, max } (ISO dates, or 'today') add reason 'range'.
 */
import { cleanText, todayIso } from './text.ts';
import { checkedElementMacros, macro } from './sql.ts';
import type { ElementDef, ElementParams, ValidationResult } from './types.ts';
import { builtinElement } from './builtin.ts';

const DATE_RE =
  '([0-9]{4})(?:[ ]*[-/.年][ ]*([0-9]{1,2})[ ]*[-/.月][ ]*([0-9]{1,2})[ ]*[日号]?|([0-9]{2})([0-9]{2}))(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\\.[0-9]+)?)?)?';
const dateRe = new RegExp(`^${DATE_RE}$`);

function daysInMonth(y: number, m: number): number {
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
}


/** Parse a written date to ISO, or null. */
export function parseDate(value: unknown): string | null {
  const r = validateDate(value);
  return r.ok ? r.normalized! : null;
}

function boundOf(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (v === 'today') return todayIso();
  const iso = parseDate(v);
  if (!iso) throw new RangeError(`date bound is not a date: ${String(v)}`);
  return iso;
}

export function validateDate(value: unknown, params?: ElementParams): ValidationResult {
  const c = cleanText(value);
  if (c === null || c === '') return { ok: false, reason: 'empty' };
  const m = dateRe.exec(c);
  if (!m) return { ok: false, reason: 'format' };
  const y = Number(m[1]);
  const mo = Number(m[2] ?? m[4]);
  const d = Number(m[3] ?? m[5]);
  if (y < 1000 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return { ok: false, reason: 'invalid' };
  const iso = `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const min = boundOf(params?.min);
  const max = boundOf(params?.max);
  if ((min && iso < min) || (max && iso > max)) return { ok: false, reason: 'range' };
  return { ok: true, normalized: iso };
}

/** SQL for the { min, max } bounds, as a boolean over the ISO string `iso`. */
function rangeSql(iso: string, params?: ElementParams): string | null {
  const parts: string[] = [];
  const bound = (v: unknown) => (v === 'today' ? 'strftime(current_date, \'%Y-%m-%d\')' : `'${boundOf(v)}'`);
  if (params?.min !== undefined && params.min !== null && params.min !== '') parts.push(`${iso} >= ${bound(params.min)}`);
  if (params?.max !== undefined && params.max !== null && params.max !== '') parts.push(`${iso} <= ${bound(params.max)}`);
  return parts.length ? parts.join(' AND ') : null;
}

export function dateMacros(): string[] {
  const y = `TRY_CAST(std__date_parts(c).y AS INTEGER)`;
  return [
    // One regex pass gives every group; month/day come from whichever alternative matched.
    macro('std__date_parts', 'c', `regexp_extract(c, '^${DATE_RE}$', ['y', 'm1', 'd1', 'm2', 'd2'])`),
    // The DATE written in c; NULL unless a real calendar date from year 1000 on.
    macro(
      'std__date_ymd',
      'c',
      `try(make_date([NULL, ${y}][(${y} >= 1000)::INTEGER + 1],
        TRY_CAST(std__date_parts(c).m1 || std__date_parts(c).m2 AS INTEGER),
        TRY_CAST(std__date_parts(c).d1 || std__date_parts(c).d2 AS INTEGER)))`,
    ),
    ...checkedElementMacros({
      id: 'date',
      prep: `std_clean(s)`,
      checks: [
        ['format', `regexp_full_match(c, '${DATE_RE}')`],
        ['invalid', `std__date_ymd(c) IS NOT NULL`],
      ],
      norm: `strftime(std__date_ymd(c), '%Y-%m-%d')`,
    }),
  ];
}

export const dateElement: ElementDef = builtinElement({
  id: 'date',
  title: '日期',
  titleEn: 'Date',
  description: '日期，接受 2023-01-05、2023/1/5、2023.01.05、2023年1月5日、20230105 等写法，规范为 ISO 8601（YYYY-MM-DD）；可选参数 min/max 限定范围。',
  descriptionEn: 'A date, written as 2023-01-05, 2023/1/5, 2023.01.05, 20230105, the Chinese year-month-day form and the like, normalized to ISO 8601 (YYYY-MM-DD); optional min/max parameters bound the range.',
  standard: 'GB/T 7408 (ISO 8601)',
  normalizes: true,
  reasons: ['empty', 'format', 'invalid', 'range'],
  params: [
    { name: 'min', type: 'string', title: '最早日期（YYYY-MM-DD 或 today）', titleEn: 'Earliest date (YYYY-MM-DD or today)' },
    { name: 'max', type: 'string', title: '最晚日期（YYYY-MM-DD 或 today）', titleEn: 'Latest date (YYYY-MM-DD or today)' },
  ],
  validate: (v, p) => validateDate(v, p),
  validSql: (e, p) => {
    const r = rangeSql(`std_date_norm(${e})`, p);
    return r ? `CASE WHEN std_date_valid(${e}) THEN (${r}) ELSE std_date_valid(${e}) END` : `std_date_valid(${e})`;
  },
  reasonSql: (e, p) => {
    const r = rangeSql(`std_date_norm(${e})`, p);
    return r ? `CASE WHEN std_date_valid(${e}) AND NOT (${r}) THEN 'range' ELSE std_date_reason(${e}) END` : `std_date_reason(${e})`;
  },
  normalizeSql: (e, p) => {
    const r = rangeSql(`std_date_norm(${e})`, p);
    return r ? `CASE WHEN ${r} THEN std_date_norm(${e}) END` : `std_date_norm(${e})`;
  },
  macros: dateMacros,
});
