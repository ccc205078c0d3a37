/**
 * The demo city's monitoring (src/demo/monitor.ts), on PGlite and PostgreSQL: a year of readings per
 * station lands as one version per sensor dataset, the planted anomalies' labels are written to
 * truth/monitor.json exactly as the generator made them (and the detectors find them), the
 * indicators and alert rules exist, the episodes going on at load time are firing alerts (the water
 * level one with a work order), and loading again adds nothing.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { detectAnomalies, precisionRecall } from '../../../src/apps/monitor/anomaly/index.ts';
import { DEMO_ALERT_RULES, DEMO_STREAMS, demoMonitor, demoSensorSeries, type DemoMonitorResult } from '../../../src/demo/monitor.ts';
import { departments, ensureAdmin, users } from '../../../src/identity/index.ts';
import { drivers, openTestPlatform, SYSTEM, type Caller, type TestPlatform } from '../../helpers/platform.ts';

const NOW = new Date('2026-03-02T10:20:00Z');
const SEED = 9;

for (const driver of drivers()) {
  describe(`demo monitoring (${driver})`, () => {
    let p: TestPlatform;
    let first: DemoMonitorResult;
    const officers = new Map<string, Caller>();
    const ensureUser = async (u: { username: string; displayName: string; role: Caller['role']; departmentId: string | null }): Promise<Caller> => {
      const found = await p.db.one<{ id: string }>('SELECT id FROM users WHERE username = $1', [u.username]);
      const id = found?.id ?? (await users.create(p, SYSTEM, { ...u, password: 'demo-pass-2026' })).id;
      return { id, username: u.username, displayName: u.displayName, role: u.role, departmentId: u.departmentId };
    };
    const load = () => demoMonitor(p, { seed: SEED, now: NOW, outDir: path.join(p.config.dataDir, 'demo', 'source'), officers, ensureUser });
    const count = async (sql: string) => Number((await p.db.one<{ n: number }>(sql))!.n);

    before(async () => {
      p = await openTestPlatform(driver);
      await ensureAdmin(p);
      for (const [code, name] of [['HB', '生态环境局'], ['JT', '交通运输局']]) {
        const d = await departments.create(p, SYSTEM, { code, name, regionCode: '330100' });
        officers.set(code, await ensureUser({ username: `officer_${code.toLowerCase()}`, displayName: name, role: 'officer', departmentId: d.id }));
      }
      first = await load();
    });
    after(() => p.close());

    test('a year of readings per station, one version per sensor dataset; 水利局 made for the gauges', async () => {
      assert.deepEqual(first.datasets, DEMO_STREAMS.map((s) => s.dataset));
      const series = demoSensorSeries(SEED, NOW.getTime());
      const expected = series.reduce((n, s) => n + s.values.filter(Number.isFinite).length, 0);
      assert.equal(first.readings, expected);
      for (const s of DEMO_STREAMS) {
        const v = await p.db.one<{ version: number; row_count: number }>(`SELECT v.version, v.row_count FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE d.code = $1 ORDER BY v.version DESC LIMIT 1`, [s.dataset]);
        assert.equal(v?.version, 1, `${s.dataset}: one version`);
        assert.equal(Number(v?.row_count), series.filter((x) => x.dataset === s.dataset).reduce((n, x) => n + x.values.filter(Number.isFinite).length, 0));
      }
      assert.ok(await departments.byCode(p, 'SL'), '水利局 exists');
      // the last reading is the hour before the load
      const last = series[0]!.times.at(-1)!;
      assert.equal(last, Math.floor(NOW.getTime() / 3_600_000) * 3_600_000 - 3_600_000);
    });

    test('the labels are written as the generator planted them, and the detectors find them', async () => {
      const truth = JSON.parse(fs.readFileSync(first.truthFile, 'utf8')) as { series: { dataset: string; device: string; labels: { kind: string; start: string; end: string }[] }[] };
      const series = demoSensorSeries(SEED, NOW.getTime());
      assert.equal(truth.series.length, series.length);
      assert.equal(first.labels, series.reduce((n, s) => n + s.labels.length, 0));
      let tp = 0, events = 0, found = 0, labels = 0;
      for (const s of series) {
        const t = truth.series.find((x) => x.device === s.device)!;
        assert.deepEqual(t.labels.map((l) => [l.kind, Date.parse(l.start), Date.parse(l.end)]), s.labels.map((l) => [l.kind, l.start, l.end]), s.device);
        assert.ok(s.labels.length >= 40, `${s.device}: anomalies planted`);
        const e = detectAnomalies(s.times, s.values);
        const pr = precisionRecall(e, s.labels, 3 * 3_600_000);
        tp += pr.truePositives; events += e.length; found += s.labels.length - pr.missed; labels += s.labels.length;
      }
      assert.ok(tp / events >= 0.85, `precision ${tp / events}`);
      assert.ok(found / labels >= 0.85, `recall ${found / labels}`);
    });

    test('indicators and rules exist; the episodes going on now are firing alerts', async () => {
      assert.deepEqual(first.indicators, ['AQ_PM25_HOURLY', 'WATER_LEVEL_MAX', 'TRAFFIC_FLOW'], 'no CG_SRAJ here: no case indicator');
      assert.deepEqual(first.rules, DEMO_ALERT_RULES.map((r) => r.code));
      const pts = await p.db.query<{ code: string; points: number; trigger: string }>(`SELECT code, points, trigger FROM indicators ORDER BY code`);
      for (const i of pts) {
        assert.ok(i.points > 20_000, `${i.code}: ${i.points} points`);
        assert.equal(i.trigger, 'arrival');
      }
      const alerts = await p.db.query<{ code: string; level: string; state: string; workorder_id: string | null; series: Record<string, string> }>(
        `SELECT r.code, a.level, a.state, a.workorder_id, a.series FROM alerts a JOIN alert_rules r ON r.id = a.rule_id ORDER BY r.code`);
      const aq = alerts.filter((a) => a.code === 'AQ_PM25_HIGH');
      const water = alerts.filter((a) => a.code === 'WATER_LEVEL_WARN');
      assert.ok(aq.some((a) => a.state === 'firing' && a.level === 'warning'), JSON.stringify(alerts));
      assert.ok(water.some((a) => a.state === 'firing' && a.level === 'critical' && a.workorder_id), JSON.stringify(alerts));
    });

    test('loading again adds nothing', async () => {
      const before = await Promise.all([
        count(`SELECT count(*)::int AS n FROM dataset_versions`), count(`SELECT count(*)::int AS n FROM indicators`),
        count(`SELECT count(*)::int AS n FROM alert_rules`), count(`SELECT count(*)::int AS n FROM alerts`), count(`SELECT count(*)::int AS n FROM workorders`),
      ]);
      const again = await demoMonitor(p, { seed: SEED, now: new Date(NOW.getTime() + 86_400_000), outDir: path.join(p.config.dataDir, 'demo', 'source'), officers, ensureUser });
      assert.deepEqual([again.datasets, again.indicators, again.rules, again.readings], [[], [], [], 0]);
      const afterwards = await Promise.all([
        count(`SELECT count(*)::int AS n FROM dataset_versions`), count(`SELECT count(*)::int AS n FROM indicators`),
        count(`SELECT count(*)::int AS n FROM alert_rules`), count(`SELECT count(*)::int AS n FROM alerts`), count(`SELECT count(*)::int AS n FROM workorders`),
      ]);
      assert.deepEqual(afterwards, before);
      const truth = JSON.parse(fs.readFileSync(first.truthFile, 'utf8')) as { start: string };
      assert.equal(truth.start, new Date(demoSensorSeries(SEED, NOW.getTime())[0]!.times[0]!).toISOString(), 'the truth of the readings kept');
    });
  });
}
