/**
 * Push API: POST /api/v1/datasets/{code}/records — the same checks as any ingest, per-record
 * errors, Idempotency-Key, micro-batching of concurrent pushes, and who may push.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { datasetByCode } from '../../../src/catalog/index.ts';
import { apiTokens } from '../../../src/identity/index.ts';
import { login } from '../../helpers/server.ts';
import { drivers, type TestPlatform } from '../../helpers/platform.ts';
import { idCard, lakeRows, openSourcesApp, PASSWORD, peopleDataset, seedOrg, type Org } from '../../helpers/sources.ts';

for (const driver of drivers()) describe(`push API (${driver})`, () => {
  let p: TestPlatform;
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let org: Org;
  let offA: { authorization: string };
  let offB: { authorization: string };

  before(async () => {
    ({ p, app, close } = await openSourcesApp(driver));
    org = await seedOrg(p);
    offA = await login(app, 'officer_a', PASSWORD);
    offB = await login(app, 'officer_b', PASSWORD);
    await peopleDataset(p, 'push_people', org.deptA);
  });
  after(async () => close?.());

  const push = (auth: { authorization: string }, body: unknown, headers: Record<string, string> = {}, code = 'push_people') =>
    app.inject({
      method: 'POST', url: `/api/v1/datasets/${code}/records`, headers: { ...auth, ...headers },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
      ...(typeof body === 'string' ? {} : { headers: { ...auth, ...headers, 'content-type': 'application/json' } }),
    });
  const version = async () => (await datasetByCode(p.db, 'push_people'))!.currentVersion;

  test('valid records land in a new version; bad ones are answered by index, field and rule', async () => {
    const v0 = await version();
    const res = await push(offA, [
      { id: 1, name: '张三', id_card: idCard(1), amount: '12.50', updated_at: '2024-05-01 10:00:00' },
      { id: 2, name: '李四', id_card: '110101199001011234', amount: 'abc', updated_at: '2024-05-01 10:00:00' },
      { id: 3, name: '王五', id_card: idCard(3), amount: 3, updated_at: '2024-05-01', extra: 'x' },
      'not an object',
    ]);
    assert.equal(res.statusCode, 200, res.body);
    const r = res.json();
    assert.equal(r.records, 4);
    assert.equal(r.accepted, 2);
    assert.equal(r.rejected, 2);
    assert.equal(r.status, 'partial');
    assert.equal(r.version, v0 + 1);
    assert.deepEqual(r.ignoredFields, ['extra']);
    const byIndex = (i: number) => r.errors.filter((e: { index: number }) => e.index === i);
    assert.deepEqual(byIndex(1).map((e: { field: string; rule: string }) => `${e.field}:${e.rule}`).sort(), ['amount:type', 'id_card:standard']);
    assert.equal(byIndex(1).find((e: { field: string }) => e.field === 'amount').value, 'abc');
    assert.equal(byIndex(3)[0].rule, 'parse');
    assert.equal(byIndex(0).length + byIndex(2).length, 0);
    const rows = await lakeRows(p, 'push_people');
    assert.deepEqual(rows.map((x) => Number(x.id)), [1, 3]);
  });

  test('NDJSON bodies; records with the same key update (upsert)', async () => {
    const body = [
      JSON.stringify({ id: 1, name: '张三丰', id_card: idCard(1), amount: 1, updated_at: '2024-06-01 00:00:00' }),
      '',
      JSON.stringify({ id: 4, name: '赵六', id_card: idCard(4), amount: 4, updated_at: '2024-06-01 00:00:00' }),
      '{"id": 5, broken',
    ].join('\n');
    const res = await push(offA, body, { 'content-type': 'application/x-ndjson' });
    assert.equal(res.statusCode, 200, res.body);
    const r = res.json();
    assert.equal(r.records, 3);
    assert.equal(r.accepted, 2);
    assert.deepEqual(r.errors.map((e: { index: number; rule: string }) => [e.index, e.rule]), [[2, 'parse']]);
    const rows = await lakeRows(p, 'push_people');
    assert.deepEqual(rows.map((x) => Number(x.id)), [1, 3, 4]);
    assert.equal(rows[0]!.name, '张三丰');
  });

  test('Idempotency-Key: a retry answers the same and writes nothing; another body with the key is refused', async () => {
    const body = [{ id: 10, name: '钱七', id_card: idCard(10), amount: 7, updated_at: '2024-07-01 00:00:00' }, { id: 11, name: '', id_card: 'x', amount: 1, updated_at: 'never' }];
    const first = await push(offA, body, { 'idempotency-key': 'order-2024-0001' });
    assert.equal(first.statusCode, 200, first.body);
    const v1 = await version();
    const again = await push(offA, body, { 'idempotency-key': 'order-2024-0001' });
    assert.equal(again.statusCode, 200);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.json(), first.json());
    assert.equal(await version(), v1, 'no second version');
    const other = await push(offA, [{ id: 12 }], { 'idempotency-key': 'order-2024-0001' });
    assert.equal(other.statusCode, 422);
    // the key belongs to its caller: someone else's same key is a new request
    const tokenA = await apiTokens.create(p, { id: (await p.db.one<{ id: string }>(`SELECT id FROM users WHERE username = 'analyst_a'`))!.id, username: 'analyst_a', displayName: '', role: 'analyst', departmentId: org.deptA }, { name: 'app' });
    const byApp = await push({ authorization: `Bearer ${tokenA.token}` }, body, { 'idempotency-key': 'order-2024-0001' });
    assert.equal(byApp.statusCode, 200, byApp.body);
    assert.notEqual(byApp.headers['idempotent-replayed'], 'true');
  });

  test('concurrent pushes coalesce into one version, each caller gets its own result', async () => {
    const v0 = await version();
    const K = 6;
    const results = await Promise.all(Array.from({ length: K }, (_, k) => push(offA, [
      { id: 100 + k, name: `并发${k}`, id_card: idCard(100 + k), amount: k, updated_at: '2024-08-01 00:00:00' },
      { id: 200 + k, name: `并发坏${k}`, id_card: 'bad', amount: k, updated_at: '2024-08-01 00:00:00' },
    ])));
    const bodies = results.map((r) => r.json());
    for (const b of bodies) {
      assert.equal(b.accepted, 1);
      assert.deepEqual(b.errors.map((e: { index: number; field: string }) => [e.index, e.field]), [[1, 'id_card']]);
    }
    const versions = new Set(bodies.map((b) => b.version));
    assert.ok(versions.size < K, `${K} pushes made ${versions.size} versions`);
    assert.ok((await version()) - v0 < K);
    const ids = (await lakeRows(p, 'push_people')).map((x) => Number(x.id));
    for (let k = 0; k < K; k++) assert.ok(ids.includes(100 + k));
  });

  test('only the dataset\'s department (officer or API token) or an admin may push', async () => {
    const rec = [{ id: 300, name: '孙八', id_card: idCard(300), amount: 1, updated_at: '2024-09-01 00:00:00' }];
    assert.equal((await push(offB, rec)).statusCode, 404, 'another department: the draft entry does not exist for it');
    const analyst = await login(app, 'analyst_a', PASSWORD);
    assert.equal((await push(analyst, rec)).statusCode, 403, 'a session of a non-officer');
    assert.equal((await push(offA, rec, {}, 'no_such_dataset')).statusCode, 404);
    const admin = await login(app);
    assert.equal((await push(admin, rec)).statusCode, 200);
    assert.equal((await push(offA, 'x'.repeat(10), { 'content-type': 'text/plain' })).statusCode, 415);
    assert.equal((await push(offA, [])).statusCode, 400);
    // every push is audited, per caller
    const events = await p.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'dataset.push'`);
    assert.ok(events[0]!.n >= 10);
  });
});
