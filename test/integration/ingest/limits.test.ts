import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { drivers } from '../../helpers/platform.ts';
import { login, openTestApp } from '../../helpers/server.ts';
import { upload } from '../../helpers/upload.ts';

for (const driver of drivers()) test(`an upload over GOVHUB_INGEST_MAX_BYTES answers 413 problem+json and writes nothing (${driver})`, async () => {
  const saved = process.env.GOVHUB_INGEST_MAX_BYTES;
  process.env.GOVHUB_INGEST_MAX_BYTES = '4096'; // read when the routes are registered
  const t = await openTestApp(driver);
  try {
    const h = await login(t.app);
    const dept = (await t.app.inject({ method: 'POST', url: '/api/v1/departments', headers: h, payload: { code: 'GA', name: '公安局', regionCode: '330102' } })).json();
    const ds = await t.app.inject({
      method: 'POST', url: '/api/v1/datasets', headers: h,
      payload: { code: 'BIG', name: '大文件', departmentId: dept.id, fields: [{ name: 'xm', title: '姓名', type: 'string', sensitivity: 'L3' }] },
    });
    assert.equal(ds.statusCode, 201, ds.body);
    const small = await upload(t.app, '/datasets/BIG/ingest', h, 'small.csv', '姓名\n张三\n');
    assert.equal(small.statusCode, 201, small.body);
    const big = await upload(t.app, '/datasets/BIG/ingest', h, 'big.csv', '姓名\n' + '张三丰\n'.repeat(2000));
    assert.equal(big.statusCode, 413, big.body);
    assert.match(String(big.headers['content-type']), /application\/problem\+json/);
    assert.equal(big.json().type, '/problems/payload-too-large');
    const after = (await t.app.inject({ method: 'GET', url: '/api/v1/datasets/BIG', headers: h })).json();
    assert.equal(after.currentVersion, 1, 'the oversize upload wrote no version');
    // and left no partial upload behind
    const uploads = path.join(t.p.dir, 'ingest', 'uploads');
    assert.ok(!fs.existsSync(uploads) || fs.readdirSync(uploads).length === 0, 'no partial upload left on disk');
  } finally {
    await t.close();
    if (saved === undefined) delete process.env.GOVHUB_INGEST_MAX_BYTES;
    else process.env.GOVHUB_INGEST_MAX_BYTES = saved;
  }
});
