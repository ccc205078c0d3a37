/** The data plane's CSV lines (csvLinesSql) say exactly what csv-stringify with spreadsheetCell says. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buffer } from 'node:stream/consumers';
import { Engine, literal } from '../../../src/lake/index.ts';
import { csvDownload, csvLinesDownload, csvLinesSql } from '../../../src/share/index.ts';

const TEXTS = ['普通文本', '=1+1', '+86 138', '-5', '-x', '@SUM(A1)', '\tTAB', 'a,b', '他说"好"', '多\n行', '110101199003071234', '0571', '12', '', null, '+3.5e2', ' =x'];

test('csvLinesSql writes every tricky cell as csv-stringify with spreadsheetCell does', async () => {
  const engine = await Engine.create({ threads: 1 });
  try {
    const from = `SELECT * FROM (VALUES ${TEXTS.map((t, i) => `(${t === null ? 'NULL::VARCHAR' : literal(t)}, ${i - 3}, ${i % 2 === 0 ? 'NULL' : `${i}.5`}::DOUBLE)`).join(', ')}) v("文本", n, d)`;
    const columns = [{ name: '文本', text: true }, { name: 'n', text: false }, { name: 'd', text: false }];
    async function* lines() {
      yield* engine.stream(csvLinesSql(from, columns));
    }
    async function* rows() {
      for await (const chunk of engine.stream(from)) yield* chunk;
    }
    const ours = await buffer(csvLinesDownload(['文本', 'n', 'd'], lines()));
    const reference = await buffer(csvDownload(['文本', 'n', 'd'], rows()));
    assert.equal(ours.toString('utf8'), reference.toString('utf8'));
    assert.equal(ours[0], 0xef, 'UTF-8 byte-order mark');
  } finally {
    engine.close();
  }
});
