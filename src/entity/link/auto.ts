/**
 * Settings without a configuration: each column is profiled (distinct values, null share, average
 * length, what its values look like), given the comparison its kind calls for, and blocking rules
 * are picked by the number of pairs they would make, so the work stays near-linear in the records.
 */
import type { StageRunner } from '../../lake/index.ts';
import type { Comparison, LinkSettings } from './types.ts';
import { date, email, exact, jaroWinkler, levenshtein, postcode } from './comparisons.ts';
import { ident, L, R } from './sql.ts';

export type ColumnKind = 'name' | 'date' | 'email' | 'postcode' | 'code' | 'category' | 'text' | 'skip';

export interface ColumnProfile {
  name: string;
  type: string;
  nonNull: number;
  distinct: number;
  nullShare: number;
  avgLength: number;
  /** Shares of the non-null values that look like an e-mail, a date, a string of digits. */
  emailShare: number;
  dateShare: number;
  digitShare: number;
  /** Share that look like a date with a time of day. */
  timeShare: number;
}

export async function profileColumns(run: StageRunner, records: string, columns: Array<{ name: string; type: string }>): Promise<ColumnProfile[]> {
  const out: ColumnProfile[] = [];
  for (const { name, type } of columns) {
    const v = `CAST(${ident(name)} AS VARCHAR)`;
    const [r] = await run.rows<Record<string, number | bigint | null>>(
      `profile.${name}`,
      `SELECT count(*) AS n, count(${ident(name)}) AS non_null, count(DISTINCT ${ident(name)}) AS distinct_values,
         avg(length(${v})) AS avg_length,
         avg(CASE WHEN regexp_matches(${v}, '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$') THEN 1 ELSE 0 END) FILTER (WHERE ${ident(name)} IS NOT NULL) AS email_share,
         avg(CASE WHEN regexp_matches(${v}, '^(1[89]|20)\\d\\d-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\\d|3[01])') THEN 1 ELSE 0 END) FILTER (WHERE ${ident(name)} IS NOT NULL) AS date_share,
         avg(CASE WHEN regexp_matches(${v}, '^\\d+$') THEN 1 ELSE 0 END) FILTER (WHERE ${ident(name)} IS NOT NULL) AS digit_share,
         avg(CASE WHEN regexp_matches(${v}, '^\\d{4}\\D?\\d{1,2}\\D?\\d{1,2}[T ]\\d{1,2}:\\d{2}') THEN 1 ELSE 0 END) FILTER (WHERE ${ident(name)} IS NOT NULL) AS time_share
       FROM ${records}`,
    );
    const n = Number(r!.n);
    const nonNull = Number(r!.non_null);
    out.push({
      name, type, nonNull,
      distinct: Number(r!.distinct_values),
      nullShare: n ? 1 - nonNull / n : 1,
      avgLength: Number(r!.avg_length ?? 0),
      emailShare: Number(r!.email_share ?? 0),
      dateShare: Number(r!.date_share ?? 0),
      digitShare: Number(r!.digit_share ?? 0),
      timeShare: Number(r!.time_share ?? 0),
    });
  }
  return out;
}

/** What kind of value a column holds, from its name and profile. */
export function classify(p: ColumnProfile): ColumnKind {
  const n = p.name.toLowerCase();
  if (p.nonNull === 0 || p.nullShare > 0.95 || p.distinct <= 1) return 'skip';
  // When a row was written says nothing about whom it describes.
  if (/^timestamp/i.test(p.type) || p.timeShare > 0.5 || /^(updated|created|modified|loaded|inserted|ingested)(_?(at|on|time|date))?$|更新时间|创建时间|入库时间/.test(n)) return 'skip';
  if (p.emailShare > 0.5 || /e-?mail|邮箱/.test(n)) return 'email';
  if (/^(date|timestamp)/i.test(p.type) || p.dateShare > 0.8 || (/dob|birth|date|日期|生日/.test(n) && p.dateShare > 0.5)) return 'date';
  if (/post|zip|邮编|邮政/.test(n)) return 'postcode';
  if (/name|姓|名/.test(n) && p.digitShare < 0.5) return 'name';
  if (p.digitShare > 0.8) return p.avgLength >= 5 ? 'code' : 'category';
  if (p.distinct < 100 || p.distinct / p.nonNull < 0.01) return 'category';
  if (p.avgLength <= 20 && p.distinct / p.nonNull > 0.5 && !/\s/.test(p.name) && p.digitShare > 0.3) return 'code';
  return 'text';
}

export function comparisonFor(p: ColumnProfile, kind: ColumnKind): Comparison | null {
  const o = { title: p.name };
  switch (kind) {
    case 'name': return jaroWinkler(p.name, [0.92, 0.8], { ...o, tf: true });
    case 'date': return date(p.name, [1, 10], o);
    case 'email': return email(p.name, { ...o, tf: true });
    case 'postcode': return postcode(p.name, 3, { ...o, tf: true });
    case 'code': return levenshtein(p.name, [1, 2], o);
    case 'category': return exact(p.name, { ...o, tf: true });
    case 'text': return jaroWinkler(p.name, [0.9, 0.8], { ...o, tf: true });
    case 'skip': return null;
  }
}

/** Pairs an equality rule on these columns would make. */
async function pairsOfRule(run: StageRunner, records: string, cols: string[]): Promise<number> {
  const c = cols.map(ident).join(', ');
  const [r] = await run.rows<{ pairs: number | null }>(
    'profile.blocking',
    `SELECT sum(k * (k - 1) / 2)::DOUBLE AS pairs FROM (SELECT count(*)::DOUBLE AS k FROM ${records} WHERE ${cols.map((x) => `${ident(x)} IS NOT NULL`).join(' AND ')} GROUP BY ${c})`,
  );
  return Number(r?.pairs ?? 0);
}

/** Columns a household or workplace shares (by name): they block but do not train. */
const SHARED_CONTACT = /phone|tel|mobile|fax|addr|street|电话|手机|联系方式|地址|住址|住所/;

/** At most this many pairs per rule: near-linear (a few dozen per record), with a floor for small inputs. */
export const blockingBudget = (records: number) => Math.max(50_000, 30 * records);

export interface AutoSettings {
  settings: LinkSettings;
  kinds: Record<string, ColumnKind>;
}

export async function autoSettings(run: StageRunner, records: string, idColumn: string, columns: Array<{ name: string; type: string }>): Promise<AutoSettings> {
  const profiles = await profileColumns(run, records, columns);
  const [cnt] = await run.rows<{ n: bigint | number }>('profile.count', `SELECT count(*) AS n FROM ${records}`);
  const n = Number(cnt!.n);
  const kinds: Record<string, ColumnKind> = {};
  const comparisons: Comparison[] = [];
  const used: ColumnProfile[] = [];
  for (const p of profiles) {
    const kind = classify(p);
    kinds[p.name] = kind;
    const c = comparisonFor(p, kind);
    if (c) {
      comparisons.push(c);
      used.push(p);
    }
  }
  if (!comparisons.length) throw new Error('没有可比较的字段 / link: no column to compare');

  // Blocking: equality on one column where that stays within budget (most selective first), then on
  // two columns together for the rest; several rules, so a typo in one field does not lose the pair.
  const budget = blockingBudget(n);
  const byDistinct = [...used].sort((a, b) => b.distinct - a.distinct);
  const rules: Array<{ cols: string[]; pairs: number }> = [];
  for (const p of byDistinct) {
    if (rules.length >= 5) break;
    const pairs = await pairsOfRule(run, records, [p.name]);
    if (pairs <= budget) rules.push({ cols: [p.name], pairs });
  }
  const singles = new Set(rules.map((r) => r.cols[0]));
  for (let i = 0; i < byDistinct.length && rules.length < 6; i++) {
    for (let j = i + 1; j < byDistinct.length && rules.length < 6; j++) {
      const [a, b] = [byDistinct[i]!.name, byDistinct[j]!.name];
      if (singles.has(a) || singles.has(b)) continue;
      const pairs = await pairsOfRule(run, records, [a, b]);
      if (pairs <= budget) rules.push({ cols: [a, b], pairs });
    }
  }
  if (!rules.length) throw new Error('无法自动选出分块规则，请提供配置 / link: no blocking rule keeps the comparisons near-linear; give a configuration');
  const sql = (r: { cols: string[] }) => r.cols.map((c) => `${L(c)} = ${R(c)}`).join(' AND ');
  // EM needs blocks whose non-matches look like random pairs apart from the rule's columns. A shared
  // address or phone gathers a household (or a company's staff), who also share the rest of the
  // contact details: EM would learn "same household" instead of "same person". So those rules only
  // block; the three most selective of the others train.
  const shared = (col: string) => kinds[col] === 'text' || SHARED_CONTACT.test(col.toLowerCase());
  const personal = rules.filter((r) => !r.cols.some(shared));
  const training = [...(personal.length ? personal : rules)].sort((a, b) => a.pairs - b.pairs).slice(0, 3);
  return { settings: { idColumn, comparisons, blocking: rules.map(sql), trainingBlocking: training.map(sql), threshold: 0.9 }, kinds };
}
