/**
 * Indicators (指标): a measure of a department's data or sensor stream over time — a builder query
 * (dataset, time field, measure, aggregation, dimensions, time grain) or guarded SQL returning `t`,
 * `value` and dimension columns — computed as its owner department through the share guard and
 * kept in the lake as a dataset of the theme layer (`IND_<code>`, one version per refresh, so its
 * history stays). Reading a series is reading that dataset: another department needs a grant.
 */
import { catalogReview, datasetAdmin } from '../../catalog/index.ts';
import { type Caller, type Ctx, fieldProblem, isAdmin, iso, newId, notFound, problem, SYSTEM } from '../../kernel/index.ts';
import { runAnalystSql } from '../../share/index.ts';

export const GRAINS = ['minute', 'hour', 'day', 'week', 'month'] as const;
export type Grain = (typeof GRAINS)[number];
export const AGGREGATES = ['count', 'sum', 'avg', 'min', 'max', 'count_distinct'] as const;
export type Aggregate = (typeof AGGREGATES)[number];
/** The most points one refresh keeps. */
export const SERIES_MAX = 200_000;

export type IndicatorQuery =
  | { mode: 'builder'; dataset: string; time: string; measure?: string | null; agg: Aggregate; dimensions?: string[]; grain: Grain; where?: string | null }
  | { mode: 'sql'; sql: string; dimensions?: string[] };

export interface IndicatorInput {
  code: string; name: string; departmentId?: string; description?: string; unit?: string; cycle?: string; keywords?: string[];
  query: IndicatorQuery; trigger?: 'manual' | 'schedule' | 'arrival'; schedule?: string | null;
}

export interface Indicator {
  id: string; code: string; name: string; department: { id: string; code: string; name: string }; dataset: string;
  description: string; unit: string; cycle: string; query: IndicatorQuery; dimensions: string[]; trigger: string; schedule: string | null; watches: string[];
  refreshedAt: string | null; refreshSeconds: number | null; points: number | null; lastError: string | null; createdAt: string; updatedAt: string;
}

interface Row {
  id: string; code: string; name: string; department_id: string; dept_code: string; dept_name: string; dataset_id: string; ds_code: string;
  description: string; unit: string; cycle: string; query: IndicatorQuery; dimensions: string[]; trigger: string; schedule: string | null; watches: string[];
  refreshed_at: Date | null; refresh_seconds: number | null; points: number | null; last_error: string | null; created_at: Date; updated_at: Date;
}

const SELECT = `SELECT i.*, d.code AS dept_code, d.name AS dept_name, ds.code AS ds_code FROM indicators i
  JOIN departments d ON d.id = i.department_id JOIN datasets ds ON ds.id = i.dataset_id`;

const toIndicator = (r: Row): Indicator => ({
  id: r.id, code: r.code, name: r.name, department: { id: r.department_id, code: r.dept_code, name: r.dept_name }, dataset: r.ds_code,
  description: r.description, unit: r.unit, cycle: r.cycle, query: r.query, dimensions: r.dimensions ?? [], trigger: r.trigger, schedule: r.schedule, watches: r.watches ?? [],
  refreshedAt: iso(r.refreshed_at), refreshSeconds: r.refresh_seconds, points: r.points, lastError: r.last_error, createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!,
});

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const CODE = /^[A-Z][A-Z0-9_]{1,40}$/;
const DATASET = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const q = (name: string) => `"${name}"`;

/** The indicator's reader: its owner department, with no person behind it. */
export const indicatorPrincipal = (i: { code: string; name: string; departmentId: string }): Caller => ({
  id: null, username: `indicator:${i.code}`, displayName: `指标：${i.name}`, role: 'officer', departmentId: i.departmentId,
});

/** The one statement a builder indicator runs (the analyst dialect, read through the guard). */
export function indicatorSql(query: IndicatorQuery): { sql: string; dimensions: string[] } {
  if (query.mode === 'sql') {
    if (typeof query.sql !== 'string' || !query.sql.trim()) throw fieldProblem('query.sql', '缺少 SQL 语句 / a SQL statement is required');
    const dims = query.dimensions ?? [];
    dims.forEach((d, i) => { if (!NAME.test(d)) throw fieldProblem(`query.dimensions.${i}`, '维度名须为小写字母、数字、下划线 / a column name'); });
    return { sql: query.sql, dimensions: dims };
  }
  if (query.mode !== 'builder') throw fieldProblem('query.mode', 'builder | sql');
  if (!DATASET.test(query.dataset ?? '')) throw fieldProblem('query.dataset', '数据集代码不合法 / not a dataset code');
  if (!NAME.test(query.time ?? '')) throw fieldProblem('query.time', '时间字段不合法 / not a field name');
  if (!GRAINS.includes(query.grain)) throw fieldProblem('query.grain', GRAINS.join(' | '));
  if (!AGGREGATES.includes(query.agg)) throw fieldProblem('query.agg', AGGREGATES.join(' | '));
  if (query.agg !== 'count' && !NAME.test(query.measure ?? '')) throw fieldProblem('query.measure', '请选择度量字段 / name the measured field');
  const dims = query.dimensions ?? [];
  dims.forEach((d, i) => { if (!NAME.test(d)) throw fieldProblem(`query.dimensions.${i}`, '维度名不合法 / not a field name'); });
  if (dims.length > 3) throw fieldProblem('query.dimensions', '最多 3 个维度 / 3 dimensions at most');
  const m = query.measure ? q(query.measure) : '*';
  const value = query.agg === 'count' ? (query.measure ? `count(${m})` : 'count(*)') : query.agg === 'count_distinct' ? `count(DISTINCT ${m})` : `${query.agg}(CAST(${m} AS DOUBLE))`;
  const t = `date_trunc('${query.grain}', CAST(${q(query.time)} AS TIMESTAMP))`;
  const where = query.where?.trim() ? ` AND (${query.where})` : '';
  const sql = `SELECT ${t} AS t${dims.map((d) => `, CAST(${q(d)} AS VARCHAR) AS ${q(d)}`).join('')}, CAST(${value} AS DOUBLE) AS value
FROM ${query.dataset.toUpperCase()} WHERE ${q(query.time)} IS NOT NULL${where}
GROUP BY ${[t, ...dims.map(q)].join(', ')} ORDER BY t`;
  return { sql, dimensions: dims };
}

async function row(ctx: Ctx, code: string): Promise<Row> {
  const r = await ctx.db.one<Row>(`${SELECT} WHERE i.code = $1`, [code]);
  if (!r) throw notFound('dataset', code);
  return r;
}

/** Run the query as the owner and check what it returns: a `t` timestamp, a numeric `value`, the dimensions. */
async function compute(ctx: Ctx, r: { code: string; name: string; department_id: string; query: IndicatorQuery }) {
  const { sql, dimensions } = indicatorSql(r.query);
  const res = await runAnalystSql(ctx, indicatorPrincipal({ code: r.code, name: r.name, departmentId: r.department_id }), { sql, limit: SERIES_MAX }, { via: 'indicator', maxLimit: SERIES_MAX });
  const cols = res.columns.map((c: { name: string }) => c.name);
  for (const need of ['t', 'value', ...dimensions]) if (!cols.includes(need)) throw fieldProblem('query', `查询结果须有列 ${need} / the result needs a column ${need} (has ${cols.join(', ')})`);
  const rows = res.rows.map((x: Record<string, unknown>) => {
    const t = x.t instanceof Date ? x.t : new Date(String(x.t));
    const v = typeof x.value === 'bigint' ? Number(x.value) : x.value === null ? null : Number(x.value);
    return { t, ...Object.fromEntries(dimensions.map((d) => [d, x[d] === null || x[d] === undefined ? null : String(x[d])])), value: v };
  }).filter((x: { t: Date }) => !Number.isNaN(x.t.getTime()));
  return { rows, dimensions, truncated: res.truncated, watches: Object.keys(res.versions) };
}

export const indicators = {
  /** Define an indicator: officers for their department, admins for any. Its series dataset is made and published, then it is computed once. */
  async create(ctx: Ctx, caller: Caller, input: IndicatorInput): Promise<Indicator> {
    if (!(isAdmin(caller) || caller.role === 'officer')) throw problem('forbidden', '只有数据专员或管理员可以定义指标 / only officers and admins define indicators');
    const code = (input.code ?? '').trim().toUpperCase();
    if (!CODE.test(code)) throw fieldProblem('code', '指标代码须为 2–41 位大写字母、数字、下划线，以字母开头 / 2–41 upper-case letters, digits, _');
    const name = input.name?.trim() ?? '';
    if (!name || name.length > 100) throw fieldProblem('name', '名称须为 1–100 个字 / 1–100 characters');
    const departmentId = isAdmin(caller) ? input.departmentId ?? caller.departmentId : caller.departmentId;
    if (!departmentId) throw fieldProblem('departmentId', '请指定所属部门 / name the owning department');
    if (input.departmentId && !isAdmin(caller) && input.departmentId !== caller.departmentId) throw problem('forbidden', '只能为本部门定义指标 / only for your own department');
    const trigger = input.trigger ?? 'manual';
    if (!['manual', 'schedule', 'arrival'].includes(trigger)) throw fieldProblem('trigger', 'manual | schedule | arrival');
    if (trigger === 'schedule' && !input.schedule?.trim()) throw fieldProblem('schedule', '定时刷新须给出 cron 表达式 / a schedule needs a cron expression');
    if (await ctx.db.one(`SELECT 1 FROM indicators WHERE code = $1`, [code])) throw problem('conflict', `指标 ${code} 已存在 / indicator ${code} exists`, [{ field: 'code', message: 'exists' }]);
    const { dimensions } = indicatorSql(input.query);
    // computed before anything is written: a query the owner cannot read is refused here
    const first = await compute(ctx, { code, name, department_id: departmentId, query: input.query });
    const dsCode = `IND_${code}`;
    const ds = await datasetAdmin.create(ctx, SYSTEM, {
      code: dsCode, name: `指标：${name}`, description: `${input.description ?? ''}\n（指标 ${code} 的时间序列，由平台按其口径计算 / the series of indicator ${code}）`.trim(),
      departmentId, layer: 'theme', primaryKey: [], updateCycle: input.cycle ?? 'realtime', shareType: 'conditional', openType: 'none', theme: '城市运行',
      category: 'department', keywords: ['指标', name, ...(input.keywords ?? [])], resourceFormat: 'database', shareMethod: 'api',
      shareCondition: '经所属部门审批 / approved by the owning department', contact: null,
      fields: [
        { name: 't', title: '时间', type: 'timestamp', sensitivity: 'L1', required: true },
        ...dimensions.map((d) => ({ name: d, title: d, type: 'string' as const, sensitivity: 'L1' as const })),
        { name: 'value', title: input.unit ? `数值（${input.unit}）` : '数值', type: 'number', sensitivity: 'L1' },
      ],
    } as never);
    await catalogReview.submit(ctx, SYSTEM, dsCode, { quiet: true });
    await catalogReview.publish(ctx, SYSTEM, dsCode, { quiet: true });
    const id = newId();
    await ctx.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO indicators (id, code, name, department_id, dataset_id, description, unit, cycle, query, dimensions, trigger, schedule, watches, created_by, created_at, updated_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14, now(), now())`,
        [id, code, name, departmentId, ds.id, input.description ?? '', input.unit ?? '', input.cycle ?? 'realtime', JSON.stringify(input.query), JSON.stringify(dimensions), trigger,
          input.schedule ?? null, JSON.stringify(first.watches), caller.id],
      );
      await ctx.audit.append(tx, caller, { action: 'indicator.create', objectType: 'indicator', objectId: code, departmentId, details: { query: input.query, trigger } });
    });
    await store(ctx, id, ds.id, first.rows, first.watches, 0);
    return indicators.get(ctx, caller, code);
  },

  /** An indicator's definition: everyone signed in sees the catalog of indicators (the series needs a grant). */
  async get(ctx: Ctx, _caller: Caller, code: string): Promise<Indicator> {
    return toIndicator(await row(ctx, code.toUpperCase()));
  },

  async list(ctx: Ctx, q: { department?: string; q?: string } = {}): Promise<Indicator[]> {
    const rows = await ctx.db.query<Row>(`${SELECT} WHERE ($1::uuid IS NULL OR i.department_id = $1) AND ($2::text IS NULL OR i.name ILIKE $2 OR i.code ILIKE $2 OR i.description ILIKE $2) ORDER BY i.code`,
      [q.department ?? null, q.q?.trim() ? `%${q.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null]);
    return rows.map(toIndicator);
  },

  /** Compute the indicator again and keep the series as a new version. */
  async refresh(ctx: Ctx, caller: Caller, code: string): Promise<Indicator> {
    const r = await row(ctx, code.toUpperCase());
    if (!(isAdmin(caller) || caller.id === null || (caller.role === 'officer' && caller.departmentId === r.department_id))) throw problem('forbidden', '只有所属部门可以刷新指标 / only the owner refreshes');
    const t0 = performance.now();
    try {
      const out = await compute(ctx, r);
      await store(ctx, r.id, r.dataset_id, out.rows, out.watches, (performance.now() - t0) / 1000);
    } catch (err) {
      await ctx.db.query(`UPDATE indicators SET last_error = $2, updated_at = now() WHERE id = $1`, [r.id, (err as Error).message.slice(0, 500)]);
      throw err;
    }
    await ctx.audit.record(caller, { action: 'indicator.refresh', objectType: 'indicator', objectId: r.code, departmentId: r.department_id, details: { seconds: (performance.now() - t0) / 1000 } });
    return indicators.get(ctx, caller, r.code);
  },

  /** The series as the caller may read it (through the guard: the owner in clear, others under a grant). */
  async series(ctx: Ctx, caller: Caller, code: string, opts: { from?: string; to?: string; where?: Record<string, string>; limit?: number } = {}) {
    const r = await row(ctx, code.toUpperCase());
    const conds = ['1 = 1'];
    for (const [k, v] of [['from', opts.from], ['to', opts.to]] as const) if (v !== undefined && Number.isNaN(Date.parse(v))) throw fieldProblem(k, '时间格式不正确 / not a date-time');
    const stamp = (v: string) => `TIMESTAMP '${new Date(v).toISOString().replace('T', ' ').replace('Z', '')}'`;
    if (opts.from) conds.push(`t >= ${stamp(opts.from)}`);
    if (opts.to) conds.push(`t < ${stamp(opts.to)}`);
    if (r.points === 0 || r.points === null) return { indicator: r.code, unit: r.unit, dimensions: r.dimensions ?? [], points: [], truncated: false };
    for (const [k, v] of Object.entries(opts.where ?? {})) {
      if (!(r.dimensions ?? []).includes(k)) throw fieldProblem(`where.${k}`, '不是该指标的维度 / not a dimension of the indicator');
      conds.push(`${q(k)} = '${String(v).replace(/'/g, "''")}'`);
    }
    const res = await runAnalystSql(ctx, caller, { sql: `SELECT * FROM ${r.ds_code} WHERE ${conds.join(' AND ')} ORDER BY t`, limit: Math.min(opts.limit ?? 50_000, SERIES_MAX) }, { via: 'indicator', maxLimit: SERIES_MAX });
    return { indicator: r.code, unit: r.unit, dimensions: r.dimensions ?? [], points: res.rows, truncated: res.truncated };
  },
};

/** Keep a refresh's series as a new version of the indicator's dataset. */
async function store(ctx: Ctx, id: string, datasetId: string, rows: Record<string, unknown>[], watches: string[], seconds: number): Promise<void> {
  if (rows.length) await ctx.lake.write({ datasetId, mode: 'replace', from: { rows } });
  await ctx.db.query(`UPDATE indicators SET refreshed_at = now(), refresh_seconds = $2, points = $3, watches = $4, last_error = NULL, updated_at = now() WHERE id = $1`,
    [id, seconds, rows.length, JSON.stringify(watches)]);
}
