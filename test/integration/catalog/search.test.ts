/** Dataset search covers field titles and data elements; the list filters by department, layer and share type. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../../helpers/platform.ts';
import { openCity, type City } from '../../helpers/city.ts';

for (const driver of drivers()) {
  describe(`dataset search and filters (${driver})`, () => {
    let c: City;
    before(async () => {
      c = await openCity(driver);
      await c.register(c.officers.GA, 'GA', 'RK_JB', [{ name: 'zjhm', title: '证件号码', type: 'string', element: 'id_card', sensitivity: 'L4' }], { layer: 'base', shareType: 'conditional' });
      await c.register(c.officers.MZ, 'MZ', 'DB_JZ', [{ name: 'sfzh', title: '身份证号', type: 'string', sensitivity: 'L4' }], { layer: 'business', shareType: 'unconditional' });
      await c.register(c.officers.CL, 'CL', 'CJ_ZH', [{ name: 'cjlb', title: '残疾类别', type: 'string', sensitivity: 'L2' }], { layer: 'business', shareType: 'none' });
    });
    after(() => c.close());

    const codes = async (q: string) => {
      const r = await c.req('GET', `/datasets?${q}`, c.officers.GA);
      assert.equal(r.statusCode, 200, r.body);
      return (r.json().items as { code: string }[]).map((d) => d.code);
    };

    test('"身份证" finds datasets by a field title and by the ID-card data element', async () => {
      assert.deepEqual(await codes(`q=${encodeURIComponent('身份证')}`), ['DB_JZ', 'RK_JB']);
      assert.deepEqual(await codes(`q=${encodeURIComponent('残疾类别')}`), ['CJ_ZH']);
      assert.deepEqual(await codes('q=cjlb'), ['CJ_ZH']);
      assert.deepEqual(await codes('q=id_card'), ['RK_JB']);
      assert.deepEqual(await codes(`q=${encodeURIComponent('100%')}`), []);
    });

    test('filters: department, layer, share type (and together)', async () => {
      assert.deepEqual(await codes(`departmentId=${c.dept.MZ}`), ['DB_JZ']);
      assert.deepEqual(await codes('layer=business'), ['CJ_ZH', 'DB_JZ']);
      assert.deepEqual(await codes('shareType=conditional'), ['RK_JB']);
      assert.deepEqual(await codes('layer=business&shareType=none'), ['CJ_ZH']);
      assert.equal((await c.req('GET', '/datasets?shareType=all', c.admin)).statusCode, 400);
    });
  });
}
