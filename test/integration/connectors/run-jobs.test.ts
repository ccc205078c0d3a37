/** A source run that fails before reaching ingest still shows in the job list, as a failed job of its source. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { CONNECT_FAILED } from '../../../src/connectors/index.ts';
import { login } from '../../helpers/server.ts';
import { drivers, type TestPlatform } from '../../helpers/platform.ts';
import { openSourcesApp, PASSWORD, peopleDataset, seedOrg, type Org } from '../../helpers/sources.ts';

for (const driver of drivers()) describe(`source runs in the job list (${driver})`, () => {
  let p: TestPlatform;
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let org: Org;
  let offA: { authorization: string };
  let offB: { authorization: string };
  const api = (method: string, url: string, auth: { authorization: string }, payload?: unknown) =>
    app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers: auth, payload: payload as object });

  before(async () => {
    ({ p, app, close } = await openSourcesApp(driver));
    org = await seedOrg(p);
    offA = await login(app, 'officer_a', PASSWORD);
    offB = await login(app, 'officer_b', PASSWORD);
  });
  after(() => close());

  test('a run that cannot connect is a failed job of origin source, named after the source, once per run', async () => {
    await peopleDataset(p, 'run_jobs', org.deptA);
    const src = await api('POST', '/sources', offA, {
      name: '断开的库', datasetCode: 'run_jobs', kind: 'mysql', password: '',
      settings: { host: '127.0.0.1', port: 1, user: 'root', database: 'test', table: 'people', mode: 'full', retry: { attempts: 1, baseMs: 10, maxMs: 20 } },
    });
    assert.equal(src.statusCode, 201, src.body);
    const run = (await api('POST', `/sources/${src.json().id}/run?wait=true`, offA)).json();
    assert.equal(run.status, 'failed');
    const jobs = async (q: string, as = offA) => (await api('GET', `/ingest/jobs?${q}`, as)).json().items as { status: string; outcome: string; origin: string; sourceName: string; mode: string; error: string; rowsRead: number }[];
    const mine = await jobs(`source=${encodeURIComponent('断开的库')}`);
    assert.equal(mine.length, 1);
    assert.deepEqual([mine[0]!.status, mine[0]!.outcome, mine[0]!.origin, mine[0]!.sourceName, mine[0]!.mode, mine[0]!.rowsRead], ['failed', 'failed', 'source', 'source:断开的库', 'replace', 0]);
    assert.equal(mine[0]!.error, CONNECT_FAILED);
    assert.equal((await jobs('origin=source&outcome=failed')).length, 1);
    await api('POST', `/sources/${src.json().id}/run?wait=true`, offA);
    assert.equal((await jobs(`source=${encodeURIComponent('断开的库')}`)).length, 2);
    // another department sees none of it
    assert.deepEqual(await jobs('origin=source', offB), []);
  });
});
