/**
 * One linkage run as named DuckDB stages: gather the source records (through share's entity-index
 * read), derive the kind's features, train or load the model, score candidate pairs — all of them
 * (full) or only pairs touching records that changed since the last run (incremental) — then
 * cluster under people's decisions and give the clusters their stable ids.
 *
 * Artefacts live under <dataDir>/entity/<kind>/: model/ (trained parameters and term frequencies),
 * features.parquet (one row per source record), pairs.parquet (scored pairs worth keeping),
 * members.parquet (record → cluster id). A run writes new files beside the old ones and renames
 * them into place only when everything succeeded.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Dataset } from '../catalog/index.ts';
import { datasetByCode } from '../catalog/index.ts';
import type { Ctx } from '../kernel/index.ts';
import { ident, literal, maskSql, type StageRunner } from '../lake/index.ts';
import { entitySourceScan } from '../share/index.ts';
import type { EntityKind } from './kinds.ts';
import { ID_PREFIX } from './kinds.ts';
import { Linker } from './link/index.ts';
import { clusterPairs } from './linkKind.ts';
import type { TrainedModel } from './link/types.ts';
import { KIND_MODELS } from './models.ts';
import { entitySources, type EntitySource } from './sources.ts';

export type RunMode = 'full' | 'incremental' | 'recluster';

export interface RunStats {
  records: number;
  changed: number;
  pairs: number;
  links: number;
  clusters: number;
  newClusters: number;
  merged: number;
  review: number;
  seconds: number;
  timings: Record<string, number>;
}

export const entityDir = (ctx: Ctx, kind: EntityKind) => path.join(ctx.lake.dataDir, 'entity', kind);
const file = (dir: string, name: string) => path.join(dir, name);
const exists = (f: string) => fs.existsSync(f);

/** The raw records of one source role, with the record id: dataset code + keyed pseudonym of its key and role. */
function roleSelect(ctx: Ctx, ds: Dataset, src: EntitySource, role: EntitySource['roles'][number], scan: string, version: number, inputs: string[]): string {
  const key = `to_json([${ds.primaryKey.map((k) => `CAST(${ident(k)} AS VARCHAR)`).join(', ')}])::VARCHAR`;
  const rid = `${literal(ds.code + ':')} || ${maskSql('pseudonym', `${key} || ${literal('#' + role.role)}`, { key: ctx.config.secretKey ?? '' })}`;
  const cols = inputs.map((i) => `${role.fields[i] ? `NULLIF(trim(CAST(${ident(role.fields[i]!)} AS VARCHAR)), '')` : 'NULL::VARCHAR'} AS ${ident(i)}`);
  return `SELECT ${rid} AS rid, ${literal(ds.code)} AS source, ${literal(ds.id)} AS dataset_id, ${src.trust} AS trust, ${version} AS version, ${key} AS record_key, ${literal(role.role)} AS role, ${cols.join(', ')}
    FROM ${scan} WHERE ${ident(role.fields.name!)} IS NOT NULL`;
}

export interface PipelineInput {
  kind: EntityKind;
  runId: string;
  mode: RunMode;
  retrain: boolean;
  /** must-links and cannot-links from people's decisions */
  mustLink: Array<[string, string]>;
  cannotLink: Array<[string, string]>;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface PipelineResult {
  stats: RunStats;
  versions: Map<string, number>;
  /** Changes of membership to apply to the control plane. */
  members: Array<{ rid: string; cluster_id: string; dataset_id: string; record_key: string; role: string; version: number; updated_at: string | null }>;
  removed: string[];
  aliases: Array<{ old_id: string; new_id: string }>;
  review: Array<{ rid_l: string; rid_r: string; p: number; w: number }>;
  /** Put the new artefacts in place (after the control plane took the result), or drop them. */
  commit(): void;
  discard(): void;
}

const STAGES = ['gather', 'features', 'model', 'pairs', 'cluster', 'ids', 'save'];

/** Run the stages; nothing is written to the control plane here (the caller applies the result in one transaction). */
export async function runPipeline(ctx: Ctx, run: StageRunner, input: PipelineInput): Promise<PipelineResult> {
  const t0 = performance.now();
  const { kind } = input;
  const km = KIND_MODELS[kind];
  const dir = entityDir(ctx, kind);
  fs.mkdirSync(dir, { recursive: true });
  // the index's own work files (never a dataset file: those are read through share)
  const pq = (f: string) => ctx.lake.workScan(f);
  const step = (i: number) => input.onProgress?.(STAGES[i]!, i, STAGES.length);
  const prev = { features: file(dir, 'features.parquet'), pairs: file(dir, 'pairs.parquet'), members: file(dir, 'members.parquet') };
  const hasPrev = exists(prev.features) && exists(prev.pairs) && exists(prev.members);
  const mode: RunMode = !hasPrev ? 'full' : input.mode;
  const versions = new Map<string, number>();

  // 1. gather: every enabled source's current version, each role a block of records
  step(0);
  if (mode === 'recluster') {
    await run.run('gather', `CREATE OR REPLACE TEMP TABLE feat AS SELECT * FROM ${pq(prev.features)}`);
  } else {
    const parts: string[] = [];
    for (const src of (await entitySources.list(ctx, kind)).filter((s) => s.enabled)) {
      const ds = await datasetByCode(ctx.db, src.datasetCode);
      if (!ds) continue;
      const fields = [...ds.primaryKey, ...src.roles.flatMap((r) => Object.values(r.fields).filter((f): f is string => !!f))];
      const sc = await entitySourceScan(ctx, ds, { kind, runId: input.runId, fields });
      if (!sc) continue;
      versions.set(ds.id, sc.version);
      for (const role of src.roles) parts.push(roleSelect(ctx, ds, src, role, sc.scan, sc.version, km.inputs));
    }
    const none = `SELECT NULL::VARCHAR AS rid, NULL::VARCHAR AS source, NULL::VARCHAR AS dataset_id, 0 AS trust, 0 AS version, NULL::VARCHAR AS record_key, NULL::VARCHAR AS role, ${km.inputs.map((i) => `NULL::VARCHAR AS ${ident(i)}`).join(', ')} WHERE false`;
    // a record met twice (the same key and role in two rows) is kept once
    await run.run('gather', `CREATE OR REPLACE TEMP TABLE raw AS SELECT DISTINCT ON (rid) * FROM (${parts.length ? parts.join('\nUNION ALL BY NAME\n') : none}) ORDER BY rid`);
    // 2. features of the kind (Chinese-aware normalisation), one row per record
    step(1);
    await km.features(run, 'raw', 'feat_core');
    await run.run('features', `CREATE OR REPLACE TEMP TABLE feat AS SELECT f.*, r.dataset_id, r.trust, r.version, r.record_key, r.role FROM feat_core f JOIN raw r USING (rid) ORDER BY rid`);
  }
  const records = Number((await run.rows<{ n: number }>('count', 'SELECT count(*) AS n FROM feat'))[0]!.n);

  // 3. the model: trained once and kept (so an incremental run scores exactly as a full one), or trained again
  step(2);
  const linker = new Linker(run, km.settings, { onProgress: input.onProgress });
  const modelDir = file(dir, 'model');
  let model: TrainedModel;
  if (input.retrain || !exists(file(modelDir, 'model.json'))) {
    model = await linker.train('feat');
    if (km.tune) model = km.tune(model);
    await linker.saveModel(model, modelDir);
  } else model = await Linker.loadModel(run, modelDir);

  // 4. scored pairs
  step(3);
  const keep = Math.min(km.settings.reviewBand?.[0] ?? km.settings.threshold, km.settings.threshold);
  let changed = 0;
  if (mode === 'recluster') {
    await run.run('pairs', `CREATE OR REPLACE TEMP TABLE pairs AS SELECT * FROM ${pq(prev.pairs)}`);
  } else if (mode === 'full') {
    const t = await linker.predict(model, 'feat', { minProbability: keep, out: 'scored' });
    await run.run('pairs', `CREATE OR REPLACE TEMP TABLE pairs AS SELECT * FROM ${t}`);
    changed = records;
  } else {
    // records new, changed or gone since the last run; only pairs touching them are scored again
    const cols = (await run.rows<{ column_name: string }>('columns', `SELECT column_name FROM (DESCRIBE feat_core)`)).map((c) => ident(c.column_name));
    await run.run('changed', `CREATE OR REPLACE TEMP TABLE changed AS
      SELECT rid FROM (SELECT ${cols.join(', ')} FROM feat_core EXCEPT SELECT ${cols.join(', ')} FROM ${pq(prev.features)})
      UNION SELECT rid FROM ${pq(prev.features)} WHERE rid NOT IN (SELECT rid FROM feat)`);
    changed = Number((await run.rows<{ n: number }>('count', 'SELECT count(*) AS n FROM changed'))[0]!.n);
    const t = await linker.predict(model, 'feat', { involving: 'changed', minProbability: keep, out: 'scored' });
    await run.run('pairs', `CREATE OR REPLACE TEMP TABLE pairs AS
      SELECT * FROM ${pq(prev.pairs)} WHERE rid_l NOT IN (SELECT rid FROM changed) AND rid_r NOT IN (SELECT rid FROM changed)
      UNION ALL BY NAME SELECT * FROM ${t}`);
  }

  // 5. clusters: links above the threshold under people's decisions and the one-key rule
  step(4);
  let previous: { clusters: string; touched: string } | undefined;
  if (mode === 'incremental') {
    // the last run's clusters by their smallest record (as connected components label them)
    await run.run('cluster', `CREATE OR REPLACE TEMP TABLE prev_cc AS SELECT rid, min(rid) OVER (PARTITION BY cluster_id) AS cluster FROM ${pq(prev.members)}`);
    previous = { clusters: 'prev_cc', touched: 'changed' };
  }
  const { links } = await clusterPairs(run, km, { features: 'feat', pairs: 'pairs', mustLink: input.mustLink, cannotLink: input.cannotLink, out: 'cc', previous });

  // 6. stable ids
  step(5);
  const ids = await stableIds(run, kind, input.runId, hasPrev ? pq(prev.members) : null);

  // 7. save the artefacts (new files renamed into place) and collect what the control plane needs
  step(6);
  const next = { features: `${prev.features}.next`, pairs: `${prev.pairs}.next`, members: `${prev.members}.next` };
  await run.run('save', `COPY (SELECT * FROM feat ORDER BY rid) TO ${literal(next.features)} (FORMAT parquet, COMPRESSION zstd)`);
  await run.run('save', `COPY (SELECT * FROM pairs ORDER BY rid_l, rid_r) TO ${literal(next.pairs)} (FORMAT parquet, COMPRESSION zstd)`);
  await run.run('save', `COPY (SELECT m.rid, m.cluster_id, f.dataset_id, f.record_key, f.role, f.version, NULL::VARCHAR AS updated_at FROM members m JOIN feat f USING (rid) ORDER BY rid) TO ${literal(next.members)} (FORMAT parquet)`);
  const prevMembers = hasPrev ? pq(prev.members) : `(SELECT NULL::VARCHAR AS rid, NULL::VARCHAR AS cluster_id, NULL::VARCHAR AS dataset_id, NULL::VARCHAR AS record_key, NULL::VARCHAR AS role, 0 AS version, NULL::VARCHAR AS updated_at WHERE false)`;
  const members = await run.rows<PipelineResult['members'][number]>('members', `SELECT rid, cluster_id, dataset_id, record_key, role, version, CAST(updated_at AS VARCHAR) AS updated_at FROM ${pq(next.members)}
    EXCEPT SELECT rid, cluster_id, dataset_id, record_key, role, version, CAST(updated_at AS VARCHAR) FROM ${prevMembers}`);
  const removed = (await run.rows<{ rid: string }>('members', `SELECT rid FROM ${prevMembers} WHERE rid NOT IN (SELECT rid FROM feat)`)).map((r) => r.rid);
  const band = km.settings.reviewBand;
  const review = band
    ? await run.rows<{ rid_l: string; rid_r: string; p: number; w: number }>('review', `SELECT rid_l, rid_r, match_probability AS p, match_weight AS w FROM pairs
        WHERE match_probability >= ${band[0]} AND match_probability < ${band[1]} AND NOT deterministic
          AND NOT EXISTS (SELECT 1 FROM decided d WHERE d.l = rid_l AND d.r = rid_r) ORDER BY rid_l, rid_r`)
    : [];
  const clusters = Number((await run.rows<{ n: number }>('count', 'SELECT count(DISTINCT cluster_id) AS n FROM members'))[0]!.n);
  return {
    commit: () => { for (const k of ['features', 'pairs', 'members'] as const) fs.renameSync(next[k], prev[k]); },
    discard: () => { for (const k of ['features', 'pairs', 'members'] as const) fs.rmSync(next[k], { force: true }); },
    versions, members, removed, aliases: ids.aliases, review,
    stats: {
      records, changed, pairs: Number((await run.rows<{ n: number }>('count', 'SELECT count(*) AS n FROM pairs'))[0]!.n), links, clusters,
      newClusters: ids.created, merged: ids.aliases.length, review: review.length,
      seconds: Math.round((performance.now() - t0) / 10) / 100, timings: Object.fromEntries([...run.timings].map(([k, v]) => [k, Math.round(v)])),
    },
  };
}

/**
 * Stable cluster ids. Each earlier id goes to the new component holding most of its records (ties:
 * the smaller component label); a component claimed by several earlier ids keeps the one with most
 * records (ties: the smaller id) — the others become aliases pointing to it (a merge). A component
 * no earlier id claims (new records, or the smaller part of a split) gets a new id.
 */
async function stableIds(run: StageRunner, kind: EntityKind, runId: string, prevMembers: string | null): Promise<{ aliases: Array<{ old_id: string; new_id: string }>; created: number }> {
  const prev = prevMembers ?? `(SELECT NULL::VARCHAR AS rid, NULL::VARCHAR AS cluster_id WHERE false)`;
  await run.run('ids', `CREATE OR REPLACE TEMP TABLE overlap AS
    SELECT p.cluster_id AS old, c.cluster AS comp, count(*) AS n FROM cc c JOIN ${prev} p USING (rid) GROUP BY ALL`);
  await run.run('ids', `CREATE OR REPLACE TEMP TABLE claims AS
    SELECT old, comp, n FROM (SELECT *, row_number() OVER (PARTITION BY old ORDER BY n DESC, comp) AS k FROM overlap) WHERE k = 1`);
  await run.run('ids', `CREATE OR REPLACE TEMP TABLE kept AS
    SELECT comp, old FROM (SELECT *, row_number() OVER (PARTITION BY comp ORDER BY n DESC, old) AS k FROM claims) WHERE k = 1`);
  // new ids: the kind's letter and 20 hex digits of a hash of the run and the component's label
  await run.run('ids', `CREATE OR REPLACE TEMP TABLE members AS
    SELECT c.rid, coalesce(k.old, ${literal(ID_PREFIX[kind])} || upper(substr(md5(${literal(runId)} || c.cluster), 1, 20))) AS cluster_id
      FROM cc c LEFT JOIN kept k ON k.comp = c.cluster`);
  const aliases = await run.rows<{ old_id: string; new_id: string }>('ids', `SELECT DISTINCT c.old AS old_id, m.cluster_id AS new_id FROM claims c
    JOIN kept k ON k.comp = c.comp JOIN members m ON m.rid = (SELECT min(rid) FROM cc WHERE cluster = c.comp)
    WHERE c.old <> k.old ORDER BY 1`);
  const created = Number((await run.rows<{ n: number }>('ids', `SELECT count(DISTINCT c.cluster) AS n FROM cc c LEFT JOIN kept k ON k.comp = c.cluster WHERE k.old IS NULL`))[0]!.n);
  return { aliases, created };
}
