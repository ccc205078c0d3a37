import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { TsvWriter } from '../../../src/connectors/db/TsvWriter.ts';
import { tsvLine } from '../../../src/connectors/db/tsv.ts';

const values = ['plain', '中文 值', 'tab\there', 'line\nbreak', 'cr\r', 'say "hi"', '"', '', 'a'.repeat(5 << 20)];

test('staged TSV: values given as UTF-8 bytes are written as their text would be, and read back unchanged', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-tsv-'));
  try {
    const rows = values.map((v, i) => [String(i), v, i % 2 ? null : 3.5]);
    const asText = path.join(dir, 'text.tsv');
    const asBytes = path.join(dir, 'bytes.tsv');
    for (const [file, encode] of [[asText, (v: unknown) => v], [asBytes, (v: unknown) => (typeof v === 'string' ? Buffer.from(v) : v)]] as const) {
      const w = new TsvWriter(file);
      w.header(['i', 'v', 'n']);
      for (const r of rows) w.row(r.map(encode));
      w.close();
      assert.equal(w.rows, rows.length);
    }
    const bytes = fs.readFileSync(asBytes);
    assert.ok(bytes.equals(fs.readFileSync(asText)));
    assert.equal(bytes.toString('utf8'), `i\tv\tn\n${rows.map((r) => `${tsvLine(r)}\n`).join('')}`);

    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const read = await conn.runAndReadAll(`SELECT v FROM read_csv('${asBytes}', auto_detect = false, header = true, delim = '\t', quote = '"', escape = '"',
      columns = {'i': 'VARCHAR', 'v': 'VARCHAR', 'n': 'VARCHAR'}, max_line_size = 8388608) ORDER BY CAST(i AS INTEGER)`);
    assert.deepEqual(read.getRows().map((r) => r[0] ?? ''), values);
    conn.closeSync();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
