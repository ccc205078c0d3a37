import { datasets } from '../catalog/index.ts';
import { type Caller, type Ctx, problem } from '../kernel/index.ts';
import { planRead, type ReadPlan } from './guard.ts';
import { analystQuery, type AnalystSqlInput } from './sql/index.ts';
import { checkQuota, recordRead } from './trail.ts';

/**
 * `POST /api/v1/sql`: one read-only SELECT over the datasets the caller may read (its own, and those
 * it holds grants for), each bound to the guard's masked, filtered view. Each dataset read is
 * checked against its grant's quotas and recorded in the trail with the statement and the rows returned.
 */
export async function runAnalystSql(ctx: Ctx, caller: Caller, input: AnalystSqlInput) {
  if (caller.role === 'citizen') throw problem('forbidden', '公众只能访问开放数据 / citizens read open data through the open portal');
  const plans = new Map<string, ReadPlan>();
  const result = await analystQuery(ctx.lakeReader, input, async (code) => {
    const ds = await datasets.get(ctx, caller, code);
    const plan = plans.get(ds.code) ?? (await planRead(ctx, caller, ds));
    plans.set(ds.code, plan);
    return { sql: plan.sql, params: plan.params, dataset: { code: ds.code, id: ds.id, departmentId: ds.departmentId }, version: plan.version.version, fields: plan.columns.map((c) => c.name), grantId: plan.grant?.id ?? null };
  });
  const read = result.reads.map((r) => plans.get(r.code)!);
  for (const plan of read) await checkQuota(ctx, plan.grant);
  const statement = typeof input.sql === 'string' ? input.sql.slice(0, 4000) : '';
  for (const plan of read) await recordRead(ctx, caller, plan, { via: 'sql', rows: result.rows.length, subjects: [], extra: { sql: statement, truncated: result.truncated, datasets: read.map((p) => p.dataset.code) } });
  return { columns: result.columns, rows: result.rows, truncated: result.truncated };
}
