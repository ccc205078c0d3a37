/** Coded data elements give their code tables, so values can be shown by name. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../../helpers/platform.ts';
import { login, openTestApp } from '../../helpers/server.ts';

for (const driver of drivers()) {
  describe(`code tables of data elements (${driver})`, () => {
    let t: Awaited<ReturnType<typeof openTestApp>>;
    let admin: { authorization: string };
    before(async () => {
      t = await openTestApp(driver);
      admin = await login(t.app);
    });
    after(() => t.close());

    test('性别, 民族 and a custom code table list their codes; other elements none', async () => {
      const def = await t.app.inject({ method: 'POST', url: '/api/v1/standards/elements', headers: admin,
        payload: { id: 'hyzk', title: '婚姻状况', template: 'code_table', params: { codes: { '10': '未婚', '20': '已婚' } } } });
      assert.equal(def.statusCode, 201, def.body);
      assert.deepEqual(def.json().codes, { '10': '未婚', '20': '已婚' });
      const r = await t.app.inject({ method: 'GET', url: '/api/v1/standards/elements', headers: admin });
      const by = new Map((r.json().items as { id: string; codes?: Record<string, string>; codesEn?: Record<string, string> }[]).map((e) => [e.id, e]));
      assert.equal(by.get('gender')!.codes!['1'], '男性');
      assert.equal(by.get('gender')!.codesEn!['2'], 'Female');
      assert.equal(by.get('ethnicity')!.codes!['01'], '汉族');
      assert.equal(Object.keys(by.get('ethnicity')!.codes!).length, 58);
      assert.deepEqual(by.get('hyzk')!.codes, { '10': '未婚', '20': '已婚' });
      assert.equal(by.get('id_card')!.codes, undefined);
    });
  });
}
