/**
 * What a collision rule's rows become: findings, one per rule and key across runs. A key seen before
 * and still open is not reopened; a key the data no longer shows (in a complete run) or whose work
 * order was verified or closed is resolved; a resolved key that newer data shows again recurs (flagged,
 * counted, a new work order). Each new or recurring finding opens a work order for the responsible
 * department, with its evidence: the rows as the owner department read them, pinned to the versions.
 */
import type { Queryable } from '../../control/index.ts';
import { type Ctx, newId } from '../../kernel/index.ts';
import { deliveries } from '../notify/index.ts';
import { type OutcomeHandler, type Rule, type RuleRow, type RunInfo, rulePrincipal } from '../rules/index.ts';
import { workOrders } from '../workorders/index.ts';

interface Known {
  id: string;
  status: 'open' | 'resolved' | 'dismissed';
  resolved_versions: Record<string, number> | null;
  workorder_id: string | null;
  occurrences: number;
}

/** Newer data than at resolution: some dataset the run read is at a later version. */
const newerData = (now: Record<string, number>, then: Record<string, number> | null) =>
  !then || Object.entries(now).some(([code, v]) => v > (then[code] ?? 0));

const keyText = (kv: Record<string, unknown>) => Object.entries(kv).map(([k, v]) => `${k}=${v ?? '∅'}`).join('，');

async function openOrder(ctx: Ctx, rule: Rule, run: RunInfo, findingId: string, r: RuleRow, recurring: boolean): Promise<string | null> {
  if (rule.action?.workOrder === false) return null;
  const order = await workOrders.create(ctx, rulePrincipal({ code: rule.code, name: rule.name, ownerDepartmentId: rule.ownerDepartment.id }), {
    title: `【碰撞${recurring ? '·复发' : ''}】${rule.name}`.slice(0, 200),
    description: `规则 ${rule.code} 发现：${keyText(r.keyValues)}\n数据版本：${Object.entries(run.versions).map(([c, v]) => `${c} v${v}`).join('，')}\n证据 ${r.rows.length} 行，见工单证据。`,
    source: 'collision',
    sourceRef: { rule: rule.code, ruleId: rule.id, finding: findingId, run: run.id, recurring },
    departmentId: rule.responsibleDepartment.id,
    priority: rule.action?.priority ?? 'normal',
    ...(rule.action?.workingDays ? { workingDays: rule.action.workingDays } : {}),
    evidence: { versions: run.versions, key: r.keyValues, rows: r.rows },
  });
  return order.id;
}

/** The rule's webhook, told of each new or recurring finding (signed, retried by the delivery ticker). */
async function tell(ctx: Ctx, rule: Rule, run: RunInfo, findingId: string, r: RuleRow, recurring: boolean, workOrderId: string | null): Promise<void> {
  if (!rule.action?.webhook) return;
  await deliveries.enqueue(ctx, {
    channel: 'webhook', target: rule.action.webhook, ref: { type: 'finding', id: findingId },
    payload: { event: recurring ? 'finding.recurring' : 'finding.new', rule: rule.code, finding: findingId, workOrder: workOrderId, run: run.id, versions: run.versions, key: r.keyValues, rows: r.rows },
  });
}

async function known(q: Queryable, ruleId: string): Promise<Map<string, Known>> {
  const rows = await q.query<Known & { key: string }>(`SELECT id, key, status, resolved_versions, workorder_id, occurrences FROM findings WHERE rule_id = $1`, [ruleId]);
  return new Map(rows.map((r) => [r.key, r]));
}

export const collideOutcome: OutcomeHandler = {
  kind: 'collide',
  async apply(ctx, rule, run, rows, complete) {
    const counts = { found: rows.length, new: 0, recurring: 0, unchanged: 0, dismissed: 0, stillResolved: 0, resolved: 0 };
    // orders verified or closed resolve their findings
    await ctx.db.query(
      `UPDATE findings f SET status = 'resolved', resolved_by = 'workorder', resolved_at = now(), resolved_versions = f.versions
       FROM workorders w WHERE f.workorder_id = w.id AND f.rule_id = $1 AND f.status = 'open' AND w.status IN ('verified','closed')`, [rule.id]);
    const have = await known(ctx.db, rule.id);
    const at = run.at.toISOString();
    const seen = new Set<string>();
    const stillOpen: string[] = [];
    for (const r of rows) {
      seen.add(r.key);
      const k = have.get(r.key);
      const evidence = JSON.stringify({ rows: r.rows });
      if (!k) {
        const id = newId();
        const inserted = await ctx.db.query(
          `INSERT INTO findings (id, rule_id, key, key_values, status, evidence, versions, first_run_id, last_run_id, first_seen_at, last_seen_at)
           VALUES ($1,$2,$3,$4,'open',$5,$6,$7,$7,$8,$8) ON CONFLICT (rule_id, key) DO NOTHING RETURNING id`,
          [id, rule.id, r.key, JSON.stringify(r.keyValues), evidence, JSON.stringify(run.versions), run.id, at]);
        if (!inserted.length) continue; // another server took it in the same moment
        const order = await openOrder(ctx, rule, run, id, r, false);
        if (order) await ctx.db.query('UPDATE findings SET workorder_id = $2 WHERE id = $1', [id, order]);
        await tell(ctx, rule, run, id, r, false, order);
        counts.new++;
      } else if (k.status === 'open') {
        stillOpen.push(k.id);
        // a finding left without its order (a run cut short) gets it now
        if (!k.workorder_id) {
          const order = await openOrder(ctx, rule, run, k.id, r, false);
          if (order) await ctx.db.query('UPDATE findings SET workorder_id = $2 WHERE id = $1', [k.id, order]);
        }
        counts.unchanged++;
      } else if (k.status === 'dismissed') {
        counts.dismissed++;
      } else if (newerData(run.versions, k.resolved_versions)) {
        await ctx.db.query(
          `UPDATE findings SET status = 'open', recurring = true, occurrences = occurrences + 1, resolved_by = NULL, resolved_at = NULL, resolved_versions = NULL,
             evidence = $2, versions = $3, last_run_id = $4, last_seen_at = $5 WHERE id = $1`, [k.id, evidence, JSON.stringify(run.versions), run.id, at]);
        const order = await openOrder(ctx, rule, run, k.id, r, true);
        if (order) await ctx.db.query('UPDATE findings SET workorder_id = $2 WHERE id = $1', [k.id, order]);
        await tell(ctx, rule, run, k.id, r, true, order);
        counts.recurring++;
      } else counts.stillResolved++;
    }
    // seen again: one statement for all of them, however many stay open
    if (stillOpen.length) await ctx.db.query('UPDATE findings SET last_run_id = $2, last_seen_at = $3 WHERE id = ANY($1::uuid[])', [stillOpen, run.id, at]);
    if (complete) {
      // what the data no longer shows is resolved by the data
      const gone = [...have.entries()].filter(([key, k]) => k.status === 'open' && !seen.has(key)).map(([, k]) => k.id);
      if (gone.length) {
        await ctx.db.query(`UPDATE findings SET status = 'resolved', resolved_by = 'data', resolved_at = now(), resolved_versions = $2 WHERE id = ANY($1::uuid[])`, [gone, JSON.stringify(run.versions)]);
        counts.resolved = gone.length;
      }
    }
    return counts;
  },
};
