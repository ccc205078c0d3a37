import { paged, type Db, type PageResult, type Queryable } from '../control/index.ts';
import type { ColumnSchema, LakeFile, VersionInfo, WriteMode } from './types.ts';

/** What a writer needs to know about a dataset before it writes. */
export interface DatasetHead {
  id: string;
  primaryKey: string[];
  currentVersion: number;
}

interface VersionRow {
  dataset_id: string;
  version: number;
  parent_version: number | null;
  mode: WriteMode;
  files: LakeFile[] | string;
  schema: ColumnSchema[] | string;
  row_count: number | string;
  rows_added: number | string;
  job_id: string | null;
  created_by: string | null;
  created_at: Date | string;
}

const COLS = 'dataset_id, version, parent_version, mode, files, schema, row_count, rows_added, job_id, created_by, created_at';

function json<T>(v: T | string): T {
  return typeof v === 'string' ? (JSON.parse(v) as T) : v;
}

function toVersion(r: VersionRow): VersionInfo {
  return {
    datasetId: r.dataset_id,
    version: Number(r.version),
    parentVersion: r.parent_version === null ? null : Number(r.parent_version),
    mode: r.mode,
    files: json(r.files),
    schema: json(r.schema),
    rowCount: Number(r.row_count),
    rowsAdded: Number(r.rows_added),
    jobId: r.job_id,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** Dataset version manifests in the control plane (`datasets`, `dataset_versions`). */
/** Committed versions kept in memory (each a few hundred bytes). */
const MANIFEST_CACHE_MAX = 5000;

export class ManifestStore {
  private cache = new Map<string, VersionInfo>();
  constructor(private db: Db) {}

  async head(datasetId: string, q: Queryable = this.db): Promise<DatasetHead | undefined> {
    const r = await q.one<{ id: string; primary_key: string[] | null; current_version: number }>(
      'SELECT id, primary_key, current_version FROM datasets WHERE id = $1',
      [datasetId],
    );
    return r && { id: r.id, primaryKey: r.primary_key ?? [], currentVersion: Number(r.current_version) };
  }

  async versions(datasetId: string): Promise<VersionInfo[]> {
    const rows = await this.db.query<VersionRow>(`SELECT ${COLS} FROM dataset_versions WHERE dataset_id = $1 ORDER BY version DESC`, [datasetId]);
    return rows.map(toVersion);
  }

  /** One page of a dataset's versions, newest first (an append-heavy dataset has very many). */
  page(datasetId: string, page: { limit: number; offset: number }): Promise<PageResult<VersionInfo>> {
    return paged(this.db, `SELECT ${COLS} FROM dataset_versions WHERE dataset_id = $1`, [datasetId], 'version DESC', page, toVersion);
  }

  /** Version n, or the dataset's current version when n is omitted. */
  async version(datasetId: string, n?: number, q: Queryable = this.db): Promise<VersionInfo | undefined> {
    // a numbered version never changes once committed: read it once (outside a caller's transaction)
    const key = n === undefined || q !== this.db ? null : `${datasetId}:${n}`;
    const hit = key ? this.cache.get(key) : undefined;
    if (hit) return hit;
    const r =
      n === undefined
        ? await q.one<VersionRow>(
            `SELECT ${COLS.split(', ').map((c) => 'v.' + c).join(', ')} FROM dataset_versions v
             JOIN datasets d ON d.id = v.dataset_id AND d.current_version = v.version WHERE d.id = $1`,
            [datasetId],
          )
        : await q.one<VersionRow>(`SELECT ${COLS} FROM dataset_versions WHERE dataset_id = $1 AND version = $2`, [datasetId, n]);
    const v = r && toVersion(r);
    if (v && key) {
      if (this.cache.size >= MANIFEST_CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, v);
    }
    return v;
  }

  /**
   * Record a version and make it current, inside the caller's transaction. Fails if the dataset's
   * current version is no longer the parent (another writer got there first).
   */
  async commit(tx: Queryable, v: Omit<VersionInfo, 'createdAt'>): Promise<VersionInfo> {
    const moved = await tx.query(
      'UPDATE datasets SET current_version = $2, updated_at = now() WHERE id = $1 AND current_version = $3 RETURNING id',
      [v.datasetId, v.version, v.parentVersion ?? 0],
    );
    if (moved.length !== 1) throw new Error(`dataset ${v.datasetId} is no longer at version ${v.parentVersion ?? 0}`);
    const r = await tx.one<VersionRow>(
      `INSERT INTO dataset_versions (dataset_id, version, parent_version, mode, files, schema, row_count, rows_added, job_id, created_by)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9, $10) RETURNING ${COLS}`,
      [v.datasetId, v.version, v.parentVersion, v.mode, JSON.stringify(v.files), JSON.stringify(v.schema), v.rowCount, v.rowsAdded, v.jobId, v.createdBy],
    );
    return toVersion(r!);
  }

  /** Every file path any version of the dataset refers to. */
  async referencedPaths(datasetId: string): Promise<Set<string>> {
    const rows = await this.db.query<{ files: LakeFile[] | string }>('SELECT files FROM dataset_versions WHERE dataset_id = $1', [datasetId]);
    const out = new Set<string>();
    for (const r of rows) for (const f of json(r.files)) out.add(f.path);
    return out;
  }

  async datasetExists(datasetId: string): Promise<boolean> {
    return (await this.db.one('SELECT 1 AS x FROM datasets WHERE id = $1', [datasetId])) !== undefined;
  }
}
