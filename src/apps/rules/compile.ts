/**
 * The rule builder's compiler: a BuilderQuery becomes one SELECT over two named relations. The SQL
 * is plain and portable (NOT EXISTS, JOIN, IS DISTINCT FROM, dates as literals) so the same text runs
 * on DuckDB behind the share guard and on PostgreSQL as the benchmark's peer. Values are literals
 * quoted here — a rule's definition never reaches SQL as text of its own.
 */
import { fieldProblem } from '../../kernel/index.ts';
import { ident, literal } from '../../lake/index.ts';
import type { RowFilter } from '../../share/index.ts';
import type { BuilderQuery, Side } from './types.ts';

export interface Relations {
  /** SQL relation (a table name or a parenthesised SELECT) for side A, and for side B. */
  a: string;
  b?: string;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const FIELD_RE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const OPS: Record<string, string> = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

const dateLit = (iso: string) => `DATE ${literal(iso)}`;
const value = (v: unknown, at: string): string => {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return literal(String(v));
  if (typeof v === 'string') return literal(v);
  throw fieldProblem(at, '条件值须为字符串、数字或布尔值 / a condition value must be a string, number or boolean');
};

function field(name: unknown, at: string): string {
  if (typeof name !== 'string' || !FIELD_RE.test(name)) throw fieldProblem(at, `字段名不合法 / not a field name: ${String(name)}`);
  return name;
}

/** ISO date `years` years before `iso` (29 Feb → 28 Feb), by the calendar. */
export function yearsBefore(iso: string, years: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const target = y - years;
  const last = new Date(Date.UTC(target, m, 0)).getUTCDate();
  return `${String(target).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export function daysBefore(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/** The conditions of one side, on alias `t`. */
function sideConditions(side: Side, t: string, asOf: string, at: string): string[] {
  const out: string[] = [];
  const col = (f: string, where: string) => `${t}.${ident(field(f, where))}`;
  for (const [name, cond] of Object.entries(side.where ?? ({} as RowFilter))) {
    const c = col(name, `${at}.where`);
    for (const [op, v] of Object.entries(cond ?? {})) {
      const where = `${at}.where.${name}.${op}`;
      if (v === undefined) continue;
      if (op in OPS) out.push(`${c} ${OPS[op]} ${value(v, where)}`);
      else if (op === 'in') {
        if (!Array.isArray(v) || !v.length) throw fieldProblem(where, '须为非空数组 / must be a non-empty list');
        out.push(`${c} IN (${v.map((x) => value(x, where)).join(', ')})`);
      } else if (op === 'prefix') out.push(`starts_with(CAST(${c} AS VARCHAR), ${literal(String(v))})`);
      else if (op === 'isNull') out.push(`${c} IS ${v ? '' : 'NOT '}NULL`);
      else throw fieldProblem(where, `未知条件 / unknown condition ${op}`);
    }
  }
  if (side.age) {
    const { gte, lt, at: md } = side.age;
    if (md !== undefined && !/^\d{2}-\d{2}$/.test(md)) throw fieldProblem(`${at}.age.at`, '须为 MM-DD / must be MM-DD');
    const day = md ? `${asOf.slice(0, 4)}-${md}` : asOf;
    const c = col(side.age.field, `${at}.age.field`);
    if (gte === undefined && lt === undefined) throw fieldProblem(`${at}.age`, '须给出 gte 或 lt / give gte or lt');
    // age ≥ n ⇔ born on or before the day n years before; age < n ⇔ born after it
    if (gte !== undefined) out.push(`${c} <= ${dateLit(yearsBefore(day, whole(gte, `${at}.age.gte`)))}`);
    if (lt !== undefined) out.push(`${c} > ${dateLit(yearsBefore(day, whole(lt, `${at}.age.lt`)))}`);
  }
  if (side.recent) {
    const c = col(side.recent.field, `${at}.recent.field`);
    out.push(`${c} > ${dateLit(daysBefore(asOf, whole(side.recent.days, `${at}.recent.days`)))}`, `${c} <= ${dateLit(asOf)}`);
  }
  return out;
}

function whole(n: unknown, at: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 200_000) throw fieldProblem(at, '须为非负整数 / must be a whole number ≥ 0');
  return n;
}

/** Output columns: A's fields as they are, `b.<field>` as `b_<field>`. */
function outputs(q: BuilderQuery, allowB: boolean): string[] {
  const fields = q.fields?.length ? q.fields : null;
  if (!fields) return ['a.*'];
  return fields.map((f, i) => {
    if (typeof f === 'string' && f.startsWith('b.')) {
      if (!allowB) throw fieldProblem(`query.fields.${i}`, '此形态不能输出 B 的字段 / this shape cannot output fields of B');
      const name = field(f.slice(2), `query.fields.${i}`);
      return `b.${ident(name)} AS ${ident('b_' + name)}`;
    }
    return `a.${ident(field(f, `query.fields.${i}`))}`;
  });
}

function joinOn(q: BuilderQuery): string[] {
  if (!q.on?.length) throw fieldProblem('query.on', '须给出关联字段 / give the fields that join A and B');
  return q.on.map((k, i) => `a.${ident(field(k.a, `query.on.${i}.a`))} = b.${ident(field(k.b, `query.on.${i}.b`))}`);
}

function windowOn(q: BuilderQuery): string[] {
  const w = q.window;
  if (!w) return [];
  const a = `a.${ident(field(w.a, 'query.window.a'))}`;
  const b = `b.${ident(field(w.b, 'query.window.b'))}`;
  if (w.op !== 'after' && w.op !== 'before') throw fieldProblem('query.window.op', 'after 或 before / after or before');
  const out = [w.op === 'after' ? `${b} > ${a}` : `${b} < ${a}`];
  if (w.days !== undefined) {
    const n = whole(w.days, 'query.window.days');
    out.push(w.op === 'after' ? `${b} <= ${a} + INTERVAL '${n} days'` : `${b} >= ${a} - INTERVAL '${n} days'`);
  }
  return out;
}

const where = (parts: string[]) => (parts.length ? ` WHERE ${parts.map((p) => `(${p})`).join(' AND ')}` : '');

/** The SELECT of a builder query over the given relations, evaluated as of `asOf` (YYYY-MM-DD). */
export function compileBuilder(q: BuilderQuery, rel: Relations, asOf: string): string {
  if (!DATE_RE.test(asOf)) throw fieldProblem('asOf', '须为 YYYY-MM-DD / must be YYYY-MM-DD');
  const a = sideConditions(q.a, 'a', asOf, 'query.a');
  const needsB = q.shape === 'anti' || q.shape === 'semi' || q.shape === 'disagree';
  if (needsB && (!q.b || !rel.b)) throw fieldProblem('query.b', '此形态需要数据集 B / this shape needs dataset B');
  const b = needsB ? sideConditions(q.b!, 'b', asOf, 'query.b') : [];
  const A = `${rel.a} AS a`;
  switch (q.shape) {
    case 'filter':
      return `SELECT ${outputs(q, false).join(', ')} FROM ${A}${where(a)}`;
    case 'anti':
    case 'semi': {
      const inner = [...joinOn(q), ...windowOn(q), ...b];
      const usesB = (q.fields ?? []).some((f) => f.startsWith('b.'));
      if (q.shape === 'semi' && usesB) return `SELECT ${outputs(q, true).join(', ')} FROM ${A} JOIN ${rel.b} AS b ON ${inner.join(' AND ')}${where(a)}`;
      const exists = `${q.shape === 'anti' ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${rel.b} AS b WHERE ${inner.join(' AND ')})`;
      return `SELECT ${outputs(q, false).join(', ')} FROM ${A}${where([...a, exists])}`;
    }
    case 'disagree': {
      if (!q.compare?.length) throw fieldProblem('query.compare', '须给出要比对的字段 / give the fields to compare');
      const diff = q.compare.map((c, i) => `a.${ident(field(c.a, `query.compare.${i}.a`))} IS DISTINCT FROM b.${ident(field(c.b, `query.compare.${i}.b`))}`);
      const cols = q.fields?.length ? outputs(q, true) : ['a.*', ...q.compare.map((c) => `b.${ident(c.b)} AS ${ident('b_' + c.b)}`)];
      return `SELECT ${cols.join(', ')} FROM ${A} JOIN ${rel.b} AS b ON ${[...joinOn(q), ...windowOn(q)].join(' AND ')}${where([...a, ...b, diff.join(' OR ')])}`;
    }
    case 'threshold': {
      const t = q.threshold;
      if (!t?.groupBy?.length) throw fieldProblem('query.threshold.groupBy', '须给出分组字段 / give the fields to group by');
      const groups = t.groupBy.map((g, i) => `a.${ident(field(g, `query.threshold.groupBy.${i}`))}`);
      if (t.op !== '>' && t.op !== '>=') throw fieldProblem('query.threshold.op', '> 或 >= / > or >=');
      if (typeof t.value !== 'number' || !Number.isFinite(t.value)) throw fieldProblem('query.threshold.value', '须为数字 / must be a number');
      const measure = t.measure === 'sum' ? `sum(a.${ident(field(t.field, 'query.threshold.field'))})` : t.measure === 'count' ? 'count(*)' : null;
      if (!measure) throw fieldProblem('query.threshold.measure', 'count 或 sum / count or sum');
      return `SELECT ${groups.join(', ')}, ${measure} AS ${ident(t.measure === 'sum' ? 'total' : 'n')} FROM ${A}${where(a)} GROUP BY ${groups.join(', ')} HAVING ${measure} ${t.op} ${t.value}`;
    }
    default:
      throw fieldProblem('query.shape', `未知形态 / unknown shape ${String((q as { shape?: unknown }).shape)}`);
  }
}

/** Dataset codes a builder query reads. */
export const builderDatasets = (q: BuilderQuery): string[] => [...new Set([q.a?.dataset, q.b?.dataset].filter((x): x is string => typeof x === 'string').map((c) => c.toUpperCase()))];
