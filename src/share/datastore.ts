import { boolParam, type CkanDatastore, type Dataset, intParam } from '../catalog/index.ts';
import { type Ctx, isUuid, problem } from '../kernel/index.ts';
import { ident, literal } from '../lake/index.ts';
import { openKeys, type OpenReader } from './openKeys.ts';
import { engineMessage, rewriteSelect, SqlRefusal, type RewrittenSelect } from './sql/index.ts';
import { auditOpenRead, planOpenRead, type OpenPlan } from './openRead.ts';

/**
 * The CKAN DataStore over open data: `datastore_search` and `datastore_search_sql` read a
 * dataset's CSV resource, and only ever through the open-data guard (`planOpenRead`): kept
 * columns, masked ones masked, dropped ones absent; conditional open data needs an approved key.
 * Every read is audited like the portal's (`data.read`, open).
 */

/** CKAN's `ckan.datastore.search.rows_max`: the most rows one answer carries. */
export const DATASTORE_ROWS_MAX = 32000;
/** How long a `datastore_search_sql` statement may run. */
export const DATASTORE_SQL_TIMEOUT_MS = 10_000;

/** A DataStore column as CKAN describes it. */
export interface DatastoreField {
  id: string;
  type: string;
  info?: { label: string; notes?: string };
}

const CKAN_TYPES: Record<string, string> = {
  string: 'text', integer: 'int8', number: 'float8', decimal: 'numeric', boolean: 'bool', date: 'date', timestamp: 'timestamp',
};

/** A Validation Error (CKAN answers 409) naming the parameter. */
const invalid = (field: string, message: string) => problem('validation', `${field}: ${message}`, [{ field, message }]);
/** CKAN's "field not in table" for an unknown (or dropped) column. */
const notInTable = (param: string, name: string) => invalid(param, `field "${name}" not in table`);

export interface DatastoreSearchParams {
  q?: unknown;
  filters?: unknown;
  fields?: unknown;
  sort?: unknown;
  limit?: unknown;
  offset?: unknown;
  include_total?: unknown;
}

/** A JSON text or the value itself (CKAN accepts both on GET and POST). */
function jsonOrValue(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!/^[[{"]/.test(t)) return v;
  try {
    return JSON.parse(t);
  } catch {
    return v;
  }
}

/** A list parameter: JSON list, comma list, or a list already. */
function listParam(v: unknown, name: string): string[] | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const j = jsonOrValue(v);
  const items = Array.isArray(j) ? j : typeof j === 'string' ? j.split(',') : null;
  if (!items || items.some((x) => typeof x !== 'string')) throw invalid(name, 'must be a list of strings');
  return (items as string[]).map((s) => s.trim()).filter(Boolean);
}

/** The fields of a plan as CKAN lists them, `_id` (the row number) first. */
function fieldsOf(plan: OpenPlan): DatastoreField[] {
  return [
    { id: '_id', type: 'int' },
    ...plan.columns.map((c) => ({ id: c.name, type: CKAN_TYPES[c.type] ?? 'text', info: { label: c.title, ...(c.description ? { notes: c.description } : {}) } })),
  ];
}

/** The rows of a plan numbered as CKAN's `_id` (1, 2, …, in stored order). */
const numbered = (plan: OpenPlan) => `SELECT CAST(row_number() OVER () AS BIGINT) AS "_id", * FROM (${plan.sql}) AS open_rows`;

const likePattern = (s: string) => literal(`%${s.replace(/[\\%_]/g, '\\$&')}%`);

/** The WHERE conditions of `q` (text over every text column, or per column) and `filters`. */
function conditions(p: DatastoreSearchParams, known: Map<string, DatastoreField>): string[] {
  const conds: string[] = [];
  const text = [...known.values()].filter((f) => f.type === 'text').map((f) => f.id);
  const q = jsonOrValue(p.q);
  if (typeof q === 'string' && q.trim()) {
    conds.push(text.length ? `(${text.map((c) => `CAST(${ident(c)} AS VARCHAR) ILIKE ${likePattern(q.trim())} ESCAPE '\\'`).join(' OR ')})` : 'false');
  } else if (q && typeof q === 'object' && !Array.isArray(q)) {
    for (const [k, v] of Object.entries(q)) {
      if (!known.has(k)) throw notInTable('q', k);
      conds.push(`CAST(${ident(k)} AS VARCHAR) ILIKE ${likePattern(String(v))} ESCAPE '\\'`);
    }
  } else if (q !== undefined && q !== null && q !== '') throw invalid('q', 'must be a string or an object');
  const filters = jsonOrValue(p.filters);
  if (filters !== undefined && filters !== null && filters !== '') {
    if (typeof filters !== 'object' || Array.isArray(filters)) throw invalid('filters', 'must be a JSON object');
    for (const [k, v] of Object.entries(filters as Record<string, unknown>)) {
      if (!known.has(k)) throw notInTable('filters', k);
      const values = Array.isArray(v) ? v : [v];
      if (!values.length) throw invalid('filters', `no value for "${k}"`);
      if (values.some((x) => x !== null && typeof x === 'object')) throw invalid('filters', `values of "${k}" must be text, numbers or booleans`);
      const col = `CAST(${ident(k)} AS VARCHAR)`;
      const some = values.filter((x) => x !== null).map((x) => literal(String(x)));
      const parts = [...(some.length ? [`${col} IN (${some.join(', ')})`] : []), ...(values.includes(null) ? [`${ident(k)} IS NULL`] : [])];
      conds.push(`(${parts.join(' OR ')})`);
    }
  }
  return conds;
}

/** ORDER BY of `sort` ("a, b desc" or a list), checked against the columns. */
function orderBy(sort: unknown, known: Map<string, DatastoreField>): string {
  const items = listParam(sort, 'sort');
  if (!items?.length) return `"_id"`;
  return items.map((item) => {
    const m = /^\s*("?)(.+?)\1(?:\s+(asc|desc))?\s*$/i.exec(item);
    if (!m) throw invalid('sort', `cannot sort by ${item}`);
    if (!known.has(m[2]!)) throw notInTable('sort', m[2]!);
    return `${ident(m[2]!)} ${(m[3] ?? 'asc').toUpperCase()}`;
  }).join(', ');
}

/** The request's own path and query with `offset` set (CKAN's `_links`). */
function linkWith(path: string, query: Record<string, string>, offset: number | null): string {
  const u = new URLSearchParams(Object.entries(query).filter(([k]) => k !== 'offset'));
  if (offset !== null) u.set('offset', String(offset));
  const qs = u.toString();
  return qs ? `${path}?${qs}` : path;
}

export interface DatastoreLinks {
  /** The request path (e.g. `/api/3/action/datastore_search`). */
  path: string;
  /** The query parameters of the request (GET), or the body's simple values (POST). */
  query: Record<string, string>;
}

/**
 * `datastore_search` on a dataset's CSV resource: rows of open data (the guard's plan) with CKAN's
 * `_id`, `q` (text), `filters`, `fields`, `sort`, `limit` (default 100, at most 32000), `offset`,
 * `include_total`. Unknown (or dropped) columns answer a Validation Error naming them.
 */
export async function datastoreSearch(ctx: Ctx, reader: OpenReader, ds: Dataset, resourceId: string, p: DatastoreSearchParams, links: DatastoreLinks) {
  const plan = await planOpenRead(ctx, reader, ds);
  const all = fieldsOf(plan);
  const known = new Map(all.map((f) => [f.id, f]));
  const wanted = listParam(p.fields, 'fields');
  for (const f of wanted ?? []) if (!known.has(f)) throw notInTable('fields', f);
  const fields = wanted?.length ? all.filter((f) => wanted.includes(f.id)) : all;
  const limit = intParam(p.limit, 'limit', 100, DATASTORE_ROWS_MAX);
  const offset = intParam(p.offset, 'offset', 0);
  const includeTotal = boolParam(p.include_total, 'include_total', true);
  const conds = conditions(p, known);
  const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
  const order = orderBy(p.sort, known);
  const cols = fields.map((f) => ident(f.id)).join(', ');
  const base = `WITH src AS (${numbered(plan)})`;
  const [records, count] = await Promise.all([
    ctx.lakeReader.query<Record<string, unknown>>(`${base} SELECT ${cols} FROM src ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`),
    includeTotal ? ctx.lakeReader.query<{ n: number }>(`${base} SELECT count(*) AS n FROM src ${where}`) : Promise.resolve(null),
  ]);
  await auditOpenRead(ctx, reader, plan, { format: 'ckan.datastore_search', resource: resourceId, offset, limit, rows: records.length });
  return {
    include_total: includeTotal, resource_id: resourceId, fields, records_format: 'objects', records, limit, offset,
    _links: { start: linkWith(links.path, links.query, null), next: linkWith(links.path, links.query, offset + limit) },
    ...(count ? { total: Number(count[0]?.n ?? 0), total_was_estimated: false } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// datastore_search_sql

/** A 403 as CKAN's datastore answers it (`permissions`). */
const denied = (message: string) => problem('forbidden', message, [{ field: 'permissions', message }]);

/**
 * A statement checked and rewritten by the shared allow-list (`./sql`), its refusals in CKAN's
 * words: what is not one valid SELECT (or uses a reserved name) is a Validation Error (409), what
 * reads or calls what it may not is an Authorization Error (403).
 */
async function checkedSelect(ctx: Ctx, sql: string): Promise<RewrittenSelect> {
  try {
    return await rewriteSelect(ctx.lakeReader, sql);
  } catch (err) {
    if (!(err instanceof SqlRefusal)) throw err;
    throw err.reason === 'statement' || err.reason === 'reserved-name' ? invalid('query', err.message) : denied(err.message);
  }
}

/** A DuckDB error as the caller may see it (`engineMessage`), and never with the server's key. */
function ckanEngineMessage(ctx: Ctx, err: unknown, checked: RewrittenSelect): string {
  const msg = engineMessage(err, checked.original);
  return ctx.config.secretKey ? msg.split(ctx.config.secretKey).join('…') : msg;
}

export interface DatastoreSqlResolver {
  /** The datasets behind these (lower-cased) names that are open resources; names that are not are left out. */
  (names: string[]): Promise<Map<string, Dataset>>;
}

/**
 * `datastore_search_sql`: one read-only SELECT whose tables are resource ids. The shared checker
 * (`./sql`, DuckDB's own parser and an allow-list of constructs and functions) accepts and renders
 * it; every table it names is one of its own CTEs or an open resource (renamed to a generated CTE
 * holding that resource's guarded SQL, `planOpenRead`). It runs with at most 32000 rows and
 * 10 seconds. Each resource read is audited.
 */
export async function datastoreSearchSql(ctx: Ctx, reader: OpenReader, sql: unknown, resolve: DatastoreSqlResolver) {
  if (typeof sql !== 'string' || !sql.trim()) throw invalid('sql', 'Missing value');
  if (sql.length > 100_000) throw invalid('sql', 'statement too long');
  const checked = await checkedSelect(ctx, sql);
  // a CTE named like a resource would read as that resource to the eye: refused
  const shadow = [...checked.cteNames].find((n) => isUuid(n));
  if (shadow) throw invalid('query', `a CTE may not be named like a resource: ${shadow}`);
  if (!checked.tables.size) throw invalid('query', 'The query reads no resource');
  const found = await resolve([...checked.tables.keys()]);
  // a resource id is named back; anything else (a path, a glob) is not echoed: the answer says only what was refused
  for (const name of checked.tables.keys()) if (!found.has(name)) throw denied(isUuid(name) ? `Not authorized to read resource ${name}` : 'Not authorized to read this resource: tables are resource ids');
  const plans: [string, OpenPlan][] = [];
  for (const name of checked.tables.keys()) plans.push([name, await planOpenRead(ctx, reader, found.get(name)!)]);
  const withs = plans.map(([name, plan]) => `${ident(checked.tables.get(name)!)} AS (${numbered(plan)})`).join(', ');
  const statement = `WITH ${withs} SELECT * FROM (${checked.sql}) AS q`;
  let records: Record<string, unknown>[];
  let columns: { column_name: string; column_type: string }[];
  try {
    columns = await ctx.lakeReader.query(`DESCRIBE ${statement}`, [], { timeoutMs: DATASTORE_SQL_TIMEOUT_MS });
    records = await ctx.lakeReader.query<Record<string, unknown>>(`${statement} LIMIT ${DATASTORE_ROWS_MAX + 1}`, [], { timeoutMs: DATASTORE_SQL_TIMEOUT_MS });
  } catch (err) {
    const msg = ckanEngineMessage(ctx, err, checked);
    throw invalid('query', /interrupt/i.test(msg) ? `Query took longer than ${DATASTORE_SQL_TIMEOUT_MS / 1000} s` : msg);
  }
  const truncated = records.length > DATASTORE_ROWS_MAX;
  if (truncated) records = records.slice(0, DATASTORE_ROWS_MAX);
  for (const [name, plan] of plans) await auditOpenRead(ctx, reader, plan, { format: 'ckan.datastore_search_sql', resource: name, rows: records.length, sql: sql.slice(0, 2000) });
  return { sql, records, fields: columns.map((c) => ({ id: c.column_name, type: ckanType(c.column_type) })), ...(truncated ? { records_truncated: true } : {}) };
}

/** A DuckDB type by the PostgreSQL name CKAN's DataStore gives it. */
function ckanType(duck: string): string {
  const t = duck.toUpperCase();
  if (/^(BIGINT|HUGEINT|UBIGINT|UINTEGER)$/.test(t)) return 'int8';
  if (/^(INTEGER|SMALLINT|TINYINT|USMALLINT|UTINYINT)$/.test(t)) return 'int4';
  if (/^(DOUBLE|FLOAT|REAL)$/.test(t)) return 'float8';
  if (t.startsWith('DECIMAL')) return 'numeric';
  if (t === 'BOOLEAN') return 'bool';
  if (t === 'DATE') return 'date';
  if (t.startsWith('TIMESTAMP')) return t.includes('TIME ZONE') ? 'timestamptz' : 'timestamp';
  if (t === 'VARCHAR') return 'text';
  return t.toLowerCase();
}

/** The DataStore as the CKAN API calls it: the open-data key (if any) resolves to its reader first. */
export const ckanDatastore: CkanDatastore = {
  search: async (ctx, key, ds, resourceId, params, links) => datastoreSearch(ctx, await openKeys.reader(ctx, key), ds, resourceId, params, links),
  searchSql: async (ctx, key, sql, resolve) => datastoreSearchSql(ctx, await openKeys.reader(ctx, key), sql, resolve),
};
