/**
 * DuckDB's own parser and renderer as pure functions, run through the lake's engine:
 * `json_serialize_sql` (text → syntax tree) and `json_deserialize_sql` (tree → text).
 */
import type { Node } from './vet.ts';

/** What the SQL modules need of the lake: a query runner (`LakeReader.query`). */
export interface SqlEngine {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], opts?: { timeoutMs?: number }): Promise<T[]>;
}

/** The syntax tree of `sql` (`error` set when it does not parse or is not a SELECT). */
export async function parseSql(lake: SqlEngine, sql: string): Promise<Node> {
  const [row] = await lake.query<{ j: string }>('SELECT json_serialize_sql(?::VARCHAR) AS j', [sql]);
  // u64 "no location" markers do not survive JSON numbers; a rendered statement needs no locations
  return JSON.parse(String(row?.j).replace(/"query_location":\d+/g, '"query_location":0')) as Node;
}

/** The SQL text of a (checked) syntax tree, as the engine renders it: no comments, its own quoting. */
export async function renderSql(lake: SqlEngine, doc: Node): Promise<string> {
  const [row] = await lake.query<{ s: string }>('SELECT json_deserialize_sql(?::JSON) AS s', [JSON.stringify(doc)]);
  return String(row?.s);
}
