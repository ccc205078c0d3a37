import { Readable } from 'node:stream';
import type { Caller, Ctx } from '../context.ts';
import { paged } from '../control/index.ts';
import { isAdmin } from '../identity/permissions.ts';
import { problem } from '../server/errors.ts';
import { rowToEvent } from './AuditLog.ts';

/** Reading the audit trail: admins see all; others see the events of their own department and their own actions. */
export const auditService = {
  list(ctx: Ctx, caller: Caller, q: { limit: number; offset: number; action?: string; actor?: string; objectType?: string; objectId?: string }) {
    const conds: string[] = [];
    const p: unknown[] = [];
    if (!isAdmin(caller)) {
      if (caller.role === 'officer' && caller.departmentId) conds.push(`(department_id = $${p.push(caller.departmentId)} OR actor_id = $${p.push(caller.id)})`);
      else conds.push(`actor_id = $${p.push(caller.id)}`);
    }
    if (q.action) conds.push(`action LIKE $${p.push(q.action.replace(/[%_]/g, '\\$&') + '%')}`);
    if (q.actor) conds.push(`actor_name = $${p.push(q.actor)}`);
    if (q.objectType) conds.push(`object_type = $${p.push(q.objectType)}`);
    if (q.objectId) conds.push(`object_id = $${p.push(q.objectId)}`);
    const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    return paged(ctx.db, `SELECT * FROM audit_events ${where}`, p, 'seq DESC', q, rowToEvent as (r: never) => ReturnType<typeof rowToEvent>);
  },

  async verify(ctx: Ctx, caller: Caller) {
    if (!isAdmin(caller)) throw problem('forbidden', '仅管理员可校验审计链 / admin only');
    const res = await ctx.audit.verify();
    await ctx.audit.record(caller, { action: 'audit.verify', objectType: 'audit', details: { ok: res.ok, checked: res.checked, firstBad: res.firstBad ?? null } });
    return res;
  },

  /** NDJSON: a header line with the public key, every event, then every checkpoint. */
  exportStream(ctx: Ctx, caller: Caller): Readable {
    async function* lines() {
      await ctx.audit.record(caller, { action: 'audit.export', objectType: 'audit' });
      await ctx.audit.checkpoint();
      yield JSON.stringify({ kind: 'header', format: 'govhub-audit/1', publicKey: ctx.audit.key.publicPem, keyId: ctx.audit.key.keyId, exportedAt: new Date().toISOString() }) + '\n';
      for await (const e of ctx.audit.events()) yield JSON.stringify({ kind: 'event', ...e }) + '\n';
      const cps = await ctx.db.query<{ seq: number; hash: string; ts: Date; key_id: string; signature: string }>('SELECT * FROM audit_checkpoints ORDER BY seq');
      for (const c of cps) yield JSON.stringify({ kind: 'checkpoint', seq: Number(c.seq), hash: c.hash, ts: new Date(c.ts).toISOString(), keyId: c.key_id, signature: c.signature }) + '\n';
    }
    return Readable.from(lines());
  },
};
