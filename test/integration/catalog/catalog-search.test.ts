/**
 * Catalog search through HTTP: Chinese words and pinyin, drafts seen by their department and the
 * admin only, facets, the index rebuilt after an edit (in this process at once, from another server
 * within a second), the public route and its reduced shape, and bad input named by field.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { drivers } from '../../helpers/platform.ts';
import { openCity, type Auth, type City } from '../../helpers/city.ts';

const L = (name: string, title: string, sensitivity = 'L1') => ({ name, title, type: 'string', sensitivity });

for (const driver of drivers()) {
  describe(`catalog search (${driver})`, () => {
    let c: City;
    const create = async (as: Auth, dept: string, code: string, name: string, fields: unknown[], extra: Record<string, unknown> = {}) => {
      const r = await c.req('POST', '/datasets', as, { code, name, departmentId: c.dept[dept], fields, ...extra });
      assert.equal(r.statusCode, 201, r.body);
    };
    before(async () => {
      c = await openCity(driver);
      await create(c.officers.GA, 'GA', 'GA_HJ', '户籍人口信息', [L('zjhm', '证件号码', 'L4'), L('hjdz', '户籍地址', 'L2')], { openType: 'open' });
      await create(c.officers.MZ, 'MZ', 'MZ_YL', '城乡居民养老保险参保信息', [L('sfzh', '身份证号', 'L4'), L('cbzt', '参保状态')], { openType: 'open', keywords: ['社保'], layer: 'business' });
      await create(c.officers.MZ, 'MZ', 'MZ_DB', '最低生活保障对象', [L('xm', '姓名', 'L3'), L('bzje', '保障金额')], { description: '享受城乡低保的家庭与人员', layer: 'business' });
      // the first search builds the index: what follows checks it is kept up to date
      await search('', c.admin);
      // published through review (submitted by the department, published by the admin); GA_HJ stays a draft
      for (const code of ['MZ_YL', 'MZ_DB']) {
        for (const [step, by] of [['submit', c.officers.MZ], ['publish', c.admin]] as const) {
          const r = await c.req('POST', `/datasets/${code}/${step}`, by);
          assert.equal(r.statusCode, 200, r.body);
        }
      }
    });
    after(() => c.close());

    const search = async (qs: string, as?: Auth, path = '/catalog/search') => {
      const r = await c.req('GET', `${path}?${qs}`, as);
      assert.equal(r.statusCode, 200, r.body);
      return r.json() as { total: number; mode: string; items: { dataset: Record<string, unknown>; matched: string[] }[]; facets: Record<string, { value: string; count: number }[]> };
    };
    const codes = (r: { items: { dataset: Record<string, unknown> }[] }) => r.items.map((h) => h.dataset.code).sort();
    const q = encodeURIComponent;

    test('"养老" finds 城乡居民养老保险参保信息 by its title; pinyin initials and prefixes too', async () => {
      const r = await search(`q=${q('养老')}`, c.officers.GA);
      assert.deepEqual(codes(r), ['MZ_YL']);
      assert.deepEqual(r.items[0]!.matched, ['title']);
      assert.equal(r.mode, 'and');
      assert.deepEqual(codes(await search('q=ylbx', c.officers.GA)), ['MZ_YL']);
      assert.deepEqual(codes(await search('q=zuidi', c.officers.GA)), ['MZ_DB']);
      assert.deepEqual(codes(await search(`q=${q('低保')}`, c.officers.GA)), ['MZ_DB']);
    });

    test('a draft is seen by its department and the admin, not by another department; facets count what the caller sees', async () => {
      assert.deepEqual(codes(await search(`q=${q('户籍')}`, c.officers.GA)), ['GA_HJ']);
      assert.deepEqual(codes(await search(`q=${q('户籍')}`, c.admin)), ['GA_HJ']);
      assert.deepEqual(codes(await search(`q=${q('户籍')}`, c.officers.MZ)), []);
      const mz = await search('', c.officers.MZ);
      assert.deepEqual(mz.facets.department, [{ value: 'MZ', label: '民政局', count: 2 }]);
      const admin = await search('status=draft,published', c.admin);
      assert.equal(admin.total, 3);
      assert.deepEqual(admin.facets.status!.map((f) => [f.value, f.count]), [['published', 2], ['draft', 1]]);
      const business = await search('layer=business&department=GA,MZ', c.admin);
      assert.deepEqual(codes(business), ['MZ_DB', 'MZ_YL']);
      assert.deepEqual(business.facets.layer!.map((f) => [f.value, f.count]), [['business', 2], ['raw', 1]]);
    });

    test('an edit is found at once; a change by another server within a second', async () => {
      const r = await c.req('PATCH', '/datasets/MZ_DB', c.officers.MZ, { name: '最低生活保障家庭名册' });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(codes(await search(`q=${q('名册')}`, c.officers.GA)), ['MZ_DB']);
      // another API server on the same database: a write this process is not told of
      await c.t.p.db.query(`UPDATE datasets SET keywords = '{救助}', updated_at = now() WHERE code = 'MZ_DB'`);
      await sleep(1100);
      const found = await search(`q=${q('救助')}`, c.officers.GA);
      assert.deepEqual(codes(found), ['MZ_DB']);
      assert.deepEqual(found.items[0]!.matched, ['keywords']);
    });

    test('the public route answers published open entries in the public shape, without dropped fields', async () => {
      const all = await search('', undefined, '/open/search');
      assert.deepEqual(codes(all), ['MZ_YL']); // GA_HJ is a draft, MZ_DB not open
      const e = all.items[0]!.dataset;
      assert.equal(e.id, undefined);
      assert.equal(e.departmentId, undefined);
      assert.equal(e.departmentName, '民政局');
      assert.deepEqual(e.fieldTitles, ['参保状态'], 'a hit names the open fields only');
      assert.equal(e.fieldCount, 1);
      assert.equal(e.fields, undefined, 'the fields whole are on the entry\'s page');
      assert.deepEqual(codes(await search(`q=${q('身份证号')}`, undefined, '/open/search')), []);
      assert.deepEqual(codes(await search(`q=${q('身份证号')}`, c.officers.GA)), ['MZ_YL']);
      assert.equal((await c.req('GET', '/catalog/search?q=x')).statusCode, 401);
    });

    test('bad input answers problem+json naming the field', async () => {
      for (const [qs, field] of [['status=open', 'status'], ['format=pdf', 'format'], ['limit=500', 'limit'], [`q=${'养'.repeat(101)}`, 'q'], ['sort=random', 'sort']]) {
        const r = await c.req('GET', `/catalog/search?${qs}`, c.admin);
        assert.equal(r.statusCode, 400, `${qs}: ${r.body}`);
        assert.match(r.headers['content-type'] as string, /application\/problem\+json/);
        assert.ok(r.json().errors.some((e: { field: string }) => e.field === field), `${qs}: ${r.body}`);
      }
    });
  });
}
