/**
 * The clerical review queue: pairs scored near the threshold, for a person to decide. Admins see
 * every item; a department's data officers see items with a record of their department.
 */
import { type Caller, type Ctx, iso, requireRole } from '../kernel/index.ts';
import type { EntityKind } from './kinds.ts';

export type ReviewStatus = 'pending' | 'match' | 'no_match';

interface Row {
  id: string; rid_l: string; rid_r: string; probability: number; weight: number; status: ReviewStatus; reason: string | null;
  decided_by_name: string | null; decided_at: Date | null; l_code: string | null; l_name: string | null; r_code: string | null; r_name: string | null; total: number;
}

export const entityReview = {
  async list(ctx: Ctx, caller: Caller, kind: EntityKind, q: { status: ReviewStatus; limit: number; offset: number }) {
    requireRole(caller, 'admin', 'officer');
    const mine = caller.role === 'admin' ? '' : 'AND (dl.department_id = $5 OR dr.department_id = $5)';
    const rows = await ctx.db.query<Row>(
      `SELECT r.id, r.rid_l, r.rid_r, r.probability, r.weight, r.status, r.reason, r.decided_by_name, r.decided_at,
              dl.code AS l_code, dl.name AS l_name, dr.code AS r_code, dr.name AS r_name, count(*) OVER ()::int AS total
         FROM entity_review r
         LEFT JOIN entity_members ml ON ml.kind = r.kind AND ml.rid = r.rid_l LEFT JOIN datasets dl ON dl.id = ml.dataset_id
         LEFT JOIN entity_members mr ON mr.kind = r.kind AND mr.rid = r.rid_r LEFT JOIN datasets dr ON dr.id = mr.dataset_id
        WHERE r.kind = $1 AND r.status = $2 ${mine}
        ORDER BY ${q.status === 'pending' ? 'r.probability DESC' : 'r.decided_at DESC'}, r.id LIMIT $3 OFFSET $4`,
      [kind, q.status, q.limit, q.offset, ...(caller.role === 'admin' ? [] : [caller.departmentId])]);
    return {
      total: rows[0]?.total ?? 0,
      items: rows.map((r) => ({
        id: r.id, probability: r.probability, weight: r.weight, status: r.status, reason: r.reason, decidedBy: r.decided_by_name, decidedAt: iso(r.decided_at),
        left: { rid: r.rid_l, dataset: { code: r.l_code, name: r.l_name } }, right: { rid: r.rid_r, dataset: { code: r.r_code, name: r.r_name } },
      })),
    };
  },
};
