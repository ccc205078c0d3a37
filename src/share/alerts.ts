import { Filter } from '../control/index.ts';
import { type Caller, type Ctx, iso, notFound, requireRole } from '../kernel/index.ts';

interface AlertRow {
  id: string; kind: string; grant_id: string | null; dataset_code: string | null; department_name: string | null; actor_name: string;
  details: Record<string, unknown>; created_at: Date; acknowledged_at: Date | null; acknowledged_by_name: string | null;
}

/** Access anomalies raised by the trail (src/share/trail.ts), for the admin to look into. */
export const accessAlerts = {
  list(ctx: Ctx, caller: Caller, q: { limit: number; offset: number; open?: boolean }) {
    requireRole(caller, 'admin');
    const f = new Filter();
    if (q.open) f.add('a.acknowledged_at IS NULL');
    return f.page(ctx.db, `SELECT a.*, d.code AS dataset_code, p.name AS department_name FROM access_alerts a LEFT JOIN datasets d ON d.id = a.dataset_id
         LEFT JOIN departments p ON p.id = a.department_id`, 'a.created_at DESC', q, (r: AlertRow) => ({
      id: r.id, kind: r.kind, grantId: r.grant_id, dataset: r.dataset_code, department: r.department_name, actor: r.actor_name, details: r.details,
      createdAt: iso(r.created_at), acknowledgedAt: iso(r.acknowledged_at), acknowledgedBy: r.acknowledged_by_name,
    }));
  },


  async acknowledge(ctx: Ctx, caller: Caller, id: string) {
    requireRole(caller, 'admin');
    return ctx.db.transaction(async (tx) => {
      const r = await tx.query('UPDATE access_alerts SET acknowledged_at = now(), acknowledged_by_name = $2 WHERE id = $1 AND acknowledged_at IS NULL RETURNING id', [id, caller.username]);
      if (!r.length && !(await tx.one('SELECT 1 FROM access_alerts WHERE id = $1', [id]))) throw notFound('alert', id);
      await ctx.audit.append(tx, caller, { action: 'share.alert_ack', objectType: 'alert', objectId: id });
      return { id, acknowledged: true };
    });
  },
};
