import { type Caller, type Ctx, isUuid, newId, fieldProblem, notFound, alreadyExists, noSuch, managesDepartment, requireRole, requireSameDepartment } from '../kernel/index.ts';
import { Filter, type Queryable } from '../control/index.ts';
import type { VersionInfo } from '../lake/index.ts';
import { listElements } from '../standards/index.ts';
import { checkFields } from './fields.ts';
import type { Static } from 'typebox';
import type { DatasetBody } from './routes.ts';
import type { Dataset, Field } from './types.ts';

/**
 * A dataset code (信息资源代码): starts with a letter or digit, then letters, digits, `_`, `.`, `-`.
 * So `.`, `..`, `.hidden` and `-x` are never codes (they would read as paths or options).
 */
export const DATASET_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

interface Row {
  id: string; code: string; name: string; description: string; department_id: string; department_code: string; department_name: string;
  theme: string | null; layer: Dataset['layer']; primary_key: string[]; update_cycle: string | null; share_type: Dataset['shareType'];
  open_type: Dataset['openType']; important: boolean; core: boolean; fields: Field[] | string; current_version: number; row_count: number | null;
  created_at: Date; updated_at: Date;
}

export const toDataset = (r: Row): Dataset => ({
  id: r.id, code: r.code, name: r.name, description: r.description, departmentId: r.department_id, departmentCode: r.department_code,
  departmentName: r.department_name, theme: r.theme, layer: r.layer, primaryKey: r.primary_key ?? [], updateCycle: r.update_cycle,
  shareType: r.share_type, openType: r.open_type, important: r.important, core: r.core,
  fields: typeof r.fields === 'string' ? JSON.parse(r.fields) : r.fields, currentVersion: r.current_version,
  rowCount: Number(r.row_count ?? 0), createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
});

export const DATASET_SELECT = `SELECT ds.*, d.code AS department_code, d.name AS department_name, v.row_count
  FROM datasets ds JOIN departments d ON d.id = ds.department_id
  LEFT JOIN dataset_versions v ON v.dataset_id = ds.id AND v.version = ds.current_version`;

export async function datasetByCode(q: Queryable, code: string): Promise<Dataset | undefined> {
  const r = await q.one<Row>(`${DATASET_SELECT} WHERE ds.code = $1`, [code]);
  return r && toDataset(r);
}

/**
 * Catalog metadata (目录) is visible to every government role: it is how departments find what
 * to request. Citizens see only open datasets. The data itself is behind the share guard.
 */
export const datasets = {
  list(ctx: Ctx, caller: Caller, q: { limit: number; offset: number; q?: string; departmentId?: string; layer?: string; shareType?: string }) {
    const f = new Filter();
    if (caller.role === 'citizen') f.add(`ds.open_type = 'open'`);
    if (q.q) {
      // a search finds datasets by code, name and description, and by their fields: name, title and data element (id or title)
      const like = f.param(`%${q.q.replace(/[\\%_]/g, '\\$&')}%`);
      const words = q.q.toLowerCase();
      const elements = words.length < 2 ? [] : listElements()
        .filter((e) => [e.id, e.title, e.titleEn, e.description].some((t) => t.toLowerCase().includes(words))).map((e) => e.id);
      f.add(`(ds.code ILIKE ${like} OR ds.name ILIKE ${like} OR ds.description ILIKE ${like}
        OR EXISTS (SELECT 1 FROM jsonb_array_elements(ds.fields) f WHERE f->>'name' ILIKE ${like} OR f->>'title' ILIKE ${like}
          OR f->>'element' = ANY(${f.param(elements)}::text[])))`);
    }
    f.eq('ds.department_id', q.departmentId).eq('ds.layer', q.layer).eq('ds.share_type', q.shareType);
    return f.page(ctx.db, DATASET_SELECT, 'ds.code', q, toDataset);
  },

  get(ctx: Ctx, caller: Caller, code: string): Promise<Dataset> {
    return datasets.require(ctx.db, code, caller);
  },

  /**
   * The dataset with this code, or the not-found problem: when it does not exist, and when a
   * caller is given who may not see it in the catalog (a citizen, and it is not open).
   */
  async require(q: Queryable, code: string, caller?: Caller): Promise<Dataset> {
    const ds = await datasetByCode(q, code);
    if (!ds || (caller?.role === 'citizen' && ds.openType !== 'open')) throw notFound('dataset', code);
    return ds;
  },

  /**
   * A page of versions, newest first. Everyone who sees the dataset in the catalog sees what the
   * catalog shows of a version: its number, parent, mode, rows, schema and time. Its department and
   * the admins see its workings too: the files, who wrote it, the job, the source file and its
   * quality score.
   */
  async versions(ctx: Ctx, caller: Caller, code: string, page: { limit: number; offset: number }) {
    const ds = await datasets.get(ctx, caller, code);
    const r = await ctx.lake.versionsPage(ds.id, page);
    const catalogView = ({ version, parentVersion, mode, rowCount, rowsAdded, schema, createdAt }: VersionInfo) => ({ version, parentVersion, mode, rowCount, rowsAdded, schema, createdAt });
    if (!managesDepartment(caller, ds.departmentId)) return { ...r, items: r.items.map(catalogView) };
    const jobIds = r.items.map((v) => v.jobId).filter((id): id is string => !!id && isUuid(id));
    const jobs = jobIds.length
      ? await ctx.db.query<{ id: string; source_name: string; score: number | string | null }>(
          `SELECT id, source_name, (quality->>'score')::float8 AS score FROM ingest_jobs WHERE id = ANY($1::uuid[])`, [jobIds])
      : [];
    const byId = new Map(jobs.map((j) => [j.id, j]));
    return {
      ...r,
      items: r.items.map((v) => {
        const j = v.jobId ? byId.get(v.jobId) : undefined;
        return { ...catalogView(v), files: v.files, jobId: v.jobId, createdBy: v.createdBy, sourceName: j?.source_name ?? null, quality: j?.score === null || j?.score === undefined ? null : Number(j.score) };
      }),
    };
  },
};

/** What registers a dataset: the body of `POST /datasets`. */
export type DatasetInput = Static<typeof DatasetBody>;

/** Register and edit datasets: admins for any department, officers for their own. */
export const datasetAdmin = {
  async create(ctx: Ctx, caller: Caller, input: DatasetInput): Promise<Dataset> {
    requireRole(caller, 'admin', 'officer');
    requireSameDepartment(caller, input.departmentId);
    if (!DATASET_CODE.test(input.code)) throw fieldProblem('code', '以字母或数字开头，仅含字母、数字、_ . - / must start with a letter or digit; letters, digits, _ . - only');
    checkFields(input.fields, input.primaryKey ?? []);
    return ctx.db.transaction(async (tx) => {
      if (!(await tx.one('SELECT 1 FROM departments WHERE id = $1', [input.departmentId]))) throw noSuch('departmentId', 'department', input.departmentId);
      if (await tx.one('SELECT 1 FROM datasets WHERE code = $1', [input.code])) throw alreadyExists('dataset', 'code', input.code);
      const id = newId();
      await tx.query(
        `INSERT INTO datasets (id, code, name, description, department_id, theme, layer, primary_key, update_cycle, share_type, open_type, important, core, fields, created_by)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
        [id, input.code, input.name, input.description ?? '', input.departmentId, input.theme ?? null, input.layer ?? 'raw', input.primaryKey ?? [],
          input.updateCycle ?? null, input.shareType ?? 'conditional', input.openType ?? 'none', input.important ?? false, input.core ?? false,
          JSON.stringify(input.fields), caller.id],
      );
      await ctx.audit.append(tx, caller, { action: 'dataset.create', objectType: 'dataset', objectId: input.code, departmentId: input.departmentId, details: { name: input.name, fields: input.fields.length } });
      return (await datasetByCode(tx, input.code))!;
    });
  },

  async update(ctx: Ctx, caller: Caller, code: string, patch: Partial<Omit<DatasetInput, 'code'>>): Promise<Dataset> {
    requireRole(caller, 'admin', 'officer');
    return ctx.db.transaction(async (tx) => {
      const cur = await datasets.require(tx, code);
      requireSameDepartment(caller, cur.departmentId);
      if (patch.departmentId) requireSameDepartment(caller, patch.departmentId);
      const next = { ...cur, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as Dataset;
      checkFields(next.fields, next.primaryKey);
      await tx.query(
        `UPDATE datasets SET name=$2, description=$3, department_id=$4, theme=$5, layer=$6, primary_key=$7, update_cycle=$8, share_type=$9,
           open_type=$10, important=$11, core=$12, fields=$13, updated_at=now() WHERE id=$1`,
        [cur.id, next.name, next.description, next.departmentId, next.theme, next.layer, next.primaryKey, next.updateCycle, next.shareType,
          next.openType, next.important, next.core, JSON.stringify(next.fields)],
      );
      await ctx.audit.append(tx, caller, { action: 'dataset.update', objectType: 'dataset', objectId: code, departmentId: next.departmentId, details: { changes: Object.keys(patch) } });
      return (await datasetByCode(tx, code))!;
    });
  },
};
