/** Text of a value in a staged TSV file (null → empty: the ingest reads blank as missing). */
export function tsvText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

const NEEDS_QUOTES = /[\t\n\r"]/;

/** A field quoted RFC 4180-style when it holds a tab, a quote or a line break. */
export function tsvField(s: string): string {
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One TSV line (without the line break). */
export function tsvLine(values: unknown[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i ? '\t' : '') + tsvField(tsvText(values[i]));
  return line;
}
