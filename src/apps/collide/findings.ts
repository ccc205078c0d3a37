/**
 * Findings as people see them: the owner and the responsible department of the rule (their officers
 * and handlers) see a finding with its evidence; the platform admin sees that it exists and how it
 * stands, not the rows (they were read under the owner's grants, not the admin's).
 */
import { type Caller, type Ctx, fieldProblem, iso, isAdmin, notFound, problem } from '../../kernel/index.ts';

export const FINDING_STATUSES = ['open', 'resolved', 'dismissed'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];
export const FINDING_PAGE_MAX = 200;

interface Row {
  id: string; rule_id: string; rule_code: string; rule_name: string; owner_department_id: string; responsible_department_id: string; rd_name: string;
  key_values: Record<string, unknown>; status: FindingStatus; resolved_by: string | null; resolved_at: Date | string | null; occurrences: number; recurring: boolean;
  evidence: { rows: Record<string, unknown>[] }; versions: Record<string, number>; workorder_id: string | null; wo_code: string | null; wo_status: string | null;
  first_seen_at: Date | string; last_seen_at: Date | string; dismiss_reason: string | null;
}

const SELECT = `SELECT f.id, f.rule_id, r.code AS rule_code, r.name AS rule_name, r.owner_department_id, r.responsible_department_id, rd.name AS rd_name,
  f.key_values, f.status, f.resolved_by, f.resolved_at, f.occurrences, f.recurring, f.evidence, f.versions, f.workorder_id, w.code AS wo_code, w.status AS wo_status,
  f.first_seen_at, f.last_seen_at, f.dismiss_reason
  FROM findings f JOIN rules r ON r.id = f.rule_id JOIN departments rd ON rd.id = r.responsible_department_id LEFT JOIN workorders w ON w.id = f.workorder_id`;

/** Whether the caller sees the finding's rows: a person of the owner or the responsible department. */
const seesEvidence = (caller: Caller, r: Pick<Row, 'owner_department_id' | 'responsible_department_id'>) =>
  caller.role !== 'citizen' && !!caller.departmentId && (caller.departmentId === r.owner_department_id || caller.departmentId === r.responsible_department_id);

function toFinding(caller: Caller, r: Row, withEvidence: boolean) {
  const sees = seesEvidence(caller, r);
  return {
    id: r.id, rule: { id: r.rule_id, code: r.rule_code, name: r.rule_name }, responsibleDepartment: r.rd_name,
    key: sees ? r.key_values : null, status: r.status, resolvedBy: r.resolved_by, resolvedAt: iso(r.resolved_at), occurrences: Number(r.occurrences), recurring: r.recurring,
    versions: r.versions, workOrder: r.workorder_id ? { id: r.workorder_id, code: r.wo_code!, status: r.wo_status! } : null,
    firstSeenAt: iso(r.first_seen_at)!, lastSeenAt: iso(r.last_seen_at)!, dismissReason: r.dismiss_reason,
    evidenceRows: r.evidence?.rows?.length ?? 0,
    ...(withEvidence ? { evidence: sees ? r.evidence.rows : null } : {}),
  };
}

/** Who may see findings of a rule at all. */
function scope(caller: Caller, params: unknown[]): string {
  if (isAdmin(caller)) return 'true';
  if (caller.role === 'citizen' || !caller.departmentId) return 'false';
  params.push(caller.departmentId);
  return `(r.owner_department_id = $${params.length} OR r.responsible_department_id = $${params.length})`;
}

export interface FindingQuery { rule?: string; status?: FindingStatus; recurring?: boolean; limit?: number; offset?: number }

export const findings = {
  async list(ctx: Ctx, caller: Caller, q: FindingQuery = {}) {
    const params: unknown[] = [];
    const conds = [scope(caller, params)];
    if (q.rule) {
      params.push(q.rule.toUpperCase());
      conds.push(`r.code = $${params.length}`);
    }
    if (q.status) {
      params.push(q.status);
      conds.push(`f.status = $${params.length}`);
    }
    if (q.recurring !== undefined) conds.push(q.recurring ? 'f.recurring' : 'NOT f.recurring');
    const where = ` WHERE ${conds.join(' AND ')}`;
    const limit = Math.min(q.limit ?? 50, FINDING_PAGE_MAX);
    const offset = q.offset ?? 0;
    const rows = await ctx.db.query<Row>(`${SELECT}${where} ORDER BY f.last_seen_at DESC, f.id LIMIT ${limit} OFFSET ${offset}`, params);
    const total = await ctx.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM findings f JOIN rules r ON r.id = f.rule_id${where}`, params);
    return { items: rows.map((r) => toFinding(caller, r, false)), total: Number(total?.n ?? 0), limit, offset };
  },

  async get(ctx: Ctx, caller: Caller, id: string) {
    const params: unknown[] = [id];
    const r = await ctx.db.one<Row>(`${SELECT} WHERE f.id = $1 AND ${scope(caller, params)}`, params).catch(() => null);
    if (!r) throw notFound('finding', id);
    return toFinding(caller, r, true);
  },

  /** Not a problem after all (a false positive): dismissed findings are never reopened. */
  async dismiss(ctx: Ctx, caller: Caller, id: string, reason: string) {
    const f = await findings.get(ctx, caller, id);
    const r = await ctx.db.one<{ owner_department_id: string; responsible_department_id: string }>(
      'SELECT r.owner_department_id, r.responsible_department_id FROM findings f JOIN rules r ON r.id = f.rule_id WHERE f.id = $1', [id]);
    if (!(isAdmin(caller) || (caller.role === 'officer' && seesEvidence(caller, r!)))) throw problem('forbidden', '只有规则所属或责任部门的数据专员可以排除发现 / only officers of the owner or responsible department dismiss findings');
    const why = reason?.trim() ?? '';
    if (why.length < 4 || why.length > 500) throw fieldProblem('reason', '请写明理由（4–500 字）/ give a reason (4–500 characters)');
    if (f.status === 'dismissed') return f;
    await ctx.db.transaction(async (tx) => {
      await tx.query(`UPDATE findings SET status = 'dismissed', dismiss_reason = $2, resolved_at = now(), resolved_by = 'dismissed' WHERE id = $1`, [id, why]);
      await ctx.audit.append(tx, caller, { action: 'finding.dismiss', objectType: 'finding', objectId: id, departmentId: r!.responsible_department_id, details: { rule: f.rule.code, reason: why } });
    });
    return findings.get(ctx, caller, id);
  },

  /** Per rule: open, resolved, dismissed, recurring, and orders by state — the outcome dashboard. */
  async stats(ctx: Ctx, caller: Caller) {
    const params: unknown[] = [];
    const rows = await ctx.db.query<{ code: string; name: string; kind: string; status: string; recurring: boolean; wo_status: string | null; n: number }>(
      `SELECT r.code, r.name, r.kind, f.status, f.recurring, w.status AS wo_status, count(*)::int AS n
       FROM findings f JOIN rules r ON r.id = f.rule_id LEFT JOIN workorders w ON w.id = f.workorder_id
       WHERE ${scope(caller, params)} GROUP BY r.code, r.name, r.kind, f.status, f.recurring, w.status`, params);
    const byRule = new Map<string, { code: string; name: string; open: number; resolved: number; dismissed: number; recurring: number; orders: Record<string, number> }>();
    for (const r of rows) {
      const s = byRule.get(r.code) ?? { code: r.code, name: r.name, open: 0, resolved: 0, dismissed: 0, recurring: 0, orders: {} };
      s[r.status as FindingStatus] += r.n;
      if (r.recurring) s.recurring += r.n;
      if (r.wo_status) s.orders[r.wo_status] = (s.orders[r.wo_status] ?? 0) + r.n;
      byRule.set(r.code, s);
    }
    return { rules: [...byRule.values()].sort((a, b) => a.code.localeCompare(b.code)) };
  },
};
