/**
 * The rows route under 32 connections at once, over real HTTP: every answer 200 (the guard, the masks
 * and the audit append all under contention), one `data.read` per answer, and the audit chain verifies
 * afterwards. Bounded: 32 × 12 requests.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../helpers/platform.ts';
import { id, openCity, type City } from '../helpers/city.ts';

const CONNECTIONS = 32;
const PER_CONNECTION = 12;

const FIELDS = [
  { name: 'sfzh', title: '身份证号', type: 'string', element: 'id_card', required: true, sensitivity: 'L4' },
  { name: 'xm', title: '姓名', type: 'string', sensitivity: 'L3' },
  { name: 'hh', title: '户号', type: 'string', sensitivity: 'L2' },
];

function get(agent: http.Agent, port: number, path: string, authorization: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port, path, agent, headers: { authorization } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    r.on('error', reject);
    r.end();
  });
}

for (const driver of drivers()) {
  describe(`32 connections on the rows route (${driver})`, () => {
    let c: City;
    let port = 0;

    before(async () => {
      c = await openCity(driver);
      await c.register(c.officers.GA, 'GA', 'GA_LOAD', FIELDS, { primaryKey: ['sfzh'], shareType: 'unconditional' });
      const rows = Array.from({ length: 2000 }, (_, i) => `${id(100 + i)},人${i},H${i % 50}`).join('\n');
      const r = await c.upload(c.officers.GA, 'GA_LOAD', 'load.csv', `身份证号,姓名,户号\n${rows}\n`);
      assert.equal(r.json().status, 'succeeded', r.body);
      for (const who of [c.officers.MZ, c.admin]) await c.grant(who, 'GA_LOAD');
      await c.app.listen({ port: 0, host: '127.0.0.1' });
      port = (c.app.server.address() as { port: number }).port;
    });
    after(() => c.close());

    test('no errors under load, one audited read per answer, and the chain verifies after', async () => {
      const readers = [c.officers.GA, c.officers.MZ, c.admin];
      const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
      const before = (await c.events('data.read', 'GA_LOAD')).length;
      const t0 = performance.now();
      const results = await Promise.all(Array.from({ length: CONNECTIONS }, async (_, k) => {
        const out: number[] = [];
        for (let i = 0; i < PER_CONNECTION; i++) {
          const who = readers[(k + i) % readers.length]!;
          const r = await get(agent, port, `/api/v1/datasets/GA_LOAD/rows?limit=50&offset=${((k * PER_CONNECTION + i) * 37) % 1950}`, who.authorization);
          if (r.status !== 200) throw new Error(`${r.status} ${r.body.slice(0, 300)}`);
          const page = JSON.parse(r.body);
          // owners read in clear; others see the ID number masked
          const masked = who !== c.officers.GA;
          assert.equal(/\*/.test(page.rows[0].sfzh), masked);
          out.push(r.status);
        }
        return out;
      }));
      agent.destroy();
      const answers = results.flat();
      assert.equal(answers.length, CONNECTIONS * PER_CONNECTION);
      assert.ok(answers.every((s) => s === 200));
      const reads = (await c.events('data.read', 'GA_LOAD')).length - before;
      assert.equal(reads, CONNECTIONS * PER_CONNECTION, 'one data.read per answer');
      const v = await c.req('POST', '/audit/verify', c.admin);
      assert.equal(v.statusCode, 200, v.body);
      assert.equal(v.json().ok, true, JSON.stringify(v.json().firstBad));
      console.log(`${answers.length} reads over ${CONNECTIONS} connections in ${Math.round(performance.now() - t0)} ms (${driver})`);
    });
  });
}
