/**
 * One user SELECT, checked and rewritten: parsed by DuckDB's parser, walked by the allow-list
 * (vet.ts) with its tables renamed to generated names, rendered back to SQL by the engine, and that
 * rendering parsed and checked once more, so the text that runs is itself checked (a comment, a
 * quote or an escape in the user's text cannot survive into it, and neither can a renderer slip).
 */
import { parseSql, renderSql, type SqlEngine } from './lakeSql.ts';
import { SqlRefusal, vetStatement } from './vet.ts';

export interface RewrittenSelect {
  /** The checked statement as the engine renders it; it reads only the generated table names. */
  sql: string;
  /** Each table the statement reads that is none of its own CTEs: lower-cased name → generated name, in text order. */
  tables: Map<string, string>;
  /** The CTE names the statement defines (lower-cased). */
  cteNames: Set<string>;
  /** Generated name → the name the user wrote (tables and CTEs), to word error messages. */
  original: Map<string, string>;
}

/** Generated names: `<prefix>g<n>` for tables (guarded views), `<prefix>c<n>` for CTEs (lower-case, so they survive rendering unquoted). */
export async function rewriteSelect(lake: SqlEngine, sql: string, prefix = '__'): Promise<RewrittenSelect> {
  const tables = new Map<string, string>();
  const original = new Map<string, string>();
  let ctes = 0;
  const doc = await parseSql(lake, sql);
  const cteNames = vetStatement(doc, {
    table: (name) => {
      if (!tables.has(name)) {
        tables.set(name, `${prefix}g${tables.size + 1}`);
        original.set(tables.get(name)!, name);
      }
      return tables.get(name)!;
    },
    cte: (name) => {
      const generated = `${prefix}c${++ctes}`;
      original.set(generated, name);
      return generated;
    },
  });
  const rendered = await renderSql(lake, doc);
  await recheck(lake, rendered, new Set(original.keys()), new Set(tables.values()));
  return { sql: rendered, tables, cteNames, original };
}

/**
 * The rendering passes the allow-list too, and names only the generated tables and CTEs. (It need
 * not parse to the identical tree: the renderer wraps `VALUES` in a subquery, for one.)
 */
async function recheck(lake: SqlEngine, rendered: string, generated: Set<string>, tableNames: Set<string>): Promise<void> {
  const mismatch = () => new SqlRefusal('construct', '语句无法安全改写 / the statement cannot be rewritten safely');
  const only = (names: Set<string>) => (name: string) => {
    if (!names.has(name)) throw mismatch();
    return name;
  };
  try {
    vetStatement(await parseSql(lake, rendered), { table: only(tableNames), cte: only(generated), reserved: (name) => generated.has(name) });
  } catch (err) {
    throw err instanceof SqlRefusal ? mismatch() : err;
  }
}
