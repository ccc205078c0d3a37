import { type Caller, type Ctx, isUuid, newId, fieldProblem, notFound, alreadyExists, noSuch, managesDepartment, requireRole, requireSameDepartment, iso } from '../kernel/index.ts';
import { Filter, type Queryable } from '../control/index.ts';
import type { VersionInfo } from '../lake/index.ts';
import { listElements } from '../standards/index.ts';
import { checkFields } from './fields.ts';
import { seesEntry, visibleEntries } from './visibility.ts';
import { catalogChanged } from './events.ts';
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
  category: Dataset['category']; resource_format: Dataset['resourceFormat']; share_condition: string | null; share_method: Dataset['shareMethod'];
  share_basis: string | null; open_condition: string | null; keywords: string[] | null; contact: Dataset['contact'] | string; licence: string | null;
  status: Dataset['status']; review_note: string | null; published_at: Date | null; quality: number | string | null; data_updated_at: Date | null;
}


export const toDataset = (r: Row): Dataset => ({
  id: r.id, code: r.code, name: r.name, description: r.description, departmentId: r.department_id, departmentCode: r.department_code,
  departmentName: r.department_name, theme: r.theme, layer: r.layer, primaryKey: r.primary_key ?? [], updateCycle: r.update_cycle,
  shareType: r.share_type, openType: r.open_type, important: r.important, core: r.core,
  fields: typeof r.fields === 'string' ? JSON.parse(r.fields) : r.fields, currentVersion: r.current_version,
  rowCount: Number(r.row_count ?? 0), createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
  category: r.category, resourceFormat: r.resource_format, shareCondition: r.share_condition, shareMethod: r.share_method, shareBasis: r.share_basis,
  openCondition: r.open_condition, keywords: r.keywords ?? [], contact: typeof r.contact === 'string' ? JSON.parse(r.contact) : r.contact,
  licence: r.licence, status: r.status, reviewNote: r.review_note, publishedAt: iso(r.published_at),
  quality: r.quality === null || r.quality === undefined ? null : Number(r.quality), dataUpdatedAt: iso(r.data_updated_at),
});

export const DATASET_SELECT = `SELECT ds.*, d.code AS department_code, d.name AS department_name, v.row_count, v.created_at AS data_updated_at,
    (j.quality->>'score')::float8 AS quality
  FROM datasets ds JOIN departments d ON d.id = ds.department_id
  LEFT JOIN dataset_versions v ON v.dataset_id = ds.id AND v.version = ds.current_version
  LEFT JOIN ingest_jobs j ON j.id = v.job_id`;

export async function datasetByCode(q: Queryable, code: string): Promise<Dataset | undefined> {
  const r = await q.one<Row>(`${DATASET_SELECT} WHERE ds.code = $1`, [code]);
  return r && toDataset(r);
}

/**
 * Catalog metadata (目录): published entries are visible to every government role — it is how
 * departments find what to request; the public sees published open entries; drafts only their
 * department and the admin (`seesEntry`). The data itself is behind the share guard.
 */
export const datasets = {
  list(ctx: Ctx, caller: Caller, q: { limit: number; offset: number; q?: string; departmentId?: string; layer?: string; shareType?: string }) {
    const f = visibleEntries(caller, new Filter());
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
   * caller is given who may not see it in the catalog (`seesEntry`).
   */
  async require(q: Queryable, code: string, caller?: Caller): Promise<Dataset> {
    const ds = await datasetByCode(q, code);
    if (!ds || (caller && !seesEntry(caller, ds))) throw notFound('dataset', code);
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

/** The columns of a catalog entry that its department edits. */
type EntryColumns = Pick<Dataset, 'name' | 'description' | 'departmentId' | 'theme' | 'layer' | 'primaryKey' | 'updateCycle' | 'shareType' | 'openType'
  | 'important' | 'core' | 'fields' | 'category' | 'resourceFormat' | 'shareCondition' | 'shareMethod' | 'shareBasis' | 'openCondition' | 'keywords'
  | 'contact' | 'licence'>;

const ENTRY_DEFAULTS: Omit<EntryColumns, 'name' | 'departmentId' | 'fields'> = {
  description: '', theme: null, layer: 'raw', primaryKey: [], updateCycle: null, shareType: 'conditional', openType: 'none', important: false, core: false,
  category: 'department', resourceFormat: 'database', shareCondition: null, shareMethod: null, shareBasis: null, openCondition: null, keywords: [],
  contact: null, licence: null,
};

const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * The catalog rules an entry must keep: fields and key (checkFields); `none` (不予共享) states its
 * legal basis; no L3/L4 field is kept in clear in open data.
 */
function checkEntry(e: EntryColumns): void {
  checkFields(e.fields, e.primaryKey);
  if (e.shareType === 'none' && !e.shareBasis?.trim()) throw fieldProblem('shareBasis', '不予共享须写明法律法规依据 / a dataset not shared must state its legal basis');
  const i = e.fields.findIndex((f) => (f.sensitivity === 'L3' || f.sensitivity === 'L4') && f.open === 'keep');
  if (i >= 0) throw fieldProblem(`fields.${i}.open`, `L3/L4 字段开放时只能脱敏或删除 / an L3/L4 field is masked or dropped in open data, never kept: ${e.fields[i]!.name}`);
}

async function writeEntry(tx: Queryable, id: string, e: EntryColumns): Promise<void> {
  await tx.query(
    `UPDATE datasets SET name=$2, description=$3, department_id=$4, theme=$5, layer=$6, primary_key=$7, update_cycle=$8, share_type=$9,
       open_type=$10, important=$11, core=$12, fields=$13, category=$14, resource_format=$15, share_condition=$16, share_method=$17, share_basis=$18,
       open_condition=$19, keywords=$20, contact=$21, licence=$22, updated_at=now() WHERE id=$1`,
    [id, e.name, e.description, e.departmentId, e.theme, e.layer, e.primaryKey, e.updateCycle, e.shareType, e.openType, e.important, e.core,
      JSON.stringify(e.fields), e.category, e.resourceFormat, e.shareCondition, e.shareMethod, e.shareBasis, e.openCondition, e.keywords,
      e.contact ? JSON.stringify(e.contact) : null, e.licence],
  );
}

/** Register and edit datasets: admins for any department, officers for their own. */
export const datasetAdmin = {
  async create(ctx: Ctx, caller: Caller, input: DatasetInput): Promise<Dataset> {
    const ds = await datasetAdmin.createEntry(ctx, caller, input);
    catalogChanged(ctx);
    return ds;
  },

  async update(ctx: Ctx, caller: Caller, code: string, patch: Partial<Omit<DatasetInput, 'code'>>): Promise<Dataset> {
    const ds = await datasetAdmin.updateEntry(ctx, caller, code, patch);
    catalogChanged(ctx);
    return ds;
  },

  async createEntry(ctx: Ctx, caller: Caller, input: DatasetInput): Promise<Dataset> {
    requireRole(caller, 'admin', 'officer');
    requireSameDepartment(caller, input.departmentId);
    if (!DATASET_CODE.test(input.code)) throw fieldProblem('code', '以字母或数字开头，仅含字母、数字、_ . - / must start with a letter or digit; letters, digits, _ . - only');
    checkEntry({ ...ENTRY_DEFAULTS, ...defined(input) } as EntryColumns);
    return ctx.db.transaction(async (tx) => {
      if (!(await tx.one('SELECT 1 FROM departments WHERE id = $1', [input.departmentId]))) throw noSuch('departmentId', 'department', input.departmentId);
      if (await tx.one('SELECT 1 FROM datasets WHERE code = $1', [input.code])) throw alreadyExists('dataset', 'code', input.code);
      const id = newId();
      await tx.query(`INSERT INTO datasets (id, code, name, department_id, created_by) VALUES ($1,$2,$3,$4,$5)`, [id, input.code, input.name, input.departmentId, caller.id]);
      await writeEntry(tx, id, { ...ENTRY_DEFAULTS, ...defined(input) } as EntryColumns);
      await ctx.audit.append(tx, caller, { action: 'dataset.create', objectType: 'dataset', objectId: input.code, departmentId: input.departmentId, details: { name: input.name, fields: input.fields.length } });
      return (await datasetByCode(tx, input.code))!;
    });
  },

  async updateEntry(ctx: Ctx, caller: Caller, code: string, patch: Partial<Omit<DatasetInput, 'code'>>): Promise<Dataset> {
    requireRole(caller, 'admin', 'officer');
    return ctx.db.transaction(async (tx) => {
      const cur = await datasets.require(tx, code, caller);
      requireSameDepartment(caller, cur.departmentId);
      if (patch.departmentId) requireSameDepartment(caller, patch.departmentId);
      const next = { ...cur, ...defined(patch) } as Dataset;
      checkEntry(next);
      await writeEntry(tx, cur.id, next);
      await ctx.audit.append(tx, caller, { action: 'dataset.update', objectType: 'dataset', objectId: code, departmentId: next.departmentId, details: { changes: Object.keys(patch) } });
      return (await datasetByCode(tx, code))!;
    });
  },
};
