/**
 * Evaluate a rule: its query as one guarded statement, read as the owner department (through the
 * share guard: its own data, and other departments' only under its grants, masked as granted), rows
 * grouped by the rule's key into RuleRows. A builder query is compiled (compile.ts); a SQL query is the
 * analyst dialect with `{{as_of}}` standing for the as-of date.
 */
import { createHash } from 'node:crypto';
import { type Caller, type Ctx, fieldProblem, shanghaiDay } from '../../kernel/index.ts';
import { pseudonym } from '../../lake/index.ts';
import { runAnalystSql } from '../../share/index.ts';
import { validateIdCard, validateUscc } from '../../standards/index.ts';
import { compileBuilder } from './compile.ts';
import type { RuleQuery, RuleRow } from './types.ts';

/** The most rows one evaluation reads; past it the run is incomplete (nothing is resolved for absence). */
export const RULE_ROWS_MAX = 50_000;
/** Evidence rows kept per finding or notice. */
export const EVIDENCE_ROWS_MAX = 20;

export interface Evaluable {
  code: string;
  name: string;
  query: RuleQuery;
  key: string[];
  subject?: { field: string; kind: 'person' | 'enterprise' } | null;
  ownerDepartmentId: string;
  asOf?: string | null;
}

export interface Evaluation {
  rows: RuleRow[];
  /** Rows read before grouping by key. */
  rowCount: number;
  columns: { name: string; type: string }[];
  complete: boolean;
  versions: Record<string, number>;
  asOf: string;
  seconds: number;
}

/** The rule's reader: its owner department, with no person behind it. */
export const rulePrincipal = (r: Pick<Evaluable, 'code' | 'name' | 'ownerDepartmentId'>): Caller => ({
  id: null, username: `rule:${r.code}`, displayName: `规则：${r.name}`, role: 'officer', departmentId: r.ownerDepartmentId,
});

const DATASET_RE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** The statement a rule runs, as of a day. */
export function ruleSql(query: RuleQuery, asOf: string): string {
  if (query.mode === 'sql') {
    if (typeof query.sql !== 'string' || !query.sql.trim()) throw fieldProblem('query.sql', '缺少 SQL 语句 / a SQL statement is required');
    return query.sql.replaceAll('{{as_of}}', `DATE '${asOf}'`);
  }
  const table = (code: unknown, at: string) => {
    if (typeof code !== 'string' || !DATASET_RE.test(code)) throw fieldProblem(at, '数据集代码不合法 / not a dataset code');
    return code.toUpperCase();
  };
  return compileBuilder(query, { a: table(query.a?.dataset, 'query.a.dataset'), ...(query.b ? { b: table(query.b.dataset, 'query.b.dataset') } : {}) }, asOf);
}

const text = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v));

/** The stable dedup key of a row: a hash of its key values. */
export const keyOf = (values: unknown[]): string => createHash('sha256').update(JSON.stringify(values.map(text))).digest('hex').slice(0, 32);

/** The keyed pseudonym of a row's subject (a valid ID number or USCC in clear), else null. */
function subjectOf(ctx: Ctx, v: unknown, kind: 'person' | 'enterprise'): string | null {
  const s = text(v)?.trim();
  if (!s) return null;
  const checked = kind === 'person' ? validateIdCard(s) : validateUscc(s);
  return checked.ok ? pseudonym(checked.normalized ?? s.toUpperCase(), ctx.config.secretKey ?? '') : null;
}

/** Rows safe to keep as JSON: big integers as numbers (or text), dates as ISO text. */
export function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    out[k] = typeof v === 'bigint' ? (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString())
      : v instanceof Date ? v.toISOString()
      : v !== null && typeof v === 'object' ? JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)))
      : v;
  }
  return out;
}

export async function evaluate(ctx: Ctx, rule: Evaluable, opts: { limit?: number } = {}): Promise<Evaluation> {
  const t0 = performance.now();
  const asOf = rule.asOf ?? shanghaiDay(new Date());
  const sql = ruleSql(rule.query, asOf);
  const limit = opts.limit ?? RULE_ROWS_MAX;
  const result = await runAnalystSql(ctx, rulePrincipal(rule), { sql, limit }, { via: 'rule', maxLimit: RULE_ROWS_MAX, extra: { rule: rule.code } });
  const names = new Set(result.columns.map((c) => c.name));
  rule.key.forEach((k, i) => {
    if (!names.has(k)) throw fieldProblem(`key.${i}`, `查询结果没有列 ${k} / the query has no column ${k} (columns: ${[...names].join(', ')})`);
  });
  if (rule.subject && !names.has(rule.subject.field)) throw fieldProblem('subject.field', `查询结果没有列 ${rule.subject.field} / the query has no column ${rule.subject.field}`);
  const byKey = new Map<string, RuleRow>();
  for (const raw of result.rows) {
    const row = plainRow(raw);
    const key = keyOf(rule.key.map((k) => row[k]));
    const have = byKey.get(key);
    if (have) {
      if (have.rows.length < EVIDENCE_ROWS_MAX) have.rows.push(row);
      continue;
    }
    byKey.set(key, { key, keyValues: Object.fromEntries(rule.key.map((k) => [k, row[k] ?? null])), row, rows: [row], ...(rule.subject ? { subject: subjectOf(ctx, row[rule.subject.field], rule.subject.kind) } : {}) });
  }
  return {
    rows: [...byKey.values()], rowCount: result.rows.length, columns: result.columns, complete: !result.truncated,
    versions: result.versions, asOf, seconds: (performance.now() - t0) / 1000,
  };
}
