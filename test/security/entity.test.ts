/**
 * Ways around the share guard through 一人一档: the index links records of every department, so each
 * of its doors must answer only what the caller could read anyway.
 *  - search as an oracle: by a field the caller has no grant on, or sees only masked;
 *  - profile ids and record ids guessed or enumerated: a profile with nothing readable looks like none;
 *  - explanations of other departments' pairs; crafted record ids;
 *  - corrections (merge, split, review, sources) by someone who holds none of the records, or no role.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_PASSWORD, officerName } from '../../src/demo/index.ts';
import { SMALL_CITY } from '../helpers/demoCity.ts';
import { login, openTestApp } from '../helpers/server.ts';

type Auth = { authorization: string };

describe('security: the entity index answers only what the guard allows', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>;
  let admin: Auth, ga: Auth, mz: Auth, cl: Auth, analyst: Auth, citizen: Auth;
  const req = (method: string, url: string, as: Auth, payload?: unknown) => t.app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers: as, payload: payload as object });
  /** A profile holding GA_HJRK records and none of 残联's. */
  let gaOnly: string;
  let gaRids: string[];

  before(async () => {
    process.env.GOVHUB_ENTITY_POLL_SECONDS = '0';
    t = await openTestApp('pglite', { demo: SMALL_CITY });
    admin = await login(t.app);
    [ga, mz, cl] = await Promise.all(['GA', 'MZ', 'CL'].map((d) => login(t.app, officerName(d), DEMO_PASSWORD)));
    analyst = await login(t.app, 'analyst', DEMO_PASSWORD);
    citizen = await login(t.app, 'citizen', DEMO_PASSWORD);
    gaOnly = (await t.p.db.one<{ cluster_id: string }>(`SELECT m.cluster_id FROM entity_members m JOIN datasets d ON d.id = m.dataset_id WHERE m.kind = 'person'
      GROUP BY m.cluster_id HAVING bool_or(d.code = 'GA_HJRK') AND NOT bool_or(d.code = 'CL_CJR') AND count(*) >= 2 ORDER BY m.cluster_id LIMIT 1`))!.cluster_id;
    gaRids = (await t.p.db.query<{ rid: string }>(`SELECT rid FROM entity_members WHERE cluster_id = $1 ORDER BY rid`, [gaOnly])).map((r) => r.rid);
  });
  after(() => t.close());

  test('search by a field without a grant finds nothing of that dataset, and says so', async () => {
    const idNumber = (await req('GET', '/datasets/GA_HJRK/rows?limit=1', ga)).json().rows[0].gmsfhm as string;
    const r = (await req('GET', `/entities/person/search?by=id_number&q=${idNumber}`, cl)).json();
    assert.ok(r.skipped.some((s: { code: string }) => s.code === 'GA_HJRK'), JSON.stringify(r.skipped));
    assert.ok(!r.searched.some((s: { code: string }) => s.code === 'GA_HJRK'));
    // whatever it finds comes from 残联's own data only
    for (const item of r.items) assert.deepEqual(item.datasets.map((d: { code: string }) => d.code), ['CL_CJR']);
  });

  test('search by a field granted only masked is refused for that dataset (no row-by-row oracle)', async () => {
    const name = (await req('GET', '/datasets/GA_HJRK/rows?limit=1', ga)).json().rows[0].xm as string;
    const r = (await req('GET', `/entities/person/search?by=name&q=${encodeURIComponent(name)}`, mz)).json();
    assert.ok(r.skipped.some((s: { code: string }) => s.code === 'GA_HJRK'), JSON.stringify(r));
    assert.ok(!r.items.some((i: { datasets: { code: string }[] }) => i.datasets.some((d) => d.code === 'GA_HJRK')));
  });

  test('a profile with nothing readable answers exactly like one that does not exist', async () => {
    const hidden = await req('GET', `/entities/person/profiles/${gaOnly}`, cl);
    const missing = await req('GET', '/entities/person/profiles/P00000000000000000000', cl);
    assert.equal(hidden.statusCode, 404);
    assert.equal(missing.statusCode, 404);
    assert.equal(hidden.json().title, missing.json().title);
    assert.equal(hidden.json().detail.replaceAll(gaOnly, 'X'), missing.json().detail.replaceAll('P00000000000000000000', 'X'));
  });

  test('no explanation of a pair the caller can read none of; crafted record ids are just unknown', async () => {
    const e = await req('GET', `/entities/person/explain?left=${encodeURIComponent(gaRids[0]!)}&right=${encodeURIComponent(gaRids[1]!)}`, cl);
    assert.equal(e.statusCode, 404, e.body);
    for (const rid of ["GA_HJRK:x' OR '1'='1", 'GA_HJRK:%', "x'); DROP TABLE entity_members; --"]) {
      const r = await req('GET', `/entities/person/explain?left=${encodeURIComponent(rid)}&right=${encodeURIComponent(gaRids[0]!)}`, ga);
      assert.equal(r.statusCode, 404, r.body);
    }
    assert.ok((await t.p.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM entity_members`))!.n > 0);
    const path = await req('GET', `/entities/person/profiles/${encodeURIComponent('../../etc')}`, ga);
    assert.equal(path.statusCode, 400);
  });

  test('corrections need a record of one\'s own department (or the admin role) and a reason', async () => {
    const other = (await t.p.db.one<{ cluster_id: string }>(`SELECT cluster_id FROM entity_members WHERE kind = 'person' AND cluster_id <> $1 AND rid LIKE 'GA_HJRK:%' LIMIT 1`, [gaOnly]))!.cluster_id;
    for (const as of [cl, analyst, citizen]) {
      const m = await req('POST', '/entities/person/merge', as, { clusterIds: [gaOnly, other], reason: '尝试合并他人档案' });
      assert.equal(m.statusCode, 403, m.body);
      const s = await req('POST', `/entities/person/profiles/${gaOnly}/split`, as, { rids: [gaRids[1]], reason: '尝试拆分他人档案' });
      assert.equal(s.statusCode, 403, s.body);
    }
    const stray = await req('POST', `/entities/person/profiles/${gaOnly}/split`, ga, { rids: ['GA_HJRK:Pnot-in-profile'], reason: '拆出不属于本档案的记录' });
    assert.equal(stray.statusCode, 400, stray.body);
    assert.equal(stray.json().errors[0].field, 'rids');
    const all = await req('POST', `/entities/person/profiles/${gaOnly}/split`, ga, { rids: gaRids, reason: '把全部记录拆走' });
    assert.equal(all.statusCode, 400, all.body);
    const noReason = await req('POST', '/entities/person/merge', ga, { clusterIds: [gaOnly, other], reason: '  ' });
    assert.equal(noReason.statusCode, 400, noReason.body);
    assert.equal((await t.p.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM entity_decisions`))!.n, 0, 'nothing refused was stored');
  });

  test('only admins start runs and change sources; citizens and handlers see no profile at all', async () => {
    assert.equal((await req('POST', '/entities/person/runs', ga, { mode: 'full' })).statusCode, 403);
    assert.equal((await req('PUT', '/entities/person/sources/GA_HJRK', ga, { trust: 1 })).statusCode, 403);
    const bad = await req('PUT', '/entities/person/sources/GA_HJRK', admin, { roles: [{ role: '', fields: { name: 'no_such_field' } }] });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().errors[0].field, 'roles.0.fields.name');
    for (const url of [`/entities/person/profiles/${gaOnly}`, '/entities/person/search?q=张', '/entities/person/overview', '/entities/person/review']) {
      const r = await req('GET', url, citizen);
      assert.equal(r.statusCode, 403, `${url}: ${r.body}`);
    }
  });

  test('the review queue shows an officer only items with a record of their department', async () => {
    const r = await req('GET', '/entities/person/review?limit=200', mz);
    assert.equal(r.statusCode, 200, r.body);
    for (const i of r.json().items) assert.ok([i.left.dataset.code, i.right.dataset.code].some((c: string) => c.startsWith('MZ_')), JSON.stringify(i));
    assert.equal((await req('GET', '/entities/person/review', analyst)).statusCode, 403);
  });
});
