import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { alreadyExists, langOf, noSuch, notFound, OBJECTS, problem, PROBLEM_TYPES, ROOT } from '../../../src/kernel/index.ts';

const HAN = /[\u4e00-\u9fff]/;

describe('problem registry', () => {
  test('every problem type has a Chinese and an English title', () => {
    for (const [slug, { title }] of Object.entries(PROBLEM_TYPES)) {
      assert.match(title.zh, HAN, `${slug}: Chinese title`);
      assert.ok(title.en && !HAN.test(title.en), `${slug}: English title`);
    }
    for (const [kind, o] of Object.entries(OBJECTS)) {
      assert.match(o.zh, HAN, `${kind}: Chinese name`);
      assert.ok(o.en && !HAN.test(o.en), `${kind}: English name`);
    }
  });

  test('docs/api/errors.md lists every type with both titles, as the registry has them', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/api/errors.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `\/problems\/([a-z-]+)` \| (\d+) \| ([^|]+) \| ([^|]+) \|/gm)]
      .map(([, slug, status, zh, en]) => `| \`/problems/${slug}\` | ${status} | ${zh!.trim()} | ${en!.trim()} |`);
    const expected = Object.entries(PROBLEM_TYPES).map(([slug, { status, title }]) => `| \`/problems/${slug}\` | ${status} | ${title.zh} | ${title.en} |`);
    assert.deepEqual(rows, expected, 'the type table of docs/api/errors.md (type | status | 标题 | title | …) is out of step with PROBLEM_TYPES');
  });

  test('the answer is in the language asked for, or in both', () => {
    const p = notFound('dataset', 'RK_001');
    assert.deepEqual(p.body('/x', 'en'), { type: '/problems/not-found', title: 'Not found', status: 404, detail: 'no dataset RK_001', instance: '/x' });
    assert.deepEqual(p.body(undefined, 'zh'), { type: '/problems/not-found', title: '对象不存在', status: 404, detail: '数据集不存在：RK_001' });
    assert.deepEqual(p.body(), { type: '/problems/not-found', title: '对象不存在 / Not found', status: 404, detail: '数据集不存在：RK_001 / no dataset RK_001' });
    assert.equal(p.message, p.detail);
    const c = alreadyExists('user', 'username', 'li').body(undefined, 'en');
    assert.deepEqual([c.status, c.detail, c.errors], [409, 'username li exists', [{ field: 'username', message: 'already exists' }]]);
    assert.deepEqual(noSuch('parentId', 'department', 'd1').body(undefined, 'zh').errors, [{ field: 'parentId', message: 'no department d1' }]);
    // a detail known in one text only stays as it is
    assert.equal(problem('forbidden', '只有管理员 / only admins').body(undefined, 'en').detail, '只有管理员 / only admins');
  });

  test('Accept-Language: the Chinese or English tag ranked highest', () => {
    for (const [header, lang] of [
      ['en', 'en'], ['zh-CN', 'zh'], ['en-US,en;q=0.9', 'en'], ['zh-CN,zh;q=0.9,en;q=0.8', 'zh'], ['fr, en;q=0.5, zh;q=0.7', 'zh'],
      ['de', undefined], ['', undefined], [undefined, undefined], ['zh;q=0, en;q=0.1', 'en'], ['ZH-Hant-TW', 'zh'],
    ] as const) assert.equal(langOf(header), lang, String(header));
  });
});
