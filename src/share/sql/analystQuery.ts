/**
 * Analyst SQL (`POST /api/v1/sql`): one read-only SELECT over the datasets the caller may read,
 * each named by its dataset code as a bare table name. The statement is checked and rewritten
 * (rewrite.ts); every dataset it names is bound to the caller's guarded view of it (masked columns
 * masked, row filter in place) as a CTE in front of it; it runs under a time cap and a row cap.
 * The caller records the audit trail from `reads`.
 */
import { fieldProblem, problem } from '../../kernel/index.ts';
import { ident } from '../../lake/index.ts';
import type { SqlEngine } from './lakeSql.ts';
import { engineMessage } from './engineMessage.ts';
import { rewriteSelect } from './rewrite.ts';
import { SqlRefusal } from './vet.ts';

/** Rows one answer carries by default, and at most. */
export const ANALYST_SQL_DEFAULT_LIMIT = 1000;
export const ANALYST_SQL_MAX_LIMIT = 10_000;
/** The longest statement accepted (characters). */
export const ANALYST_SQL_MAX_LENGTH = 20_000;
/** How long a statement may run. */
export const ANALYST_SQL_TIMEOUT_MS = 30_000;

/** The caller's guarded view of one dataset, as the share guard plans it. */
export interface GuardedView {
  /** A full `SELECT … FROM …` with positional `?` parameters. */
  sql: string;
  params: unknown[];
  dataset: { code: string; id: string; departmentId: string };
  version: number;
  /** The columns of the view the caller may use (the view is cut down to these). */
  fields: string[];
  grantId: string | null;
}

/** The guarded view of a dataset code (upper-case), or a problem (403 not readable, 404 unknown). */
export type ViewResolver = (code: string) => Promise<GuardedView>;

export interface AnalystSqlInput {
  sql: unknown;
  limit?: unknown;
}

export interface AnalystSqlOptions {
  /** Time cap of the statement (default ANALYST_SQL_TIMEOUT_MS). */
  timeoutMs?: number;
  /** The largest `limit` accepted (default ANALYST_SQL_MAX_LIMIT; the platform's own rules read more). */
  maxLimit?: number;
}

export interface AnalystSqlColumn {
  name: string;
  /** DuckDB type, e.g. `VARCHAR`, `BIGINT`. */
  type: string;
}

/** One dataset the statement read, for the caller's audit record. */
export interface AnalystRead {
  code: string;
  datasetId: string;
  departmentId: string;
  version: number;
  fields: string[];
  grantId: string | null;
}

export interface AnalystSqlResult {
  columns: AnalystSqlColumn[];
  rows: Record<string, unknown>[];
  /** More rows matched than `limit`. */
  truncated: boolean;
  reads: AnalystRead[];
}

const invalid = (message: string) => fieldProblem('sql', message);

/** `limit`: a whole number from 1 to ANALYST_SQL_MAX_LIMIT, default ANALYST_SQL_DEFAULT_LIMIT. */
function limitOf(v: unknown, max = ANALYST_SQL_MAX_LIMIT): number {
  if (v === undefined || v === null) return Math.min(ANALYST_SQL_DEFAULT_LIMIT, max);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) throw fieldProblem('limit', `必须是 1 到 ${max} 的整数 / must be a whole number from 1 to ${max}`);
  return v;
}

/**
 * A CTE may not take a dataset's name: inside its query the name would read the CTE, not the
 * dataset, and the statement would say one thing and do another. The resolver tells: a view or a
 * 4xx refusal (403, …) is a dataset, a 404 is none; anything else (a 5xx, a crash) is passed on.
 */
async function refuseShadowing(cteNames: Set<string>, resolve: ViewResolver): Promise<void> {
  for (const name of cteNames) {
    try {
      await resolve(name.toUpperCase());
    } catch (err) {
      const status = (err as { status?: unknown })?.status;
      if (status === 404) continue;
      if (typeof status !== 'number' || status >= 500) throw err;
    }
    throw invalid(`CTE 不能与数据集同名 / a CTE may not be named like a dataset: ${name}`);
  }
}

/** A guarded view cut down to its fields (nothing else the view computes leaves it). */
const viewSql = (v: GuardedView) => `SELECT ${v.fields.map(ident).join(', ')} FROM (${v.sql}) AS "__v"`;

/**
 * Run one analyst statement. Refusals are problems: 400 `validation` naming `sql` (or `limit`) for
 * statements outside the allow-list, bad SQL, CTEs shadowing datasets, time-outs; the resolver's
 * own 403/404 for datasets the caller may not read or that do not exist.
 */
export async function analystQuery(lake: SqlEngine, input: AnalystSqlInput, resolve: ViewResolver, opts: AnalystSqlOptions = {}): Promise<AnalystSqlResult> {
  const { sql } = input;
  if (typeof sql !== 'string' || !sql.trim()) throw invalid('缺少 SQL 语句 / a SQL statement is required');
  if (sql.length > ANALYST_SQL_MAX_LENGTH) throw invalid(`语句过长（最多 ${ANALYST_SQL_MAX_LENGTH} 字符）/ statement longer than ${ANALYST_SQL_MAX_LENGTH} characters`);
  const limit = limitOf(input.limit, opts.maxLimit);
  const timeoutMs = opts.timeoutMs ?? ANALYST_SQL_TIMEOUT_MS;

  let checked;
  try {
    checked = await rewriteSelect(lake, sql);
  } catch (err) {
    if (err instanceof SqlRefusal) throw invalid(err.message);
    throw err;
  }
  await refuseShadowing(checked.cteNames, resolve);
  if (!checked.tables.size) throw invalid('语句没有读取任何数据集 / the statement reads no dataset');

  const views: [string, GuardedView][] = [];
  for (const [name, generated] of checked.tables) views.push([generated, await resolve(name.toUpperCase())]);
  for (const [, v] of views) if (!v.fields.length) throw problem('forbidden', `数据集 ${v.dataset.code} 没有可读字段 / no readable fields`);

  // A view with parameters is materialized: DuckDB (1.5) answers wrongly (no rows) when a CTE with
  // `?` parameters is inlined more than once under a LIMIT. A view without parameters stays inlined,
  // so filters still reach its Parquet scan.
  const withs = views.map(([generated, v]) => `${ident(generated)} AS ${v.params.length ? 'MATERIALIZED ' : ''}(${viewSql(v)})`).join(', ');
  const statement = `WITH ${withs} SELECT * FROM (${checked.sql}) AS "__q"`;
  const params = views.flatMap(([, v]) => v.params);
  let columns: { column_name: string; column_type: string }[];
  let rows: Record<string, unknown>[];
  try {
    columns = await lake.query(`DESCRIBE ${statement}`, params, { timeoutMs });
    rows = await lake.query<Record<string, unknown>>(`${statement} LIMIT ${limit + 1}`, params, { timeoutMs });
  } catch (err) {
    const msg = engineMessage(err, checked.original);
    throw invalid(/interrupt/i.test(msg) ? `查询超过 ${timeoutMs / 1000} 秒被中止 / the statement ran longer than ${timeoutMs / 1000} s and was stopped` : msg);
  }
  const truncated = rows.length > limit;
  if (truncated) rows = rows.slice(0, limit);
  return {
    columns: columns.map((c) => ({ name: c.column_name, type: c.column_type })),
    rows,
    truncated,
    reads: views.map(([, v]) => ({ code: v.dataset.code, datasetId: v.dataset.id, departmentId: v.dataset.departmentId, version: v.version, fields: v.fields, grantId: v.grantId })),
  };
}
