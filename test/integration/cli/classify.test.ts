/**
 * `govhub classify` as a command, on real citizen messages: trained on two thirds of the labelled
 * messages, it classifies the other third (given in GBK) well above chance and writes one row per
 * case; a missing column or file is named and fails the command.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import { ROOT } from '../../../src/kernel/index.ts';

const DATA = process.env.GOVHUB_CASES_DATA ?? path.resolve(ROOT, '..', 'shared', 'data', 'cases');
const MESSAGES = path.join(DATA, 'messages_train.csv');
const skip = fs.existsSync(MESSAGES) ? false : `no labelled messages at ${MESSAGES} (set GOVHUB_CASES_DATA)`;

let dir: string;
/** id → true category of the held-out messages. */
const truth = new Map<string, string>();

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-classify-cli-'));
  if (skip) return;
  const rows = parse(fs.readFileSync(MESSAGES, 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
  const train = rows.filter((_, i) => i % 3 !== 0);
  const held = rows.filter((_, i) => i % 3 === 0);
  for (const r of held) truth.set(r.id!, r.category!);
  // the training file as exported (UTF-8 with BOM, extra columns); the input as a GBK export without the category
  fs.writeFileSync(path.join(dir, 'train.csv'), '\ufeff' + stringify(train, { header: true, columns: ['id', 'title', 'time', 'text', 'category'] }));
  fs.writeFileSync(path.join(dir, 'input.csv'), iconv.encode(stringify(held, { header: true, columns: ['id', 'title', 'text'] }), 'gbk'));
  fs.writeFileSync(path.join(dir, 'no-text.csv'), stringify(held.slice(0, 5), { header: true, columns: ['id', 'title'] }));
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

const govhub = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/govhub.mjs', 'classify', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, GOVHUB_FROM_SOURCE: '1' } });

test('classifies held-out messages well above chance, one row per case, confidence and top-3 candidates', { skip }, () => {
  const out = path.join(dir, 'out.csv');
  const r = govhub('--train', path.join(dir, 'train.csv'), '--input', path.join(dir, 'input.csv'), '--out', out, '--lexicon', path.join(DATA, 'categories.csv'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^OK: trained on \d+ cases \(7 categories\)/);
  const text = fs.readFileSync(out, 'utf8');
  assert.equal(text.split('\n')[0], 'id,category,confidence,candidates');
  const rows = parse(text, { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, truth.size);
  assert.deepEqual(rows.map((x) => x.id).sort(), [...truth.keys()].sort());
  const categories = new Set(truth.values());
  let top1 = 0;
  let top3 = 0;
  for (const x of rows) {
    assert.match(x.confidence!, /^(0\.\d{4}|1\.0000)$/);
    const candidates = x.candidates!.split('|');
    assert.equal(candidates.length, 3);
    assert.equal(candidates[0], x.category);
    for (const c of candidates) assert.ok(categories.has(c), c);
    if (x.category === truth.get(x.id!)) top1++;
    if (candidates.includes(truth.get(x.id!)!)) top3++;
  }
  // seven categories, the largest a fifth of the messages: chance is about 0.2
  assert.ok(top1 / rows.length > 0.7, `top-1 ${top1}/${rows.length}`);
  assert.ok(top3 / rows.length > 0.9, `top-3 ${top3}/${rows.length}`);
});

test('a missing column is named and fails the command', { skip }, () => {
  const r = govhub('--train', path.join(dir, 'train.csv'), '--input', path.join(dir, 'no-text.csv'), '--out', path.join(dir, 'x.csv'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /column "text" is missing/);
  assert.ok(!fs.existsSync(path.join(dir, 'x.csv')));
  const noCategory = govhub('--train', path.join(dir, 'no-text.csv'), '--input', path.join(dir, 'input.csv'), '--out', path.join(dir, 'x.csv'));
  assert.equal(noCategory.status, 1);
  assert.match(noCategory.stderr, /column "(text|category)" is missing/);
});

test('a missing file is named and fails the command', () => {
  const missing = path.join(dir, 'nowhere.csv');
  const r = govhub('--train', missing, '--input', missing, '--out', path.join(dir, 'x.csv'));
  assert.equal(r.status, 1);
  assert.ok(r.stderr.includes(missing), r.stderr);
});
