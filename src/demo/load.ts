import path from 'node:path';
import { catalogReview, datasetAdmin, datasetByCode } from '../catalog/index.ts';
import { SYSTEM, type Caller, type Ctx } from '../kernel/index.ts';
import { departments, users } from '../identity/index.ts';
import { ingestFile, type IngestJob } from '../ingest/index.ts';
import { generateCity, type CityManifest } from './generate.ts';
import { CITY } from './city.ts';
import { BASE_DATASETS, DEPARTMENT_THEMES } from './departments.ts';
import { demoSharing } from './sharing.ts';
import { demoEntities } from './entities.ts';
import { demoRules } from './rules.ts';
import { demoPush } from './push.ts';
import { loadDemoGeography, type DemoGeoResult } from './geo.ts';
import { demoCases } from './cases.ts';
import { demoMonitor, type DemoMonitorResult } from './monitor.ts';
import { demoDashboards } from './dashboards.ts';

/** Password of every demo account (documented in the README). */
export const DEMO_PASSWORD = 'demo-pass-2026';
export const DEFAULT_DEMO_PEOPLE = 2000;

export interface DemoLoadResult {
  manifest: CityManifest;
  jobs: Array<{ file: string; dataset: string; job: IngestJob; expectedAccepted: number; expectedRejected: number }>;
  /** The city's areas down to the unit grid cells, and its grid workers. */
  geo: DemoGeoResult;
  cases: { cases: number; live: number; seconds: number };
  /** City-operations monitoring: sensor readings, indicators, alert rules, and where the planted anomalies' labels are. */
  monitor: DemoMonitorResult;
  seconds: number;
}

export interface DemoProgress {
  step: 'generate' | 'setup' | 'geo' | 'ingest' | 'cases' | 'monitor';
  done: number;
  total: number;
  label?: string;
}

/** Officer account name of a demo department, e.g. GA → officer_ga. */
export const officerName = (deptCode: string) => `officer_${deptCode.toLowerCase()}`;

async function ensureUser(ctx: Ctx, input: { username: string; displayName: string; role: Caller['role']; departmentId: string | null; idNumber?: string }): Promise<Caller> {
  const found = await ctx.db.one<{ id: string }>('SELECT id FROM users WHERE username = $1', [input.username]);
  const id = found?.id ?? (await users.create(ctx, SYSTEM, { ...input, password: DEMO_PASSWORD })).id;
  return { id, username: input.username, displayName: input.displayName, role: input.role, departmentId: input.departmentId };
}

/**
 * Load the demo city (示范市): generate its department files, create the departments, one officer
 * per department and a few other roles, register every dataset, then ingest every file through
 * the normal ingest pipeline as that department's officer. Idempotent: run again, it upserts.
 */
export async function loadDemo(ctx: Ctx, opts: { people?: number; seed?: number; onProgress?: (p: DemoProgress) => void } = {}): Promise<DemoLoadResult> {
  const t0 = performance.now();
  const outDir = path.join(ctx.config.dataDir, 'demo', 'source');
  opts.onProgress?.({ step: 'generate', done: 0, total: 1 });
  const manifest = await generateCity({ seed: opts.seed ?? 42, people: opts.people ?? DEFAULT_DEMO_PEOPLE, outDir });
  opts.onProgress?.({ step: 'generate', done: 1, total: 1 });

  const officers = new Map<string, Caller>();
  let done = 0;
  for (const d of manifest.departments) {
    const dept = (await departments.byCode(ctx, d.code)) ?? (await departments.create(ctx, SYSTEM, { code: d.code, name: d.fullName, nameEn: d.nameEn, regionCode: d.regionCode }));
    officers.set(d.code, await ensureUser(ctx, { username: officerName(d.code), displayName: `${d.name}数据专员`, role: 'officer', departmentId: dept.id }));
    for (const ds of d.datasets) {
      if (await datasetByCode(ctx.db, ds.code)) continue;
      await datasetAdmin.create(ctx, SYSTEM, {
        code: ds.code, name: ds.name, description: ds.description, departmentId: dept.id, layer: ds.layer, primaryKey: ds.primaryKey,
        updateCycle: ds.updateCycle, shareType: ds.shareType, openType: ds.openType, theme: DEPARTMENT_THEMES[d.code] ?? null,
        category: BASE_DATASETS.has(ds.code) ? 'base' : 'department', keywords: ds.keywords ?? [], resourceFormat: 'database',
        shareMethod: 'api', shareCondition: ds.shareType === 'conditional' ? '经数据局审批，限申请用途使用 / approved requests only, for the stated purpose' : null,
        openCondition: ds.openType === 'conditional' ? '注册并同意开放数据使用条款，经审核获得密钥 / register, accept the terms, and get an approved key' : null,
        contact: { name: `${d.name}数据专员`, phone: `${CITY.phoneAreaCode}-12345`, email: `data-${d.code.toLowerCase()}@${CITY.domain}` },
        fields: ds.fields.map((f) => ({ name: f.name, title: f.title, type: f.type, element: f.element, required: f.required, sensitivity: f.sensitivity, ...(f.open ? { open: f.open } : {}) })),
      });
      if (ds.review !== 'draft') await catalogReview.submit(ctx, SYSTEM, ds.code, { quiet: true });
      if (!ds.review) await catalogReview.publish(ctx, SYSTEM, ds.code, { quiet: true });
    }
    opts.onProgress?.({ step: 'setup', done: ++done, total: manifest.departments.length, label: d.name });
  }
  const first = manifest.departments[0];
  const firstDept = first && (await departments.byCode(ctx, first.code));
  await ensureUser(ctx, { username: 'analyst', displayName: '数据分析员', role: 'analyst', departmentId: firstDept?.id ?? null });
  const cg = await departments.byCode(ctx, 'CG');
  if (cg) await ensureUser(ctx, { username: 'handler', displayName: '网格员', role: 'handler', departmentId: cg.id });
  // the city's districts, streets, communities and unit grid cells, and the grid workers of 城管 (CG)
  const geo = await loadDemoGeography(ctx, { seed: opts.seed ?? 42, password: DEMO_PASSWORD, onProgress: (d, total, label) => opts.onProgress?.({ step: 'geo', done: d, total, label }) });

  const jobs: DemoLoadResult['jobs'] = [];
  done = 0;
  for (const f of manifest.files) {
    // A very small city can leave a department with no rows; its dataset simply stays empty.
    if (f.rowCount === 0) {
      opts.onProgress?.({ step: 'ingest', done: ++done, total: manifest.files.length, label: f.dataset });
      continue;
    }
    const ds = manifest.departments.flatMap((d) => d.datasets).find((x) => x.code === f.dataset)!;
    const job = await ingestFile(ctx, officers.get(f.department)!, {
      datasetCode: f.dataset,
      file: path.join(outDir, f.path),
      sourceName: path.basename(f.path),
      origin: 'demo',
      mode: ds.primaryKey.length ? 'upsert' : 'replace',
      format: f.format,
      encoding: f.encoding === 'gbk' ? 'gbk' : f.bom ? 'utf-8-bom' : 'utf-8',
      // the generator wrote these files a moment ago: read here, no parse process needed
      staged: true,
    });
    jobs.push({ file: f.path, dataset: f.dataset, job, expectedAccepted: f.expectedAccepted, expectedRejected: f.expectedRejected });
    opts.onProgress?.({ step: 'ingest', done: ++done, total: manifest.files.length, label: f.dataset });
  }
  // sharing between departments, and the citizen whose rows were read under a grant
  const idNumber = await demoSharing(ctx, officers);
  await ensureUser(ctx, { username: 'citizen', displayName: '市民', role: 'citizen', departmentId: null, ...(idNumber ? { idNumber } : {}) });
  // one person, one file: the profiles across departments
  await demoEntities(ctx);
  // the collision rules, their grants, and a first run (findings and work orders)
  await demoRules(ctx, officers);
  // proactive push: rules, a run each, the departments' second check, a citizen with a notice
  await demoPush(ctx, officers, (u) => ensureUser(ctx, u));
  // citizens' reports over a year: the dispatch centre, history, live cases, the classifier
  opts.onProgress?.({ step: 'cases', done: 0, total: 1 });
  const cases = await demoCases(ctx, { seed: opts.seed ?? 42, ensureUser: (u) => ensureUser(ctx, u) });
  opts.onProgress?.({ step: 'cases', done: 1, total: 1 });
  // city-operations monitoring: a year of sensor readings with labelled anomalies, indicators, alert rules
  opts.onProgress?.({ step: 'monitor', done: 0, total: 1 });
  const monitor = await demoMonitor(ctx, { seed: opts.seed ?? 42, outDir, officers, ensureUser: (u) => ensureUser(ctx, u) });
  // the ready 城市运行 dashboard over the cases, the alerts and these indicators
  await demoDashboards(ctx);
  opts.onProgress?.({ step: 'monitor', done: 1, total: 1 });
  return { manifest, jobs, geo, cases, monitor, seconds: (performance.now() - t0) / 1000 };
}

/** On first start: load the demo city when the platform holds no dataset yet. */
export async function loadDemoIfEmpty(ctx: Ctx, opts: Parameters<typeof loadDemo>[1] = {}): Promise<DemoLoadResult | null> {
  const n = await ctx.db.one<{ n: number }>('SELECT count(*)::int AS n FROM datasets');
  if (Number(n?.n) > 0) return null;
  return loadDemo(ctx, opts);
}
