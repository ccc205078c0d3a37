/**
 * Catalog review: the department submits, the admin publishes or returns with a reason and may
 * withdraw; wrong steps are conflicts; every step is audited and told to whom it concerns. And the
 * lineage graph: file → job → version → dataset, the workings only for the department and admins.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../../helpers/platform.ts';
import { openCity, type City } from '../../helpers/city.ts';

const FIELDS = [{ name: 'bh', title: '编号', type: 'string', sensitivity: 'L1' }, { name: 'mc', title: '名称', type: 'string', sensitivity: 'L1' }];

for (const driver of drivers()) {
  describe(`catalog review and lineage (${driver})`, () => {
    let c: City;
    before(async () => {
      c = await openCity(driver);
      await c.register(c.officers.GA, 'GA', 'GA_REVIEW', FIELDS, { draft: true, keywords: ['审核'] });
    });
    after(() => c.close());
    const status = async (code: string) => (await c.req('GET', `/datasets/${code}`, c.admin)).json().status;

    test('draft → submitted → returned with a reason → submitted → published → withdrawn', async () => {
      assert.equal(await status('GA_REVIEW'), 'draft');
      assert.equal((await c.req('POST', '/datasets/GA_REVIEW/publish', c.admin)).statusCode, 409, 'a draft is submitted before it is published');
      assert.equal((await c.req('POST', '/datasets/GA_REVIEW/submit', c.officers.MZ)).statusCode, 404, 'another department does not see the draft');
      assert.equal((await c.req('POST', '/datasets/GA_REVIEW/submit', c.officers.GA)).statusCode, 200);
      assert.equal((await c.req('POST', '/datasets/GA_REVIEW/submit', c.officers.GA)).statusCode, 409);
      assert.equal((await c.req('POST', '/datasets/GA_REVIEW/publish', c.officers.GA)).statusCode, 403, 'only the admin publishes');

      const queue = await c.req('GET', '/catalog/review', c.admin);
      assert.deepEqual(queue.json().items.map((d: { code: string }) => d.code), ['GA_REVIEW']);
      const noReason = await c.req('POST', '/datasets/GA_REVIEW/return', c.admin, {});
      assert.equal(noReason.statusCode, 400);
      const ret = await c.req('POST', '/datasets/GA_REVIEW/return', c.admin, { reason: '缺少联系方式' });
      assert.equal(ret.statusCode, 200, ret.body);
      assert.equal(ret.json().status, 'returned');
      assert.equal(ret.json().reviewNote, '缺少联系方式');
      const mine = await c.req('GET', '/catalog/review', c.officers.GA);
      assert.deepEqual(mine.json().items.map((d: { code: string; reviewNote: string }) => [d.code, d.reviewNote]), [['GA_REVIEW', '缺少联系方式']]);
      const notices = await c.req('GET', '/notices', c.officers.GA);
      assert.ok(notices.body.includes('GA_REVIEW'), 'the department is told');

      await c.req('PATCH', '/datasets/GA_REVIEW', c.officers.GA, { contact: { name: '张三', phone: '0571-12345' } });
      assert.equal((await c.req('POST', '/datasets/GA_REVIEW/submit', c.officers.GA)).statusCode, 200);
      const pub = await c.req('POST', '/datasets/GA_REVIEW/publish', c.admin);
      assert.equal(pub.json().status, 'published');
      assert.ok(pub.json().publishedAt);
      assert.equal(pub.json().reviewNote, null);
      assert.equal((await c.req('GET', '/datasets/GA_REVIEW', c.officers.MZ)).statusCode, 200, 'published: every department finds it');

      assert.equal((await c.req('POST', '/datasets/GA_REVIEW/withdraw', c.admin, { reason: '数据有误' })).json().status, 'draft');
      assert.equal((await c.req('GET', '/datasets/GA_REVIEW', c.officers.MZ)).statusCode, 404);

      const steps = ['submit', 'return', 'submit', 'publish', 'withdraw'];
      const events = (await Promise.all(['submit', 'publish', 'return', 'withdraw'].map((a) => c.events(`catalog.${a}`, 'GA_REVIEW')))).flat();
      assert.equal(events.length, steps.length, 'every step audited');
      assert.ok(events.some((e) => e.details.reason === '缺少联系方式'));
    });

    test('lineage: the file, the job and each version; workings only for the department and admins', async () => {
      await c.register(c.officers.GA, 'GA', 'GA_LINE', FIELDS, { shareType: 'unconditional' });
      for (const name of ['a.csv', 'b.csv']) {
        const r = await c.upload(c.officers.GA, 'GA_LINE', name, `编号,名称\n${name},甲\n`, { mode: 'append' });
        assert.equal(r.json().status, 'succeeded', r.body);
      }
      const own = (await c.req('GET', '/datasets/GA_LINE/lineage', c.officers.GA)).json();
      const kinds = own.nodes.map((n: { kind: string }) => n.kind).sort();
      assert.deepEqual(kinds, ['dataset', 'file', 'file', 'job', 'job', 'version', 'version']);
      const file = own.nodes.find((n: { kind: string; label: string }) => n.kind === 'file' && n.label === 'a.csv');
      const job = own.edges.find((e: { from: string }) => e.from === file.id).to;
      const version = own.edges.find((e: { from: string; kind: string }) => e.from === job && e.kind === 'wrote').to;
      assert.equal(version, 'version:GA_LINE:1');
      assert.ok(own.edges.some((e: { from: string; to: string }) => e.from === version && e.to === 'dataset:GA_LINE'));

      const other = (await c.req('GET', '/datasets/GA_LINE/lineage', c.officers.MZ)).json();
      assert.deepEqual(other.nodes.map((n: { kind: string }) => n.kind).sort(), ['dataset', 'version', 'version'], 'another department sees versions, not files or jobs');
      assert.equal((await c.req('GET', '/datasets/GA_REVIEW/lineage', c.officers.MZ)).statusCode, 404, 'nor the lineage of a draft');
    });
  });
}
