import { Readable } from 'node:stream';
import { type Caller, type Ctx, problem, isAdmin } from '../kernel/index.ts';
import { Filter } from '../control/index.ts';
import { rowToEvent } from './AuditLog.ts';
import type { SignedHead } from './heads.ts';

/** Reading the audit trail: admins see all; others see the events of their own department and their own actions. */
export const auditService = {
  list(ctx: Ctx, caller: Caller, q: { limit: number; offset: number; action?: string; actor?: string; objectType?: string; objectId?: string; from?: string; to?: string }) {
    const f = new Filter();
    if (!isAdmin(caller)) {
      if (caller.role === 'officer' && caller.departmentId) f.add(`(department_id = ${f.param(caller.departmentId)} OR actor_id = ${f.param(caller.id)})`);
      else f.eq('actor_id', caller.id);
    }
    if (q.action) f.add(`action LIKE ${f.param(q.action.replace(/[%_]/g, '\\$&') + '%')}`);
    f.eq('actor_name', q.actor).eq('object_type', q.objectType).eq('object_id', q.objectId);
    if (q.from) f.add(`ts >= ${f.param(q.from)}::timestamptz`);
    if (q.to) f.add(`ts < ${f.param(q.to)}::timestamptz`);
    return f.page(ctx.db, 'SELECT * FROM audit_events', 'seq DESC', q, rowToEvent as (r: never) => ReturnType<typeof rowToEvent>);
  },

  /** Verify the chain against its checkpoints, the anchor file and any heads the admin brings from witnesses. */
  async verify(ctx: Ctx, caller: Caller, input: { witnesses?: SignedHead[] } = {}) {
    if (!isAdmin(caller)) throw problem('forbidden', '仅管理员可校验审计链 / admin only');
    const witnesses = (input.witnesses ?? []).map((value, i) => ({ source: 'request', line: i + 1, value }));
    const res = await ctx.audit.verify(undefined, { witnesses });
    await ctx.audit.record(caller, {
      action: 'audit.verify', objectType: 'audit',
      details: { ok: res.ok, checked: res.checked, firstBad: res.firstBad ?? null, anchors: res.anchors.checked, witnesses: res.witnesses.checked },
    });
    return res;
  },

  /** The newest anchored signed head, for a witness to keep (audited: who took which head). */
  async head(ctx: Ctx, caller: Caller): Promise<SignedHead> {
    if (!isAdmin(caller)) throw problem('forbidden', '仅管理员可获取签名链头 / admin only');
    const head = await ctx.audit.head();
    await ctx.audit.record(caller, { action: 'audit.head', objectType: 'audit', details: head ? { seq: head.seq, hash: head.hash } : { seq: null } });
    if (!head) throw problem('not-found', '尚无已锚定的签名链头（先签名检查点）/ no anchored signed head yet (sign a checkpoint first)');
    return head;
  },

  /**
   * NDJSON: a header line with the public key, every event, every checkpoint, then every anchor of
   * the anchor file. Checkpoints and anchors are read before the events, so each names an exported event.
   */
  exportStream(ctx: Ctx, caller: Caller): Readable {
    async function* lines() {
      await ctx.audit.record(caller, { action: 'audit.export', objectType: 'audit' });
      await ctx.audit.checkpoint();
      const checkpoints = await ctx.audit.checkpoints();
      const anchors = (await ctx.audit.anchors?.read()) ?? { anchors: [], malformed: [] };
      yield JSON.stringify({
        kind: 'header', format: 'govhub-audit/1', publicKey: ctx.audit.key.publicPem, keyId: ctx.audit.key.keyId,
        exportedAt: new Date().toISOString(), anchors: anchors.anchors.length,
      }) + '\n';
      for await (const e of ctx.audit.events()) yield JSON.stringify({ kind: 'event', ...e }) + '\n';
      for (const c of checkpoints) yield JSON.stringify({ kind: 'checkpoint', ...c }) + '\n';
      for (const a of anchors.anchors) yield JSON.stringify({ kind: 'anchor', ...a.value }) + '\n';
      for (const m of anchors.malformed) yield JSON.stringify({ kind: 'anchor-malformed', line: m.line, reason: m.reason }) + '\n';
    }
    return Readable.from(lines());
  },
};
