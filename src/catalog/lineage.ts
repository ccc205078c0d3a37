import { type Caller, type Ctx, managesDepartment } from '../kernel/index.ts';
import { DATASET_SELECT, datasets, toDataset } from './datasets.ts';
import { seesEntry } from './visibility.ts';
import type { Dataset } from './types.ts';

export type LineageKind = 'dataset' | 'version' | 'job' | 'source' | 'file' | 'push' | 'other';
export interface LineageNode { id: string; kind: LineageKind; label: string; detail?: Record<string, unknown> }
export interface LineageEdge { from: string; to: string; kind: 'ingested' | 'wrote' | 'version-of' | 'checked-against' | 'derived' }
export interface Lineage { dataset: string; nodes: LineageNode[]; edges: LineageEdge[] }

interface VersionRow { version: number; parent_version: number | null; mode: string; row_count: number | string; created_at: Date; job_id: string | null; origin: string | null; source_name: string | null; score: number | string | null; source_id: string | null; source: string | null; source_kind: string | null }

/** How many recent versions the graph shows. */
const VERSIONS_SHOWN = 20;

/**
 * Where a dataset's data came from and what uses it: its recent versions, the job that wrote each
 * and that job's origin (a connector source, an uploaded file, the push API); the datasets its
 * rules check against and those whose rules check against it; versions derived from other
 * datasets (lineage_links) both ways. Datasets the caller may not see are left out; jobs, sources
 * and files only for its department and the admin.
 */
export async function lineage(ctx: Ctx, caller: Caller, code: string): Promise<Lineage> {
  const ds = await datasets.get(ctx, caller, code);
  const workings = managesDepartment(caller, ds.departmentId);
  const nodes = new Map<string, LineageNode>();
  const edges: LineageEdge[] = [];
  const dsNode = (d: Dataset) => {
    const id = `dataset:${d.code}`;
    nodes.set(id, { id, kind: 'dataset', label: d.name, detail: { code: d.code, department: d.departmentName, layer: d.layer, status: d.status } });
    return id;
  };
  const self = dsNode(ds);

  const versions = await ctx.db.query<VersionRow>(
    `SELECT v.version, v.parent_version, v.mode, v.row_count, v.created_at, v.job_id, j.origin, j.source_name, (j.quality->>'score')::float8 AS score,
        s.id AS source_id, s.name AS source, s.kind AS source_kind
     FROM dataset_versions v LEFT JOIN ingest_jobs j ON j.id = v.job_id
     LEFT JOIN LATERAL (SELECT s.id, s.name, s.kind FROM source_runs r JOIN sources s ON s.id = r.source_id
                        WHERE r.job_ids @> to_jsonb(ARRAY[v.job_id::text]) LIMIT 1) s ON true
     WHERE v.dataset_id = $1 ORDER BY v.version DESC LIMIT ${VERSIONS_SHOWN}`,
    [ds.id],
  );
  for (const v of versions) {
    const vid = `version:${ds.code}:${v.version}`;
    nodes.set(vid, { id: vid, kind: 'version', label: `v${v.version}`, detail: { mode: v.mode, rows: Number(v.row_count), createdAt: new Date(v.created_at).toISOString() } });
    edges.push({ from: vid, to: self, kind: 'version-of' });
    if (!workings || !v.job_id) continue;
    const jid = `job:${v.job_id}`;
    nodes.set(jid, { id: jid, kind: 'job', label: v.source_name ?? v.job_id, detail: { jobId: v.job_id, origin: v.origin, quality: v.score === null ? null : Number(v.score) } });
    edges.push({ from: jid, to: vid, kind: 'wrote' });
    const origin = v.source_id
      ? { id: `source:${v.source_id}`, kind: 'source' as const, label: v.source ?? '', detail: { sourceId: v.source_id, kind: v.source_kind } }
      : v.origin === 'push' ? { id: `push:${ds.code}`, kind: 'push' as const, label: '推送接口 / push API' }
        : v.origin === 'upload' || v.origin === 'cli' ? { id: `file:${v.source_name}`, kind: 'file' as const, label: v.source_name ?? '', detail: { origin: v.origin } }
          : { id: `other:${v.origin}`, kind: 'other' as const, label: v.origin ?? '' };
    nodes.set(origin.id, origin);
    edges.push({ from: origin.id, to: jid, kind: 'ingested' });
  }

  // rules that check rows against another dataset (reference rules), both ways
  const refs = await ctx.db.query<{ from_code: string; to_code: string }>(
    `SELECT a.code AS from_code, r->>'dataset' AS to_code FROM ingest_settings s JOIN datasets a ON a.id = s.dataset_id,
       jsonb_array_elements(coalesce(s.rules->'references', '[]'::jsonb)) r
     WHERE a.id = $1 OR r->>'dataset' = $2`,
    [ds.id, ds.code],
  );
  // versions derived from other datasets, both ways
  const links = await ctx.db.query<{ from_id: string; to_id: string; via: string; version: number; from_version: number | null }>(
    `SELECT from_dataset_id AS from_id, dataset_id AS to_id, via, version, from_version FROM lineage_links WHERE dataset_id = $1 OR from_dataset_id = $1`,
    [ds.id],
  );
  const others = await ctx.db.query<Parameters<typeof toDataset>[0]>(`${DATASET_SELECT} WHERE ds.code = ANY($1::text[]) OR ds.id = ANY($2::uuid[])`,
    [refs.flatMap((r) => [r.from_code, r.to_code]), links.flatMap((l) => [l.from_id, l.to_id])]);
  const visible = new Map(others.map(toDataset).filter((d) => seesEntry(caller, d)).flatMap((d) => [[d.code, d], [d.id, d]] as [string, Dataset][]));
  for (const r of refs) {
    const a = visible.get(r.from_code);
    const b = visible.get(r.to_code);
    if (a && b) edges.push({ from: dsNode(b), to: dsNode(a), kind: 'checked-against' });
  }
  for (const l of links) {
    const a = visible.get(l.from_id);
    const b = visible.get(l.to_id);
    if (a && b) edges.push({ from: dsNode(a), to: dsNode(b), kind: 'derived' });
  }
  return { dataset: ds.code, nodes: [...nodes.values()], edges };
}
