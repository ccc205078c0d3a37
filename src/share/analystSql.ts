import { datasets } from '../catalog/index.ts';
import { type Caller, type Ctx, problem } from '../kernel/index.ts';
import { planRead, type ReadPlan } from './guard.ts';
import { analystQuery, type AnalystSqlInput } from './sql/index.ts';
import { checkQuota, recordRead, type ReadVia } from './trail.ts';

export interface GuardedSqlOptions {
  /** How the read is recorded in the trail (default `sql`: a person's statement). */
  via?: ReadVia;
  /** The largest limit accepted (default the analyst cap). */
  maxLimit?: number;
  /** Kept with each read's audit record (e.g. the rule that read). */
  extra?: Record<string, unknown>;
}

/**
 * `POST /api/v1/sql`, and the platform's rules: one read-only SELECT over the datasets the caller may
 * read (its own, and those it holds grants for), each bound to the guard's masked, filtered view. Each
 * dataset read is checked against its grant's quotas and recorded in the trail with the statement and
 * the rows returned. `versions` names the dataset version each table was read at.
 */
export async function runAnalystSql(ctx: Ctx, caller: Caller, input: AnalystSqlInput, opts: GuardedSqlOptions = {}) {
  if (caller.role === 'citizen') throw problem('forbidden', '公众只能访问开放数据 / citizens read open data through the open portal');
  const plans = new Map<string, ReadPlan>();
  const result = await analystQuery(ctx.lakeReader, input, async (code) => {
    const ds = await datasets.get(ctx, caller, code);
    const plan = plans.get(ds.code) ?? (await planRead(ctx, caller, ds));
    plans.set(ds.code, plan);
    return { sql: plan.sql, params: plan.params, dataset: { code: ds.code, id: ds.id, departmentId: ds.departmentId }, version: plan.version.version, fields: plan.columns.map((c) => c.name), grantId: plan.grant?.id ?? null };
  }, opts.maxLimit ? { maxLimit: opts.maxLimit } : {});
  const read = result.reads.map((r) => plans.get(r.code)!);
  for (const plan of read) await checkQuota(ctx, plan.grant);
  const statement = typeof input.sql === 'string' ? input.sql.slice(0, 4000) : '';
  for (const plan of read) await recordRead(ctx, caller, plan, { via: opts.via ?? 'sql', rows: result.rows.length, subjects: [], extra: { sql: statement, truncated: result.truncated, datasets: read.map((p) => p.dataset.code), ...opts.extra } });
  return { columns: result.columns, rows: result.rows, truncated: result.truncated, versions: Object.fromEntries(read.map((p) => [p.dataset.code, p.version.version])) as Record<string, number> };
}
