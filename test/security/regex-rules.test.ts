/**
 * A regular expression the engine cannot compile used to be accepted when saved (it is valid in
 * JavaScript) and failed every later ingest of the dataset. The data plane runs RE2: a pattern is
 * now compiled by the engine when it is saved — a dataset's rule or a custom data element — and
 * refused there with the field named.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../helpers/platform.ts';
import { openCity, type City } from '../helpers/city.ts';

/** Valid in JavaScript, not in RE2: a named group, an end-of-text escape, a look-behind. */
const NOT_RE2 = ['(?<n>\\d+)', '^\\d+\\Z', '(?<=a)b'];

for (const driver of drivers()) {
  describe(`regular expressions are checked by the engine that runs them (${driver})`, () => {
    let c: City;
    before(async () => {
      c = await openCity(driver);
      await c.register(c.officers.GA, 'GA', 'GA_RE', [{ name: 'bz', title: '备注', type: 'string', sensitivity: 'L1' }]);
    });
    after(() => c.close());

    test('a dataset rule RE2 cannot compile is refused when saved, and in a run\'s own rules', async () => {
      for (const pattern of NOT_RE2) {
        assert.doesNotThrow(() => new RegExp(pattern), pattern);
        const r = await c.req('PUT', '/datasets/GA_RE/ingest/settings', c.officers.GA, { rules: { fields: { bz: { pattern } } } });
        assert.equal(r.statusCode, 400, `${pattern}: ${r.body}`);
        assert.equal(r.json().errors[0].field, 'rules.fields.bz.pattern');
        assert.match(r.json().errors[0].message, /RE2/);
        const up = await c.upload(c.officers.GA, 'GA_RE', 'a.csv', '备注\nx\n', { rules: JSON.stringify({ fields: { bz: { pattern } } }) });
        assert.equal(up.statusCode, 400, up.body);
      }
      const ok = await c.req('PUT', '/datasets/GA_RE/ingest/settings', c.officers.GA, { rules: { fields: { bz: { pattern: '\\p{Han}+' } } } });
      assert.equal(ok.statusCode, 200, ok.body);
      const j = (await c.upload(c.officers.GA, 'GA_RE', 'a.csv', '备注\n中文\nabc\n')).json();
      assert.deepEqual([j.status, j.accepted, j.rejected], ['succeeded', 1, 1]);
    });

    test('a custom data element with such a pattern is refused too', async () => {
      for (const pattern of NOT_RE2) {
        const r = await c.req('POST', '/standards/elements', c.admin, { id: 'house_no', title: '门牌号', template: 'regex', params: { pattern } });
        assert.equal(r.statusCode, 400, `${pattern}: ${r.body}`);
        assert.ok(r.json().errors.some((e: { field: string }) => e.field.startsWith('params')), r.body);
      }
      const ok = await c.req('POST', '/standards/elements', c.admin, { id: 'house_no', title: '门牌号', template: 'regex', params: { pattern: '[0-9]+号' } });
      assert.equal(ok.statusCode, 201, ok.body);
    });
  });
}
