import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../../helpers/platform.ts';
import { login, openTestApp } from '../../helpers/server.ts';

for (const driver of drivers()) describe(`server (${driver})`, () => {
  let t: Awaited<ReturnType<typeof openTestApp>>;
  before(async () => { t = await openTestApp(driver); });
  after(() => t.close());

  test('health reports both planes', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/health' });
    assert.equal(r.statusCode, 200);
    assert.deepEqual({ ...(r.json() as object), version: 'x' }, { status: 'ok', version: 'x', controlPlane: driver, dataPlane: 'duckdb' });
  });

  test('OpenAPI document and offline interactive docs', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    assert.equal(doc.openapi, '3.1.0');
    for (const p of ['/api/v1/auth/login', '/api/v1/departments', '/api/v1/users', '/api/v1/tokens', '/api/v1/audit/verify', '/api/v1/datasets/{code}/rows']) assert.ok(doc.paths[p], p);
    const ui = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    assert.equal(ui.statusCode, 200);
    assert.ok(!/https?:\/\/(?!localhost)[a-z0-9.-]+\.(com|net|org|io)\//i.test(ui.body.replace(/<!--[\s\S]*?-->/g, '')), 'docs page must not load from the internet');
  });

  test('unknown routes, bad JSON, oversize bodies and wrong media types answer problem+json', async () => {
    const h = await login(t.app);
    const cases = [
      { res: await t.app.inject({ method: 'GET', url: '/api/v1/nope', headers: h }), status: 404 },
      { res: await t.app.inject({ method: 'POST', url: '/api/v1/departments', headers: { ...h, 'content-type': 'application/json' }, payload: '{"code":' }), status: 400 },
      { res: await t.app.inject({ method: 'POST', url: '/api/v1/departments', headers: { ...h, 'content-type': 'application/json' }, payload: JSON.stringify({ code: 'X', name: 'x'.repeat(t.p.config.bodyLimitBytes + 10), regionCode: '330102' }) }), status: 413 },
      { res: await t.app.inject({ method: 'POST', url: '/api/v1/departments', headers: { ...h, 'content-type': 'application/xml' }, payload: '<a/>' }), status: 415 },
      { res: await t.app.inject({ method: 'GET', url: '/api/v1/users/not-a-uuid', headers: h }), status: 400 },
    ];
    for (const { res, status } of cases) {
      assert.equal(res.statusCode, status, res.body);
      assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
      const body = res.json();
      assert.equal(body.status, status);
      assert.match(body.type, /^\/problems\//);
      assert.ok(body.title);
    }
  });

  test('problems answer in the language of Accept-Language, or in both', async () => {
    const h = await login(t.app);
    const ask = async (lang?: string) => (await t.app.inject({ method: 'GET', url: '/api/v1/datasets/NO_SUCH', headers: { ...h, ...(lang ? { 'accept-language': lang } : {}) } })).json();
    assert.deepEqual([(await ask('en')).title, (await ask('en')).detail], ['Not found', 'no dataset NO_SUCH']);
    assert.deepEqual([(await ask('zh-CN,zh;q=0.9')).title, (await ask('zh-CN')).detail], ['对象不存在', '数据集不存在：NO_SUCH']);
    assert.equal((await ask()).title, '对象不存在 / Not found');
  });
});
