import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';

/** A formula trigger at the start of a cell (OWASP CSV injection): = + - @, tab, carriage return. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain number may start with + or -; it is no formula. */
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** Digits a spreadsheet would turn into a number and spoil: ID-like (12+ digits lose precision) or with a leading zero. */
const FRAGILE_DIGITS = /^(\d{12,}|0\d+)$/;

/**
 * A value as a spreadsheet-safe CSV cell:
 *  - text starting with = + - @ TAB CR (and not a plain number) gets a leading `'`, so a spreadsheet
 *    shows it as text instead of running it as a formula;
 *  - ID-like digit strings (18-digit ID numbers, bank cards, numbers with a leading zero) are written
 *    `="…"`, which spreadsheets show as the exact text (a bare 110101199003071234 would become
 *    1.10101E+17 and lose its last digits). That formula holds nothing but the digits.
 * govhub reading such a file again (a corrected quarantine CSV) undoes both (`unspreadsheetSql`).
 */
export function spreadsheetCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (FRAGILE_DIGITS.test(s)) return `="${s}"`;
  if (FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) return `'${s}`;
  return s;
}

/** SQL (DuckDB) turning a cell written by `spreadsheetCell` back into the value it was. */
export function unspreadsheetSql(expr: string): string {
  return `CASE WHEN regexp_full_match(${expr}, '="[0-9]+"') THEN substr(${expr}, 3, length(${expr}) - 3)
    WHEN regexp_matches(${expr}, '^''[=+\\-@\t\r]') THEN substr(${expr}, 2) ELSE ${expr} END`;
}

/**
 * A CSV download: UTF-8 with a byte-order mark (so spreadsheet programs read Chinese correctly),
 * a header row, then the rows as they come, every cell through `spreadsheetCell`.
 */
export function csvDownload(header: string[], rows: AsyncIterable<unknown[]>): Readable {
  // a line break of either kind inside a cell is quoted (RFC 4180), not only the record delimiter
  const csv = stringify({ bom: true, eof: true, record_delimiter: '\r\n', quoted_match: /[\r\n]/ });
  void (async () => {
    try {
      csv.write(header.map(spreadsheetCell));
      for await (const r of rows) if (!csv.write(r.map(spreadsheetCell))) await new Promise((ok) => csv.once('drain', ok));
      csv.end();
    } catch (err) {
      csv.destroy(err as Error);
    }
  })();
  return csv;
}

const NUMBER_RE = PLAIN_NUMBER.source.slice(1, -1);
const FRAGILE_RE = FRAGILE_DIGITS.source.slice(1, -1);

/**
 * SQL (DuckDB) writing each row of `from` as one finished CSV line, cells as `spreadsheetCell`
 * writes them and quoted as RFC 4180 asks: the data plane formats the file, vectorised, and a
 * download only joins the lines. `text` names the columns that may hold text (the others are
 * numbers, dates and booleans, which need no neutralising).
 */
export function csvLinesSql(from: string, columns: { name: string; text: boolean }[]): string {
  const q = (n: string) => `"${n.replaceAll('"', '""')}"`;
  const safe = (c: { name: string; text: boolean }) => {
    const v = `CAST(${q(c.name)} AS VARCHAR)`;
    if (!c.text) return `${v} AS ${q(c.name)}`;
    return `CASE WHEN regexp_full_match(${v}, '${FRAGILE_RE}') THEN '="' || ${v} || '"'
      WHEN regexp_matches(${v}, '^[=+\\-@\\t\\r]') AND NOT regexp_full_match(${v}, '${NUMBER_RE}') THEN '''' || ${v} ELSE ${v} END AS ${q(c.name)}`;
  };
  const quoted = (c: { name: string }) =>
    `CASE WHEN ${q(c.name)} IS NULL THEN '' WHEN regexp_matches(${q(c.name)}, '[",\\r\\n]') THEN '"' || replace(${q(c.name)}, '"', '""') || '"' ELSE ${q(c.name)} END`;
  return `SELECT ${columns.map(quoted).join(` || ',' || `)} AS line FROM (SELECT ${columns.map(safe).join(', ')} FROM (${from}))`;
}

/** A CSV download of lines made by `csvLinesSql`: the byte-order mark, the header, then the lines as they come. */
export function csvLinesDownload(header: string[], lines: AsyncIterable<unknown[][]>): Readable {
  return Readable.from((async function* () {
    yield `\uFEFF${header.map((h) => csvQuote(spreadsheetCell(h))).join(',')}\r\n`;
    for await (const chunk of lines) if (chunk.length) yield `${chunk.map((r) => r[0]).join('\r\n')}\r\n`;
  })());
}

const csvQuote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
