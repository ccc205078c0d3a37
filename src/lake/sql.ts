/** Small SQL text helpers shared by the lake's statement builders. */

/** A DuckDB / PostgreSQL identifier, always quoted. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A single-quoted string literal. */
export function literal(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** A DuckDB list of string literals: `['a', 'b']`. */
export function literalList(items: string[]): string {
  return `[${items.map(literal).join(', ')}]`;
}
