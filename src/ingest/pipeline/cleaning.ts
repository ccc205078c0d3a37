import type { Field } from '../../catalog/index.ts';
import { getElement, normalizeSql } from '../../standards/index.ts';
import { literal } from '../sql.ts';
import type { FieldCleaning } from '../types.ts';

export type CleaningRuleId = 'trim' | 'halfWidth' | 'codeMap' | 'normalize' | 'date';

/** A cleaning rule as the console shows it: what it does, whether it applies, whether it is on. */
export interface CleaningRuleInfo {
  id: CleaningRuleId;
  title: string;
  enabled: boolean;
  /** On unless switched off. */
  default: boolean;
}

const FULL_FROM = Array.from({ length: 0xff5e - 0xff01 + 1 }, (_, i) => String.fromCharCode(0xff01 + i)).join('') + '\u3000';
const FULL_TO = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('') + ' ';
const TRIM_CHARS = ' \t\r\n\u3000\u00a0\ufeff';
const FULL_RE = '[\uff01-\uff5e\u3000]';

const NUMERIC = new Set(['integer', 'number', 'decimal', 'boolean', 'date', 'timestamp']);

function normalizeTitle(f: Field): string {
  switch (f.element) {
    case 'id_card': return '身份证号 15 位升 18 位、X 大写 / ID 15→18 digits';
    case 'date': return '日期写法规范为 YYYY-MM-DD / date forms → ISO';
    case 'gender': return '性别代码映射（男→1、女→2） / sex → GB/T 2261.1 code';
    case 'ethnicity': return '民族名称映射为代码（汉族→01） / ethnic group → GB/T 3304 code';
    case 'mobile': return '手机号去除 +86、空格和连字符 / mobile: drop +86, spaces, dashes';
    default: return f.element ? `按数据元 ${getElement(f.element)?.title ?? f.element} 规范化 / normalise by the data element` : '规范化 / normalise';
  }
}

/** Defaults: trim everywhere; half-width for codes and numbers; the element's normalisation; dates. */
export function defaultCleaning(f: Field): Required<Omit<FieldCleaning, 'codeMap'>> {
  const el = f.element ? getElement(f.element) : undefined;
  return {
    trim: true,
    halfWidth: NUMERIC.has(f.type) || !!f.element,
    normalize: (!!el && el.normalizes) || f.type === 'boolean',
    date: (f.type === 'date' || f.type === 'timestamp') && !el,
  };
}

/** The rules of a field with their state: defaults, then the saved switches, then this run's. */
export function cleaningRules(f: Field, ...layers: (FieldCleaning | undefined)[]): { rules: CleaningRuleInfo[]; codeMap: Record<string, string> | null } {
  const d = defaultCleaning(f);
  const on = { ...d };
  let codeMap: Record<string, string> | null = null;
  for (const l of layers) {
    if (!l) continue;
    for (const k of ['trim', 'halfWidth', 'normalize', 'date'] as const) if (typeof l[k] === 'boolean') on[k] = l[k]!;
    if (l.codeMap !== undefined) codeMap = l.codeMap && Object.keys(l.codeMap).length ? l.codeMap : null;
  }
  const rules: CleaningRuleInfo[] = [
    { id: 'trim', title: '去除首尾空白 / trim', enabled: on.trim, default: d.trim },
    { id: 'halfWidth', title: '全角转半角 / full-width → half-width', enabled: on.halfWidth, default: d.halfWidth },
    { id: 'codeMap', title: '代码值映射 / code-value mapping', enabled: !!codeMap, default: false },
  ];
  const el = f.element ? getElement(f.element) : undefined;
  if ((el && el.normalizes) || f.type === 'boolean')
    rules.push({ id: 'normalize', title: f.type === 'boolean' && !el ? '是/否 → true/false' : normalizeTitle(f), enabled: on.normalize, default: d.normalize });
  if ((f.type === 'date' || f.type === 'timestamp') && !el)
    rules.push({ id: 'date', title: '日期写法规范为 YYYY-MM-DD / date forms → ISO', enabled: on.date, default: d.date });
  return { rules, codeMap };
}

const BOOL_TRUE = ['是', '对', 'Y', 'YES', 'T', 'TRUE', '1', '真'];
const BOOL_FALSE = ['否', '错', 'N', 'NO', 'F', 'FALSE', '0', '假'];

export interface CleanSql {
  /** Full-width → half-width over the raw VARCHAR column (null: off). */
  half: ((col: string) => string) | null;
  /** Trim, code map, blank → NULL over the column holding the previous step. */
  basic: (col: string) => string;
  /** Date / boolean forms over the column holding `basic` (null: none). */
  forms: ((col: string) => string) | null;
  /** The element's normalised value (NULL when it does not normalise) over the cleaned column (null: not applied). */
  normalize: ((col: string) => string) | null;
}

// a list literal, not an IN list: DuckDB turns long IN lists into joins
const SPACES = `[${[' ', '\t', '\n', '\r', '\u3000', '\u00a0', '\ufeff'].map(literal).join(', ')}]`;

/**
 * SQL of the cleaning steps for one field, in order: half-width → trim → code map →
 * (blank → NULL) → date / boolean forms → the element's normalisation. Each step takes a column
 * name, so nothing expands over a long earlier expression. translate() and trim() with a
 * character set are costly per value, so both run only where they change something.
 */
export function cleanSql(f: Field, rules: CleaningRuleInfo[], codeMap: Record<string, string> | null): CleanSql {
  const on = (id: CleaningRuleId) => rules.some((r) => r.id === id && r.enabled);
  const half = on('halfWidth')
    ? (c: string) => `CASE WHEN strlen(${c}) = length(${c}) OR NOT regexp_matches(${c}, ${literal(FULL_RE)}) THEN ${c} ELSE translate(${c}, ${literal(FULL_FROM)}, ${literal(FULL_TO)}) END`
    : null;
  const basic = (c: string) => {
    let x = on('trim') ? `CASE WHEN list_contains(${SPACES}, ${c}[1]) OR list_contains(${SPACES}, ${c}[-1]) THEN trim(${c}, ${literal(TRIM_CHARS)}) ELSE ${c} END` : c;
    if (codeMap) {
      const entries = Object.entries(codeMap);
      x = `coalesce(map_extract_value(MAP {${entries.map(([k, v]) => `${literal(k)}: ${literal(String(v))}`).join(', ')}}, ${x}), ${x})`;
    }
    return `nullif(${x}, '')`;
  };
  let forms: ((c: string) => string) | null = null;
  if (on('date')) {
    forms = f.type === 'timestamp'
      ? (c) => `CASE WHEN TRY_CAST(${c} AS TIMESTAMP) IS NULL THEN coalesce(${normalizeSql('date', c)}, ${c}) ELSE ${c} END`
      : (c) => `CASE WHEN regexp_full_match(${c}, '[12][0-9]{3}-[01][0-9]-[0-3][0-9]') AND TRY_CAST(${c} AS DATE) IS NOT NULL THEN ${c} ELSE coalesce(${normalizeSql('date', c)}, ${c}) END`;
  } else if (on('normalize') && f.type === 'boolean' && !f.element) {
    forms = (c) => `CASE WHEN list_contains([${BOOL_TRUE.map(literal).join(', ')}], upper(${c})) THEN 'true' WHEN list_contains([${BOOL_FALSE.map(literal).join(', ')}], upper(${c})) THEN 'false' ELSE ${c} END`;
  }
  const el = f.element;
  return { half, basic, forms, normalize: on('normalize') && el ? (c) => normalizeSql(el, c) : null };
}

/** The whole cleaning as one expression over `raw` (for the few failing rows, where size does not matter). */
export function cleanedExpr(c: CleanSql, raw: string): string {
  const b = c.basic(c.half ? c.half(raw) : raw);
  return c.forms ? c.forms(b) : b;
}
