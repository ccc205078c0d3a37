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

  /**
   * "Who used my data" (谁用了我的数据): every read that returned rows about the citizen — found by
   * the keyed pseudonym of their ID number, which each such read carries in its hash-chained event.
   * Exact (the keys are those of the rows returned), newest first, with the reading department,
   * application, dataset, purpose and grant. Viewing it is itself recorded.
   */
  async dataUses(ctx: Ctx, caller: Caller, q: { limit: number; offset: number }) {
    if (caller.role !== 'citizen' || !caller.id) throw problem('forbidden', '仅公众账号可查看 / citizens only');
    const me = await ctx.db.one<{ id_number_hash: string | null }>('SELECT id_number_hash FROM users WHERE id = $1', [caller.id]);
    if (!me?.id_number_hash) throw problem('conflict', '账号尚未绑定身份证号 / this account is not linked to an ID number');
    const where = `WHERE subject_keys @> ARRAY[$1]::text[] AND action = 'data.read'`;
    const total = await ctx.db.one<{ n: string }>(`SELECT count(*) AS n FROM audit_events ${where}`, [me.id_number_hash]);
    const rows = await ctx.db.query<{ seq: string; ts: Date; actor_name: string; department_code: string | null; department_name: string | null; owner_name: string | null; object_id: string; dataset_name: string | null; details: Record<string, unknown> | string; token_name: string | null; hash: string }>(
      `SELECT e.seq, e.ts, e.actor_name, d.code AS department_code, d.name AS department_name, o.name AS owner_name, e.object_id, ds.name AS dataset_name, e.details, t.name AS token_name, e.hash
         FROM audit_events e LEFT JOIN departments d ON d.id = e.actor_department_id LEFT JOIN departments o ON o.id = e.department_id
         LEFT JOIN datasets ds ON ds.code = e.object_id LEFT JOIN tokens t ON t.id::text = e.details->>'tokenId'
         ${where} ORDER BY e.seq DESC LIMIT $2 OFFSET $3`, [me.id_number_hash, q.limit, q.offset]);
    await ctx.audit.record(caller, { action: 'audit.data_uses', objectType: 'user', objectId: caller.id, details: { events: rows.length } });
    return {
      total: Number(total?.n ?? 0), limit: q.limit, offset: q.offset,
      items: rows.map((r) => {
        const d = typeof r.details === 'string' ? JSON.parse(r.details) as Record<string, unknown> : r.details;
        return {
          seq: Number(r.seq), at: new Date(r.ts).toISOString(), reader: r.actor_name, department: r.department_name ?? (r.department_code ?? '平台管理员 / platform admin'),
          application: r.token_name, dataset: r.object_id, datasetName: r.dataset_name, owner: r.owner_name,
          purpose: (d.purpose as string | null) ?? (d.basis === 'owner' ? '本部门业务 / the department\'s own work' : null),
          grantId: (d.grantId as string | null) ?? null, via: (d.via as string | null) ?? null, fields: (d.fields as string[] | undefined) ?? [], hash: r.hash,
        };
      }),
    };
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
