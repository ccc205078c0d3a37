/**
 * One door to data: only src/share (the guard) and src/lake (the data plane itself) may run a query
 * over dataset files. Every other module gets `ctx.lake` — a writer that cannot read contents — and
 * reaches data through the guard. This test reads the source and fails on any other path.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../src/kernel/index.ts';

const SRC = path.join(ROOT, 'src');

/** DuckDB table functions and helpers that read files. */
const FILE_READERS = /\b(read_parquet|parquet_scan|parquet_metadata|parquet_file_metadata|parquet_schema|parquet_kv_metadata|read_csv|read_csv_auto|read_json|read_json_auto|read_json_objects|read_ndjson|read_ndjson_auto|read_ndjson_objects|read_text|read_blob|sniff_csv|glob)\s*\(/;
/** Ways into the lake that read: the reader face, the whole Lake, raw DuckDB. */
const LAKE_READ_ACCESS = /\blakeReader\b|\bdataLake\b|\.scanSql\(|\bwithConnection\(|\bwithPrivateConnection\(|from '@duckdb\/node-api'/;

interface Rule {
  name: string;
  pattern: RegExp;
  /** Directories (relative to src/) or files where the pattern may appear. */
  allowed: string[];
}

const RULES: Rule[] = [
  // the parse process reads uploads (never dataset files: its DuckDB is confined to the upload and its work directory)
  // the linkage engine reads what it is handed: the CSV files named to `govhub link` (its own DuckDB, confined to
  // them) and its own saved model; the entity index hands it tables read through share (entitySourceScan)
  { name: 'file-reading table function', pattern: FILE_READERS, allowed: ['share/', 'lake/', 'ingest/readers/', 'entity/link/'] },
  { name: 'read access to the lake', pattern: LAKE_READ_ACCESS, allowed: ['share/', 'lake/', 'kernel/context.ts', 'platform.ts', 'cli/link.ts'] },
  { name: 'the whole Lake', pattern: /import \{[^}]*\bLake\b[^}]*\} from/, allowed: ['lake/', 'platform.ts'] },
];

/** Every rule a file breaks: `file: rule (line n)`. */
export function violations(rel: string, text: string): string[] {
  const out: string[] = [];
  const lines = text.split('\n');
  for (const r of RULES) {
    if (r.allowed.some((a) => rel === a || (a.endsWith('/') && rel.startsWith(a)))) continue;
    lines.forEach((line, i) => {
      if (/^\s*(\*|\/\/)/.test(line)) return; // comments may name things
      if (r.pattern.test(line)) out.push(`src/${rel}:${i + 1}: ${r.name}: ${line.trim().slice(0, 120)}`);
    });
  }
  return out;
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

test('the checker catches a module reading dataset files around the guard', () => {
  assert.equal(violations('catalog/x.ts', "  const r = await db.query(`SELECT * FROM read_parquet('lake/a/v1/data.parquet')`);").length, 1);
  assert.equal(violations('ingest/x.ts', '  const rows = await ctx.lakeReader.query(sql);').length, 1);
  assert.equal(violations('apps/x.ts', "import { Lake } from '../lake/index.ts';").length, 1);
  assert.equal(violations('apps/x.ts', "import { DuckDBInstance } from '@duckdb/node-api';").length, 1);
  assert.equal(violations('share/guard.ts', '  const sql = `SELECT * FROM ${ctx.lakeReader.scan(v)}`;').length, 0);
  assert.equal(violations('ingest/readers/source.ts', "  relation: `read_csv('x.csv')`").length, 0);
});

test('no module other than src/share and src/lake runs a query over dataset files', () => {
  const found = sources(SRC).flatMap((f) => violations(path.relative(SRC, f).split(path.sep).join('/'), fs.readFileSync(f, 'utf8')));
  assert.deepEqual(found, [], `reads of dataset contents around the share guard:\n${found.join('\n')}`);
});
