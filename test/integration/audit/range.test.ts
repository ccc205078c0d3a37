/** Audit events in a time range (from inclusive, to exclusive). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../../helpers/platform.ts';
import { openCity, type City } from '../../helpers/city.ts';

for (const driver of drivers()) {
  describe(`audit time range (${driver})`, () => {
    let c: City;
    before(async () => { c = await openCity(driver); });
    after(() => c.close());

    test('from / to select the events of a time range', async () => {
      const all = (await c.req('GET', '/audit/events?limit=1000', c.admin)).json().items as { seq: number; ts: string }[];
      assert.ok(all.length > 5);
      const mid = all[Math.floor(all.length / 2)]!;
      const page = async (q: string) => {
        const r = await c.req('GET', `/audit/events?limit=1000&${q}`, c.admin);
        assert.equal(r.statusCode, 200, r.body);
        return r.json().items as { seq: number; ts: string }[];
      };
      const from = await page(`from=${encodeURIComponent(mid.ts)}`);
      assert.ok(from.length > 0 && from.every((e) => e.ts >= mid.ts));
      const to = await page(`to=${encodeURIComponent(mid.ts)}`);
      assert.ok(to.every((e) => e.ts < mid.ts));
      assert.equal(from.length + to.length, (await page('')).length);
      const future = new Date(Date.now() + 86_400_000).toISOString();
      assert.deepEqual(await page(`from=${future}`), []);
      assert.equal((await c.req('GET', '/audit/events?from=yesterday', c.admin)).statusCode, 400);
    });
  });
}
