import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../../helpers/platform.ts';
import { apiCaller, login, openTestApp } from '../../helpers/server.ts';

const FIELDS = [
  { name: 'id_number', title: '身份证号', type: 'string', element: 'id_card', required: true, sensitivity: 'L3' },
  { name: 'name', title: '姓名', type: 'string', sensitivity: 'L3' },
  { name: 'phone', title: '联系电话', type: 'string', element: 'mobile', sensitivity: 'L3' },
  { name: 'district', title: '区县', type: 'string', sensitivity: 'L1' },
];
const ROWS = [
  { id_number: '110101199003070011', name: '张三丰', phone: '13812345678', district: '上城区' },
  { id_number: '110101199003072216', name: '李四', phone: '13987654321', district: '拱墅区' },
];

for (const driver of drivers()) {
  describe(`catalog and the share guard (${driver})`, () => {
    let t: Awaited<ReturnType<typeof openTestApp>>;
    let admin: { authorization: string };
    let ga: { authorization: string };
    let mz: { authorization: string };
    const dept: Record<string, string> = {};
    const req = apiCaller(() => t.app);

    before(async () => {
      t = await openTestApp(driver);
      admin = await login(t.app);
      for (const code of ['GA', 'MZ']) dept[code] = (await req('POST', '/departments', admin, { code, name: `${code}局`, regionCode: '330102' })).json().id;
      for (const code of ['GA', 'MZ']) await req('POST', '/users', admin, { username: code.toLowerCase(), displayName: code, password: 'password-123', role: 'officer', departmentId: dept[code] });
      ga = await login(t.app, 'ga', 'password-123');
      mz = await login(t.app, 'mz', 'password-123');
    });
    after(() => t.close());

    test('officers register datasets for their own department only; bad fields are named', async () => {
      const ok = await req('POST', '/datasets', ga, { code: 'GA_HJ', name: '户籍人口', departmentId: dept.GA, primaryKey: ['id_number'], fields: FIELDS });
      assert.equal(ok.statusCode, 201, ok.body);
      assert.equal(ok.json().departmentCode, 'GA');
      assert.equal((await req('POST', '/datasets', ga, { code: 'MZ_X', name: 'x', departmentId: dept.MZ, fields: FIELDS })).statusCode, 403);
      const bad = await req('POST', '/datasets', ga, {
        code: 'GA_BAD', name: 'x', departmentId: dept.GA, primaryKey: ['nope'],
        fields: [{ name: 'Bad Name', title: 't', type: 'string', sensitivity: 'L1' }, { name: 'x', title: 't', type: 'string', element: 'no_such', sensitivity: 'L1' }],
      });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(bad.json().errors.map((e: { field: string }) => e.field).sort(), ['fields.0.name', 'fields.1.element', 'primaryKey.0']);
      assert.equal((await req('GET', '/datasets?q=户籍', mz)).json().total, 0, 'a draft is its department\'s and the admin\'s alone');
      assert.equal((await req('GET', '/datasets/GA_HJ', mz)).statusCode, 404);
      assert.equal((await req('POST', '/datasets/GA_HJ/submit', ga)).statusCode, 200);
      assert.equal((await req('POST', '/datasets/GA_HJ/publish', admin)).statusCode, 200);
      assert.equal((await req('PATCH', '/datasets/GA_HJ', mz, { name: '改' })).statusCode, 403);
      assert.equal((await req('GET', '/datasets?q=户籍', mz)).json().total, 1, 'the published entry is visible to other departments');
    });

    test('reads go through the guard: owner in clear, others denied or masked, every read audited', async () => {
      const ds = (await req('GET', '/datasets/GA_HJ', ga)).json();
      await t.p.lake.write({ datasetId: ds.id, mode: 'replace', from: { rows: ROWS } });
      await t.p.lake.write({ datasetId: ds.id, mode: 'append', from: { rows: [{ ...ROWS[0], id_number: '110101199003073579', name: '王五' }] } });

      const own = await req('GET', '/datasets/GA_HJ/rows?limit=10', ga);
      assert.equal(own.statusCode, 200, own.body);
      assert.equal(own.json().total, 3);
      assert.ok(own.json().rows.some((r: { name: string }) => r.name === '张三丰'));
      assert.ok(own.json().columns.every((c: { masked: boolean }) => !c.masked));

      const v1 = (await req('GET', '/datasets/GA_HJ/rows?version=1', ga)).json();
      assert.equal(v1.total, 2);
      assert.equal(v1.version, 1);

      const denied = await req('GET', '/datasets/GA_HJ/rows', mz);
      assert.equal(denied.statusCode, 403, 'conditional sharing needs a grant');
      assert.match(denied.json().detail, /共享申请|grant/);

      await req('PATCH', '/datasets/GA_HJ', ga, { shareType: 'unconditional' });
      assert.equal((await req('GET', '/datasets/GA_HJ/rows', mz)).statusCode, 403, 'unconditional is granted on request, not without one');
      for (const who of [mz, admin]) {
        const fields = ['id_number', 'name', 'phone', 'district'];
        const g = await req('POST', '/share/requests', who, { dataset: 'GA_HJ', purpose: '人口信息核对', fields, validUntil: new Date(Date.now() + 86_400_000).toISOString() });
        assert.equal(g.json().status, 'approved', g.body);
      }
      const shared = (await req('GET', '/datasets/GA_HJ/rows?fields=id_number,name,phone,district&limit=10', mz)).json();
      const zs = shared.rows.find((r: { district: string; name: string }) => r.name.startsWith('张'));
      assert.equal(zs.id_number, '110101********0011');
      assert.equal(zs.name, '张*丰');
      assert.equal(zs.phone, '138****5678');
      assert.equal(zs.district, '上城区');
      assert.deepEqual(shared.columns.filter((c: { masked: boolean }) => c.masked).map((c: { name: string }) => c.name), ['id_number', 'name', 'phone']);

      const adminView = (await req('GET', '/datasets/GA_HJ/rows?fields=id_number,name', admin)).json();
      assert.ok(adminView.rows.every((r: { id_number: string }) => r.id_number.includes('****')), 'admin sees L3 masked');

      assert.equal((await req('PATCH', '/datasets/GA_HJ', ga, { shareType: 'none' })).statusCode, 400, 'not shared states its legal basis');
      assert.equal((await req('PATCH', '/datasets/GA_HJ', ga, { shareType: 'none', shareBasis: '《示例条例》第十条' })).statusCode, 200);
      assert.equal((await req('GET', '/datasets/GA_HJ/rows', mz)).statusCode, 403, 'not shared voids the grant at once');
      assert.equal((await req('GET', '/datasets/GA_HJ/rows?fields=nope', ga)).statusCode, 400);

      const reads = (await req('GET', '/audit/events?action=data.read&limit=100', admin)).json().items;
      assert.ok(reads.length >= 4);
      const mzRead = reads.find((e: { actorName: string }) => e.actorName === 'mz');
      assert.deepEqual(mzRead.details.masked, ['id_number', 'name', 'phone']);
      assert.equal(mzRead.subjectKeys.length, 3, 'who was read is recorded as pseudonyms');
      assert.ok(mzRead.subjectKeys.every((k: string) => !k.includes('110101')));
    });

    test('standards API: list, check one value, define a custom element', async () => {
      const list = (await req('GET', '/standards/elements', ga)).json();
      assert.ok(list.items.some((e: { id: string }) => e.id === 'id_card'));
      const good = (await req('POST', '/standards/validate', ga, { element: 'id_card', value: '110101199003070011' })).json();
      assert.equal(good.ok, true);
      const bad = (await req('POST', '/standards/validate', ga, { element: 'id_card', value: '110101199003070012' })).json();
      assert.deepEqual(bad, { ok: false, reason: 'checksum' });
      assert.equal((await req('POST', '/standards/elements', ga, { id: 'industry', title: '行业', template: 'enum', params: { values: ['A', 'B'] } })).statusCode, 403);
      const def = await req('POST', '/standards/elements', admin, { id: 'industry', title: '行业', template: 'enum', params: { values: ['A', 'B'] } });
      assert.equal(def.statusCode, 201, def.body);
      assert.equal((await req('POST', '/standards/validate', ga, { element: 'industry', value: 'C' })).json().ok, false);
      assert.equal((await req('POST', '/standards/elements', admin, { id: 'id_card', title: 'x', template: 'enum', params: { values: ['A'] } })).statusCode, 409);
    });
  });
}
