/**
 * Case-handling benchmark sections that run the case service on a control plane:
 *
 * route — what the hotline form asks for each report (POST /cases/suggest): locate the point on the
 *   demo city's grid, classify the text with the model in service (trained by the service on the
 *   labelled messages filed as cases), route category + grid to a department. Per case, p50/p95, on
 *   the embedded control plane (PGlite) and on PostgreSQL in the same run.
 * list — the case list at 1,000,000 cases on PostgreSQL (the production control plane): the lists
 *   the console opens (the centre's newest, a status queue, a department's queue, a department's
 *   status tab, a grid cell, overdue), each 30 times, p95 over all; the peer is the same page with an
 *   exact count of every matching row (what a plain paged list does), in the same run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import pino from 'pino';
import pg from 'pg';
import { caseCategories, caseClassifier, cases, suggest } from '../src/apps/cases/index.ts';
import { geo } from '../src/geo/index.ts';
import { loadConfig, type Caller, SYSTEM } from '../src/kernel/index.ts';
import { departments } from '../src/identity/index.ts';
import { loadDemoGeography } from '../src/demo/geo.ts';
import { openPlatform, type Platform } from '../src/platform.ts';
import { Prng } from '../src/demo/prng.ts';
import { defaultPgUrl } from './_peers.ts';

type Log = (s: string) => void;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const r1 = (x: number) => Math.round(x * 10) / 10;

async function open(kind: 'pglite' | 'pg', prefix: string): Promise<{ p: Platform; close(): Promise<void> } | null> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  let schema: string | undefined;
  const url = kind === 'pg' ? defaultPgUrl() : undefined;
  if (url) {
    schema = `${prefix}_${process.pid}`;
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    try {
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    } catch {
      fs.rmSync(dir, { recursive: true, force: true });
      return null;
    }
  }
  const config = loadConfig({ dataDir: dir, databaseUrl: url, secretKey: 'bench-secret', adminPassword: 'bench-pass-2026' }, {});
  const p = await openPlatform(config, { log: pino({ level: 'silent' }), schema });
  return {
    p,
    async close() {
      await p.close();
      if (url && schema) {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The labelled messages filed as closed cases of their category, so the service trains on them as on its own history. */
async function fileMessages(p: Platform, file: string): Promise<{ title: string; text: string }[]> {
  const rows = parse(fs.readFileSync(file, 'utf8').replace(/^\ufeff/, ''), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  await caseCategories.ensure(p);
  const byName = new Map((await caseCategories.list(p, { kind: 'hotline' })).map((c) => [c.name, c.code]));
  let i = 0;
  for (const r of rows) {
    const code = byName.get(r.category!);
    if (!code) continue;
    await p.db.query(
      `INSERT INTO cases (id, code, channel, status, urgency, title, text, category_code, suggested_category, reported_at, dispatched_at, created_at, updated_at)
       VALUES (gen_random_uuid(), $1, 'import', 'closed', 'normal', $2, $3, $4, $4, now(), now(), now(), now())`,
      [`AJ-20200101-${String(i++).padStart(5, '0')}`, (r.title ?? '').slice(0, 100), r.text ?? '', code],
    );
  }
  return rows.map((r) => ({ title: r.title ?? '', text: r.text ?? '' }));
}

async function routeOn(kind: 'pglite' | 'pg', messagesFile: string, log: Log): Promise<{ p50: number; p95: number; n: number } | null> {
  const h = await open(kind, 'bench_cases_route');
  if (!h) {
    log(`route (${kind}): no control plane; skipped`);
    return null;
  }
  try {
    const { p } = h;
    await loadDemoGeography(p, { seed: 42, password: 'bench-pass-2026' });
    const msgs = await fileMessages(p, messagesFile);
    const model = await caseClassifier.train(p);
    const cells = await p.db.query<{ lng: number; lat: number }>(`SELECT center_lng AS lng, center_lat AS lat FROM geo_areas WHERE level = 'grid'`);
    const rng = new Prng(7);
    const times: number[] = [];
    // warm: the model and the grid are loaded on first use
    await suggest(p, msgs[0]!.title, msgs[0]!.text, null, null);
    await geo.locate(p, cells[0]!.lng, cells[0]!.lat);
    for (let round = 0; round < 2; round++) {
      for (const m of msgs) {
        const cell = rng.pick(cells);
        const t0 = performance.now();
        const place = await geo.locate(p, cell.lng + (rng.next() - 0.5) * 0.002, cell.lat + (rng.next() - 0.5) * 0.002);
        await suggest(p, m.title, m.text, null, place.grid?.code ?? place.district?.code ?? null);
        times.push(performance.now() - t0);
      }
    }
    const out = { p50: r1(pct(times, 50)), p95: r1(pct(times, 95)), n: times.length };
    log(`route (${kind}): ${out.n} reports located, classified and routed: p50 ${out.p50} ms, p95 ${out.p95} ms (model: ${model.examples} cases, ${model.categories} categories, trained in ${model.seconds.toFixed(2)} s)`);
    return out;
  } finally {
    await h.close();
  }
}

export async function routeSection(log: Log, messagesFile: string): Promise<Record<string, number> | null> {
  if (!fs.existsSync(messagesFile)) return null;
  const lite = await routeOn('pglite', messagesFile, log);
  const pgr = await routeOn('pg', messagesFile, log);
  if (!lite) return null;
  return { route_p95_ms: lite.p95, route_p50_ms: lite.p50, ...(pgr ? { route_p95_ms_postgres: pgr.p95, ratio_route_pglite_vs_postgres: Math.round((lite.p95 / pgr.p95) * 100) / 100 } : {}) };
}

/** `n` cases written by the server itself (INSERT … SELECT over generate_series), spread over departments, statuses, categories, cells and a year. */
async function fill(p: Platform, n: number, log: Log): Promise<{ depts: string[]; grids: string[] }> {
  await caseCategories.ensure(p);
  const depts: string[] = [];
  for (const code of ['RX', 'CG', 'ZJ', 'HB', 'JT', 'RS', 'JY', 'WJ', 'SC', 'GA']) depts.push((await departments.create(p, SYSTEM, { code, name: `${code}局`, regionCode: '330100' })).id);
  await caseCategories.setCentre(p, SYSTEM, depts[0]!);
  const cats = (await caseCategories.list(p)).map((c) => c.code);
  const grids = Array.from({ length: 800 }, (_, i) => `330106${String(1 + (i % 8)).padStart(3, '0')}${String(1 + Math.floor(i / 8) % 10).padStart(3, '0')}${String(1 + Math.floor(i / 80)).padStart(3, '0')}`);
  const t0 = performance.now();
  const chunk = 100_000;
  for (let from = 0; from < n; from += chunk) {
    await p.db.query(
      `INSERT INTO cases (id, code, channel, status, urgency, title, text, category_code, department_id, grid_code, district_code, address, reported_at, dispatched_at, due_at, created_at, updated_at)
       SELECT gen_random_uuid(), 'AJ-B-' || lpad(i::text, 8, '0'),
         (ARRAY['hotline','web','grid','import','open311'])[1 + i % 5],
         (ARRAY['pending','dispatched','handling','returned','answered','closed','closed','closed','closed','closed','invalid','merged'])[1 + (i * 7) % 12],
         CASE WHEN i % 13 = 0 THEN 'urgent' ELSE 'normal' END,
         '反映问题 ' || i, '市民反映的问题内容 ' || i,
         ($1::text[])[1 + (i * 31) % array_length($1::text[], 1)],
         ($2::uuid[])[2 + (i * 17) % (array_length($2::uuid[], 1) - 1)],
         ($3::text[])[1 + (i * 101) % array_length($3::text[], 1)], '330106', '示范市某路',
         now() - ((i % 365) || ' days')::interval - ((i % 1440) || ' minutes')::interval,
         now() - ((i % 365) || ' days')::interval, now() - ((i % 365) || ' days')::interval + interval '10 days',
         now() - ((i % 365) || ' days')::interval - ((i % 1440) || ' minutes')::interval, now()
       FROM generate_series($4::int, $5::int) AS i`,
      [cats, depts, grids, from, Math.min(n, from + chunk) - 1],
    );
    log(`list: ${Math.min(n, from + chunk).toLocaleString()} cases written`);
  }
  await p.db.query('ANALYZE cases');
  log(`list: ${n.toLocaleString()} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { depts, grids };
}

export async function listSection(log: Log, n: number): Promise<Record<string, number> | null> {
  const h = await open('pg', 'bench_cases_list');
  if (!h) {
    log('list: PostgreSQL not reachable; skipped');
    return null;
  }
  try {
    const { p } = h;
    const { depts, grids } = await fill(p, n, log);
    const centre: Caller = { id: null, username: 'centre', displayName: '派单员', role: 'officer', departmentId: depts[0]! };
    const dept = (i: number): Caller => ({ id: null, username: 'dept', displayName: '办件员', role: 'handler', departmentId: depts[1 + (i % (depts.length - 1))]! });
    const shapes: [string, (i: number) => Promise<unknown>][] = [
      ['centre: newest', () => cases.list(p, centre, {})],
      ['centre: pending queue', () => cases.list(p, centre, { status: 'pending' })],
      ['centre: returned queue', () => cases.list(p, centre, { status: 'returned' })],
      ['department: its cases', (i) => cases.list(p, dept(i), { scope: 'department' })],
      ['department: handling tab', (i) => cases.list(p, dept(i), { scope: 'department', status: 'handling' })],
      ['centre: a grid cell', (i) => cases.list(p, centre, { grid: grids[i % grids.length] })],
      ['centre: overdue', () => cases.list(p, centre, { overdue: true })],
      ['centre: page 50', () => cases.list(p, centre, { offset: 2500 })],
    ];
    const all: number[] = [];
    const exact: number[] = [];
    for (const [name, run] of shapes) {
      const ts: number[] = [];
      await run(0);
      for (let i = 0; i < 30; i++) {
        const t0 = performance.now();
        await run(i);
        ts.push(performance.now() - t0);
      }
      all.push(...ts);
      log(`list: ${name.padEnd(26)} p50 ${r1(pct(ts, 50))} ms, p95 ${r1(pct(ts, 95))} ms`);
    }
    // the peer: the same first page of the centre's newest with an exact count of all rows
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      await Promise.all([
        p.db.query(`SELECT c.* FROM cases c LEFT JOIN workorders w ON w.id = c.workorder_id ORDER BY c.created_at DESC, c.id DESC LIMIT 50`),
        p.db.one(`SELECT count(*)::int AS n FROM cases c LEFT JOIN workorders w ON w.id = c.workorder_id`),
      ]);
      exact.push(performance.now() - t0);
    }
    const p95 = r1(pct(all, 95));
    const peer = r1(pct(exact, 95));
    log(`list: all shapes p95 ${p95} ms; exact-count page p95 ${peer} ms`);
    return { case_list_p95_ms: p95, case_list_cases: n, case_list_exact_count_p95_ms: peer, ratio_list_vs_exact_count: Math.round((peer / p95) * 100) / 100 };
  } finally {
    await h.close();
  }
}
