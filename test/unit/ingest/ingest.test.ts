import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import iconv from 'iconv-lite';
import type { Field } from '../../../src/catalog/index.ts';
import { detectEncoding, isUtf8, looksBinary } from '../../../src/ingest/readers/encoding.ts';
import { detectFormat } from '../../../src/ingest/readers/format.ts';
import { normLabel, proposeMapping } from '../../../src/ingest/pipeline/mapping.ts';
import { cycleDays, timeliness } from '../../../src/ingest/pipeline/quality.ts';
import { cellText } from '../../../src/ingest/readers/xlsx.ts';
import { headerNames, parseRecords, sniffDelimiter } from '../../../src/ingest/readers/sniff.ts';
import { transcodeToUtf8 } from '../../../src/ingest/readers/transcode.ts';
import { parseErrorLimit } from '../../../src/ingest/jobs/upload.ts';
import { checkZipBomb, zipEntries } from '../../../src/ingest/readers/zipInspect.ts';

const f = (name: string, title: string, element?: string): Field => ({ name, title, type: 'string', element, sensitivity: 'L1' });

describe('ingest: encodings', () => {
  const text = '身份证号,姓名,联系电话\n110101199003070011,张三,13812345678\n';
  test('UTF-8, UTF-8 with BOM, GBK, GB18030 and UTF-16 are told apart', () => {
    assert.equal(detectEncoding(Buffer.from(text), true).encoding, 'utf-8');
    assert.equal(detectEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), true).encoding, 'utf-8-bom');
    assert.equal(detectEncoding(iconv.encode(text, 'gbk'), true).encoding, 'gbk');
    // 𠀀 (U+20000) exists only in GB18030 (four bytes)
    assert.equal(detectEncoding(iconv.encode(text + '𠀀𠀁,张三\n', 'gb18030'), true).encoding, 'gb18030');
    assert.equal(detectEncoding(iconv.encode(text, 'utf16le', { addBOM: true }), true).encoding, 'utf-16le');
  });
  test('a GBK file said to be UTF-8, and binary junk, are refused with 422', () => {
    assert.throws(() => detectEncoding(iconv.encode(text, 'gbk'), true, 'utf-8'), (e: { status: number }) => e.status === 422);
    assert.throws(() => detectEncoding(Buffer.from([0x00, 0x01, 0x02, 0xff, 0x10, 0x00]), true), (e: { status: number; detail: string }) => e.status === 422 && /binary/.test(e.detail));
    assert.ok(looksBinary(Buffer.from('PK\u0003\u0004\u0000\u0000')));
  });
  test('a multi-byte character cut at the end of a sample is still UTF-8', () => {
    const b = Buffer.from('姓名张三');
    assert.ok(isUtf8(b.subarray(0, b.length - 1), false));
    assert.ok(!isUtf8(b.subarray(0, b.length - 1), true));
  });
  test('transcoding streams GBK into UTF-8', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-enc-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.csv'), iconv.encode(text, 'gbk'));
      await transcodeToUtf8(path.join(dir, 'a.csv'), path.join(dir, 'b.csv'), 'gbk');
      assert.equal(fs.readFileSync(path.join(dir, 'b.csv'), 'utf8'), text);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ingest: formats, delimiters, headers', () => {
  test('formats come from magic bytes first, then the name and first character', () => {
    assert.equal(detectFormat('x.bin', Buffer.from('PAR1....')), 'parquet');
    assert.equal(detectFormat('x.xlsx', Buffer.from('PK\u0003\u0004')), 'xlsx');
    assert.equal(detectFormat('x.json', Buffer.from('  [{"a":1}]')), 'json');
    assert.equal(detectFormat('x.json', Buffer.from('{"a":1}\n{"a":2}')), 'ndjson');
    assert.equal(detectFormat('x.tsv', Buffer.from('a\tb')), 'tsv');
    assert.equal(detectFormat('x.dat', Buffer.from('a,b')), 'csv');
    assert.throws(() => detectFormat('x.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0])), /xls/);
    assert.throws(() => detectFormat('x.csv', Buffer.from('PAR1'), 'csv'), (e: { status: number }) => e.status === 422);
  });
  test('the delimiter is the one with a steady count per line', () => {
    assert.equal(sniffDelimiter('a,b,c\n1,2,3\n4,5,6\n'), ',');
    assert.equal(sniffDelimiter('a;b;c\n1;2,5;3\n4;5;6\n'), ';');
    assert.equal(sniffDelimiter('a\tb\n"x,y"\t2\n'), '\t');
    assert.equal(sniffDelimiter('a|b|c\n1|2|3\n'), '|');
    assert.equal(sniffDelimiter('only\none\n'), ',');
  });
  test('headers: trimmed, blanks named, repeats numbered; records survive a cut sample', () => {
    assert.deepEqual(headerNames(['\ufeff姓名 ', '', '姓名']), ['姓名', '列2', '姓名_2']);
    assert.deepEqual(parseRecords('a,b\n1,"x\ny"\n2,"unterminated', ',', 10), [['a', 'b'], ['1', 'x\ny']]);
  });
  test('XLSX cells become the text a person sees', () => {
    assert.equal(cellText(new Date(Date.UTC(2024, 0, 5))), '2024-01-05');
    assert.equal(cellText(new Date(Date.UTC(2024, 0, 5, 8, 30))), '2024-01-05 08:30:00');
    assert.equal(cellText({ richText: [{ text: '张' }, { text: '三' }] }), '张三');
    assert.equal(cellText({ formula: 'A1+1', result: 2 }), '2');
    assert.equal(cellText(0.1 + 0.2), '0.3');
  });
});

describe('ingest: header mapping', () => {
  const fields = [f('gmsfhm', '公民身份号码', 'id_card'), f('xm', '姓名'), f('lxdh', '联系电话', 'mobile'), f('csrq', '出生日期', 'date')];
  test('Chinese headers map by title, by name and by synonym', () => {
    const m = proposeMapping(['身份证号', 'XM', '手机号码', '出生 日期', '备注'], fields);
    assert.deepEqual(m.map((x) => [x.header, x.field, x.by]), [
      ['身份证号', 'gmsfhm', 'synonym'], ['XM', 'xm', 'name'], ['手机号码', 'lxdh', 'synonym'], ['出生 日期', 'csrq', 'title'], ['备注', null, null],
    ]);
  });
  test('a given mapping wins, then the saved one; null ignores a column; a field is taken once', () => {
    const m = proposeMapping(['姓名', '名字', '电话'], fields, { 电话: null }, { 名字: 'xm' });
    assert.deepEqual(m.map((x) => [x.header, x.field]), [['姓名', null], ['名字', 'xm'], ['电话', null]]);
    assert.equal(m[2]!.by, 'given');
  });
  test('quarantine bookkeeping columns are never mapped', () => {
    const m = proposeMapping(['_row', '_errors', '姓名'], [f('_row', 'x'), f('xm', '姓名')]);
    assert.deepEqual(m.map((x) => x.field), [null, null, 'xm']);
    assert.equal(normLabel('联系电话（手机）'), '联系电话手机');
  });
});

describe('ingest: zip inspection', () => {
  test('entries and sizes come from the central directory; bombs are refused before decompressing', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-zip-'));
    try {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('s');
      for (let i = 0; i < 2000; i++) ws.addRow(['x'.repeat(200)]);
      const file = path.join(dir, 'a.xlsx');
      await wb.xlsx.writeFile(file);
      const entries = zipEntries(file);
      assert.ok(entries.some((e) => e.name === 'xl/workbook.xml'));
      assert.ok(checkZipBomb(file).length > 3);
      assert.throws(() => checkZipBomb(file, { maxUncompressed: 1000, maxRatio: 200, maxEntries: 100 }), /zip bomb/);
      fs.writeFileSync(path.join(dir, 'junk.xlsx'), Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(100, 7)]));
      assert.throws(() => checkZipBomb(path.join(dir, 'junk.xlsx')), (e: { status: number }) => e.status === 422);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ingest: limits and timeliness', () => {
  test('error limits: rows, a percentage, a share, JSON', () => {
    assert.deepEqual(parseErrorLimit('100'), { count: 100 });
    assert.deepEqual(parseErrorLimit('5%'), { share: 0.05 });
    assert.deepEqual(parseErrorLimit('0.1'), { share: 0.1 });
    assert.deepEqual(parseErrorLimit('{"count":3}'), { count: 3 });
    assert.equal(parseErrorLimit(''), undefined);
    assert.throws(() => parseErrorLimit('abc'));
  });
  test('timeliness: on time 100, late falls as cycle / elapsed, unknown cycle null', () => {
    const now = new Date('2024-03-31T00:00:00Z');
    assert.equal(cycleDays('每月'), 31);
    assert.equal(cycleDays('monthly'), 31);
    assert.equal(timeliness('daily', null, now), 100);
    assert.equal(timeliness('weekly', '2024-03-30T00:00:00Z', now), 100);
    assert.equal(timeliness('daily', '2024-03-27T00:00:00Z', now), 25);
    assert.equal(timeliness(null, '2024-01-01T00:00:00Z', now), null);
  });
});
