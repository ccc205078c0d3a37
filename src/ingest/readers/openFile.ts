import fs from 'node:fs';
import path from 'node:path';
import { problem } from '../../kernel/index.ts';
import { detectEncoding, needsTranscode, SAMPLE_BYTES } from './encoding.ts';
import { detectFormat } from './format.ts';
import { CSV_BUFFER_BYTES, MAX_COLUMNS, MAX_LINE_BYTES } from '../limits.ts';
import { headerNames, parseRecords, sniffDelimiter } from './sniff.ts';
import { ident, literal, srcCol, varcharColumns } from '../sql.ts';
import type { StageRunner } from '../../lake/index.ts';
import { checkJsonDepth } from './jsonDepth.ts';
import { decodeSample, transcodeToUtf8 } from './transcode.ts';
import type { IngestEncoding, IngestFormat } from '../types.ts';
import { xlsxToCsv } from './xlsx.ts';

/** How a file was read (what a parse process reports back). */
export interface FileMeta {
  format: IngestFormat;
  encoding: IngestEncoding | null;
  delimiter: string | null;
  sheet: string | null;
  sheets: string[] | null;
  headers: string[];
  hasRowColumn: boolean;
  hasSkipColumn: boolean;
  hasParseColumns: boolean;
  /** Bytes of the file as given. */
  bytes: number;
}

/**
 * A source file made readable by DuckDB: a table expression with one VARCHAR column per source
 * column (`c0`, `c1`, …, in file order) and optionally
 *   `__row`   BIGINT  the 1-based data row number (else rows are numbered in file order);
 *   `__skip`  BOOLEAN rows to leave out entirely (blank lines);
 *   `__parse` VARCHAR why the row could not be parsed (the row is quarantined, `__raw` holds its text).
 * CSV rows DuckDB cannot parse (ragged rows, unterminated quotes) land in `rejects` instead.
 */
export interface OpenedFile extends FileMeta {
  relation: string;
  /**
   * CSV rows that failed to parse, read after the scan of `relation`: `relation` is a table
   * expression with `line` (1 = the header), `error_type`, `csv_line`, `error_message`.
   */
  rejects: { relation: string } | null;
}

export interface OpenOptions {
  name: string;
  format?: IngestFormat;
  encoding?: IngestEncoding;
  delimiter?: string;
  sheet?: string | number;
  /** Directory for converted files (transcoded CSV, sheet CSV). */
  workDir: string;
  /** Unique suffix for DuckDB temp table names. */
  tag: string;
  /** Read only the start of the file (previews). */
  preview?: boolean;
  onBytes?: (done: number, total: number) => void;
}

function readSample(file: string): { sample: Buffer; size: number } {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r');
  try {
    const sample = Buffer.alloc(Math.min(size, SAMPLE_BYTES));
    fs.readSync(fd, sample, 0, sample.length, 0);
    return { sample, size };
  } finally {
    fs.closeSync(fd);
  }
}

const EMPTY = () => problem('unprocessable', '文件为空 / the file is empty');

function checkColumns(n: number) {
  if (n > MAX_COLUMNS) throw problem('unprocessable', `列数 ${n} 超过上限 ${MAX_COLUMNS} / ${n} columns, limit ${MAX_COLUMNS}`);
}

/** Open a source file: detect its format and encoding, convert where needed, find its columns. */
export async function openFile(st: StageRunner, file: string, o: OpenOptions): Promise<OpenedFile> {
  const { sample, size } = readSample(file);
  if (size === 0) throw EMPTY();
  const format = detectFormat(o.name, sample, o.format);
  const base = { format, sheet: null, sheets: null, rejects: null, bytes: size, hasSkipColumn: false, hasParseColumns: false, hasRowColumn: false };
  switch (format) {
    case 'parquet':
      return { ...base, ...(await parquetSource(st, file)), encoding: null, delimiter: null };
    case 'xlsx': {
      const csv = path.join(o.workDir, 'sheet.csv');
      const x = await st.step('read:xlsx', () => xlsxToCsv(file, csv, { sheet: o.sheet, maxRows: o.preview ? 20 : undefined }));
      if (!x.headers.length) throw problem('unprocessable', `工作表 ${x.sheet} 为空 / sheet ${x.sheet} is empty`);
      const cols = ['__row', ...x.headers.map((_, i) => srcCol(i))];
      const rel = `(SELECT CAST(__row AS BIGINT) AS __row, * EXCLUDE (__row) FROM read_csv(${literal(csv)}, auto_detect = false, header = true, delim = ',', quote = '"', escape = '"', columns = ${varcharColumns(cols)}, max_line_size = ${MAX_LINE_BYTES}, buffer_size = ${CSV_BUFFER_BYTES}))`;
      return { ...base, encoding: null, delimiter: null, sheet: x.sheet, sheets: x.sheets, headers: x.headers, relation: rel, hasRowColumn: true };
    }
    default:
      break;
  }
  // text formats: encoding first
  const complete = size <= sample.length;
  const enc = detectEncoding(sample, complete, o.encoding);
  let text = decodeSample(sample, enc.encoding);
  if (!complete) {
    const cut = text.lastIndexOf('\n');
    if (cut < 0) throw problem('unprocessable', `第一行超过 ${SAMPLE_BYTES / 1024 / 1024} MiB，无法识别表头 / the first line is longer than ${SAMPLE_BYTES / 1024 / 1024} MiB: no header row can be read`);
    text = text.slice(0, cut + 1);
  }
  if (!text.trim()) throw EMPTY();
  let readPath = file;
  if (o.preview) {
    readPath = path.join(o.workDir, 'preview.txt');
    fs.writeFileSync(readPath, text);
  } else if (needsTranscode(enc.encoding)) {
    readPath = path.join(o.workDir, 'utf8.txt');
    await st.step('read:transcode', () => transcodeToUtf8(file, readPath, enc.encoding, (b) => o.onBytes?.(b, size)));
  }
  if (format === 'json' || format === 'ndjson') {
    // a deep enough document overflows the JSON reader's stack and kills the process
    await st.step('read:depth', () => checkJsonDepth(readPath, { perLine: format === 'ndjson' }));
    const json = format === 'json' ? await jsonArraySource(st, readPath) : await ndjsonSource(st, readPath);
    return { ...base, ...json, encoding: enc.encoding, delimiter: null };
  }

  const delimiter = o.delimiter ?? (format === 'tsv' ? '\t' : sniffDelimiter(text));
  const first = parseRecords(text, delimiter, 1)[0];
  if (!first || !first.some((c) => c.trim())) throw problem('unprocessable', '找不到表头行 / no header row found');
  checkColumns(first.length);
  const headers = headerNames(first);
  const rejects = o.preview ? null : { table: `ingest_rejects_${o.tag}`, scan: `ingest_rejscan_${o.tag}` };
  const opts = [
    'auto_detect = false', 'header = true', `delim = ${literal(delimiter)}`, `quote = '"'`, `escape = '"'`,
    `columns = ${varcharColumns(headers.map((_, i) => srcCol(i)))}`, `max_line_size = ${MAX_LINE_BYTES}`, `buffer_size = ${CSV_BUFFER_BYTES}`, 'parallel = true',
    rejects ? `store_rejects = true, rejects_table = ${literal(rejects.table)}, rejects_scan = ${literal(rejects.scan)}` : 'ignore_errors = true',
  ];
  return {
    ...base, format, encoding: enc.encoding, delimiter, headers, rejects: rejects && { relation: rejects.table },
    relation: `read_csv(${literal(readPath)}, ${opts.join(', ')})`,
  };
}

async function parquetSource(st: StageRunner, file: string) {
  const scan = `read_parquet(${literal(file)}, file_row_number = true)`;
  let cols: { column_name: string }[];
  try {
    cols = await st.rows<{ column_name: string }>('read:schema', `DESCRIBE SELECT * FROM ${scan}`);
  } catch (err) {
    throw problem('unprocessable', `Parquet 文件无法读取：${shortMessage(err)} / cannot read the Parquet file`);
  }
  const names = cols.map((c) => c.column_name).filter((n) => n !== 'file_row_number');
  if (!names.length) throw problem('unprocessable', 'Parquet 文件没有列 / the Parquet file has no columns');
  checkColumns(names.length);
  const select = names.map((n, i) => `CAST(${ident(n)} AS VARCHAR) AS ${srcCol(i)}`).join(', ');
  return { headers: names, relation: `(SELECT file_row_number + 1 AS __row, ${select} FROM ${scan})`, hasRowColumn: true };
}

async function jsonArraySource(st: StageRunner, file: string) {
  const opts = `format = 'array', maximum_object_size = ${MAX_LINE_BYTES}`;
  let cols: { column_name: string }[];
  try {
    cols = await st.rows<{ column_name: string }>('read:schema', `DESCRIBE SELECT * FROM read_json(${literal(file)}, ${opts}, sample_size = 20480)`);
  } catch (err) {
    throw problem('unprocessable', `JSON 文件无法解析：${shortMessage(err)} / cannot parse the JSON file (expected an array of objects)`);
  }
  const names = cols.map((c) => c.column_name);
  if (!names.length || (names.length === 1 && names[0] === 'json')) throw problem('unprocessable', 'JSON 文件应为对象数组 / the JSON file must be an array of objects');
  checkColumns(names.length);
  const columns = `{${names.map((n) => `${literal(n)}: 'VARCHAR'`).join(', ')}}`;
  const select = names.map((n, i) => `${ident(n)} AS ${srcCol(i)}`).join(', ');
  return { headers: names, relation: `(SELECT ${select} FROM read_json(${literal(file)}, ${opts}, columns = ${columns}))` };
}

async function ndjsonSource(st: StageRunner, file: string) {
  const lines = `read_csv(${literal(file)}, auto_detect = false, header = false, delim = '\x01', quote = '', escape = '', new_line = '\\n', columns = {'j': 'VARCHAR'}, max_line_size = ${MAX_LINE_BYTES}, buffer_size = ${CSV_BUFFER_BYTES})`;
  const keys = await st.rows<{ k: string }>(
    'read:schema',
    `SELECT k FROM (SELECT unnest(json_keys(j)) AS k, row_number() OVER () AS n FROM (SELECT j FROM ${lines} WHERE json_valid(j) AND j LIKE '{%' LIMIT 10000))
     GROUP BY k ORDER BY min(n)`,
  );
  const names = keys.map((k) => k.k);
  if (!names.length) throw problem('unprocessable', 'NDJSON 文件中没有 JSON 对象 / no JSON objects in the NDJSON file');
  checkColumns(names.length);
  const shape = JSON.stringify(Object.fromEntries(names.map((n) => [n, 'VARCHAR'])));
  const select = names.map((n, i) => `s[${literal(n)}] AS ${srcCol(i)}`).join(', ');
  const rel = `(SELECT __skip, __parse, __raw, ${select} FROM (
      SELECT trim(j) = '' OR j IS NULL AS __skip,
             CASE WHEN j IS NOT NULL AND trim(j) <> '' AND NOT (json_valid(j) AND trim(j) LIKE '{%') THEN 'INVALID JSON' END AS __parse,
             j AS __raw,
             CASE WHEN json_valid(j) AND trim(j) LIKE '{%' THEN json_transform(j, ${literal(shape)}) END AS s
      FROM ${lines}))`;
  return { headers: names, relation: rel, hasSkipColumn: true, hasParseColumns: true };
}

function shortMessage(err: unknown): string {
  const m = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
  return m.split('\n')[0]!.slice(0, 300);
}
