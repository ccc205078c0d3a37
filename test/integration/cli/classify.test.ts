/**
 * `govhub classify` as a command: trained on three quarters of a small labelled history (UTF-8 with
 * BOM), it classifies the other quarter (given in GBK) well above chance and writes one row per case;
 * a missing column or file is named and fails the command. (Accuracy on real citizen messages is the
 * benchmark's: `npm run bench -- cases`.)
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

/** Reports of four categories, said in several ways about several places: the test's own labelled history. */
const SAYINGS: Record<string, string[]> = {
  城乡建设: ['{p}物业违规收取停车费', '{p}地下车库漏水严重物业不修', '{r}人行道被施工围挡占用', '{p}电梯经常故障停运', '{p}楼顶违章搭建存在安全隐患', '{r}路面塌陷出现大坑'],
  环境保护: ['{r}附近工厂夜间偷排废气气味刺鼻', '{p}楼下餐馆油烟直排', '{r}河道发黑发臭漂浮垃圾', '{p}旁工地夜间施工噪音扰民', '{r}搅拌站粉尘污染严重'],
  劳动和社会保障: ['{r}工地拖欠农民工工资', '{p}附近公司不给员工缴纳社会保险', '企业辞退员工不给经济补偿', '失业金申领材料复杂办理时间太长', '退休人员养老金调整何时到账'],
  卫生计生: ['{r}医院挂号难专家号一号难求', '{p}社区卫生服务中心服务态度差', '{r}药店违规销售处方药', '新生儿疫苗接种预约不上', '{p}附近诊所无证行医'],
};
const PLACES = ['翠苑小区', '湖滨花园', '文新公寓', '古荡新村', '西兴家园', '长河苑', '北干小区', '下沙花园'];
const ROADS = ['文三路', '学院路', '莫干山路', '凤起路', '解放路', '延安路', '秋涛路', '江南大道'];

let dir: string;
/** id → true category of the held-out messages. */
const truth = new Map<string, string>();

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-classify-cli-'));
  const rows: Record<string, string>[] = [];
  let n = 0;
  for (const [category, sayings] of Object.entries(SAYINGS)) {
    for (let k = 0; k < 8; k++) {
      for (const [j, say] of sayings.entries()) {
        const text = say.replace('{p}', PLACES[(k + j) % PLACES.length]!).replace('{r}', ROADS[(k * 3 + j) % ROADS.length]!);
        rows.push({ id: String(++n), title: [...text].slice(0, 12).join(''), time: '2026-01-01', text: `${text}，请有关部门尽快处理。`, category });
      }
    }
  }
  // every fourth report is held out: places and roads in combinations the model has not seen
  const train = rows.filter((_, i) => i % 4 !== 0);
  const held = rows.filter((_, i) => i % 4 === 0);
  for (const r of held) truth.set(r.id!, r.category!);
  // the training file as exported (UTF-8 with BOM, extra columns); the input as a GBK export without the category
  fs.writeFileSync(path.join(dir, 'train.csv'), '\ufeff' + stringify(train, { header: true, columns: ['id', 'title', 'time', 'text', 'category'] }));
  fs.writeFileSync(path.join(dir, 'input.csv'), iconv.encode(stringify(held, { header: true, columns: ['id', 'title', 'text'] }), 'gbk'));
  fs.writeFileSync(path.join(dir, 'no-text.csv'), stringify(held.slice(0, 5), { header: true, columns: ['id', 'title'] }));
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

const govhub = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/govhub.mjs', 'classify', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, GOVHUB_FROM_SOURCE: '1' } });

test('classifies held-out messages well above chance, one row per case, confidence and top-3 candidates', () => {
  const out = path.join(dir, 'out.csv');
  const r = govhub('--train', path.join(dir, 'train.csv'), '--input', path.join(dir, 'input.csv'), '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^OK: trained on \d+ cases \(4 categories\)/);
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
  // four categories of about equal size: chance is about 0.25
  assert.ok(top1 / rows.length > 0.8, `top-1 ${top1}/${rows.length}`);
  assert.ok(top3 / rows.length > 0.95, `top-3 ${top3}/${rows.length}`);
});

test('a missing column is named and fails the command', () => {
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
