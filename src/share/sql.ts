/** Quote a DuckDB/PostgreSQL identifier. */
export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** Quote a string literal. */
export const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
