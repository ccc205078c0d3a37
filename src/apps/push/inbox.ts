/**
 * The citizen's side of push: the inbox (收件箱) of a citizen account linked to an ID number shows
 * the sent notices whose subject is that number's keyed pseudonym — their own as a person, and an
 * enterprise's where they are its legal representative (enterprise rules name the legal
 * representative's ID number as their subject). A citizen reads, answers (accept / decline) and
 * opts out of one rule or of all push. Every answer and opt-out is audited.
 */
import type { Queryable } from '../../control/index.ts';
import { type Caller, type Ctx, notFound, problem } from '../../kernel/index.ts';
import { type InboxItem, NOTICE_SELECT, type NoticeRow, toInboxItem } from './store.ts';

export interface OptOut {
  /** The rule (its code) or null: all push notices. */
  rule: { id: string; code: string; name: string } | null;
  createdAt: string;
}

/** The caller's subject: the keyed pseudonym of their linked ID number. */
async function subjectOf(q: Queryable, caller: Caller): Promise<string | null> {
  if (caller.role !== 'citizen' || !caller.id) throw problem('forbidden', '收件箱仅供公众账号使用 / the inbox is for citizen accounts');
  const u = await q.one<{ id_number_hash: string | null }>('SELECT id_number_hash FROM users WHERE id = $1', [caller.id]);
  return u?.id_number_hash ?? null;
}

async function ownNotice(q: Queryable, caller: Caller, id: string): Promise<{ row: NoticeRow; subject: string }> {
  const subject = await subjectOf(q, caller);
  const row = subject ? await q.one<NoticeRow>(`${NOTICE_SELECT} WHERE n.id = $1 AND n.subject = $2 AND n.status IN ('sent','read')`, [id, subject]) : undefined;
  if (!row || !subject) throw notFound('notice', id);
  return { row, subject };
}

const audit = (ctx: Ctx, tx: Queryable, caller: Caller, action: string, subject: string, objectId: string | null, details: Record<string, unknown>, departmentId: string | null = null) =>
  ctx.audit.append(tx, caller, { action: `push.${action}`, objectType: objectId ? 'push_notice' : 'push_opt_out', objectId, departmentId, subjectKeys: [subject], details });

async function optOutsOf(q: Queryable, subject: string): Promise<OptOut[]> {
  const rows = await q.query<{ scope: string; created_at: Date; rule_code: string | null; rule_name: string | null }>(
    `SELECT o.scope, o.created_at, r.rule_code, r.rule_name FROM push_opt_outs o
       LEFT JOIN LATERAL (SELECT rule_code, rule_name FROM push_notices WHERE rule_id::text = o.scope LIMIT 1) r ON true
      WHERE o.subject = $1 ORDER BY o.created_at, o.scope`, [subject],
  );
  return rows.map((r) => ({ rule: r.scope === '*' ? null : { id: r.scope, code: r.rule_code ?? '', name: r.rule_name ?? '' }, createdAt: new Date(r.created_at).toISOString() }));
}

export const inbox = {
  /** The caller's notices, newest first; `linked: false` when the account has no ID number linked. */
  async list(ctx: Ctx, caller: Caller, q: { unread?: boolean; limit?: number; offset?: number }) {
    const subject = await subjectOf(ctx.db, caller);
    const limit = Math.min(q.limit ?? 50, 200);
    const offset = q.offset ?? 0;
    if (!subject) return { items: [] as InboxItem[], total: 0, unread: 0, linked: false, limit, offset };
    const where = `WHERE n.subject = $1 AND n.status IN ('sent','read')`;
    const [rows, count] = await Promise.all([
      ctx.db.query<NoticeRow>(`${NOTICE_SELECT} ${where}${q.unread ? ` AND n.status = 'sent'` : ''} ORDER BY n.sent_at DESC, n.id LIMIT $2 OFFSET $3`, [subject, limit, offset]),
      ctx.db.one<{ total: number; unread: number }>(`SELECT count(*)::int AS total, count(*) FILTER (WHERE n.status = 'sent')::int AS unread FROM push_notices n ${where}`, [subject]),
    ]);
    return { items: rows.map(toInboxItem), total: q.unread ? Number(count?.unread) : Number(count?.total), unread: Number(count?.unread), linked: true, limit, offset };
  },

  async get(ctx: Ctx, caller: Caller, id: string): Promise<InboxItem> {
    return toInboxItem((await ownNotice(ctx.db, caller, id)).row);
  },

  /** Mark one notice read (again: no change). */
  async read(ctx: Ctx, caller: Caller, id: string): Promise<InboxItem> {
    return ctx.db.transaction(async (tx) => {
      const { row, subject } = await ownNotice(tx, caller, id);
      if (row.status === 'read') return toInboxItem(row);
      await tx.query(`UPDATE push_notices SET status = 'read', read_at = now(), updated_at = now() WHERE id = $1`, [id]);
      await audit(ctx, tx, caller, 'read', subject, id, { rule: row.rule_code }, row.department_id);
      return toInboxItem((await tx.one<NoticeRow>(`${NOTICE_SELECT} WHERE n.id = $1`, [id]))!);
    });
  },

  /** Answer a notice once: accept (will apply / go) or decline. A 免申即享 notice is granted already. */
  async respond(ctx: Ctx, caller: Caller, id: string, input: { response: 'accept' | 'decline'; note?: string }): Promise<InboxItem> {
    if (input.response !== 'accept' && input.response !== 'decline') throw problem('validation', 'response: accept | decline', [{ field: 'response', message: 'accept | decline' }]);
    const note = (input.note ?? '').trim();
    if (note.length > 500) throw problem('validation', 'note: 最长 500 字 / 500 characters at most', [{ field: 'note', message: 'too long' }]);
    return ctx.db.transaction(async (tx) => {
      const { row, subject } = await ownNotice(tx, caller, id);
      if (row.outcome) throw problem('conflict', `已有结果（${row.outcome}）/ already answered (${row.outcome})`);
      const outcome = input.response === 'accept' ? 'accepted' : 'declined';
      await tx.query(
        `UPDATE push_notices SET outcome = $2, response_note = $3, responded_at = now(), status = 'read', read_at = coalesce(read_at, now()), updated_at = now() WHERE id = $1`,
        [id, outcome, note || null],
      );
      await audit(ctx, tx, caller, input.response, subject, id, { rule: row.rule_code, outcome }, row.department_id);
      return toInboxItem((await tx.one<NoticeRow>(`${NOTICE_SELECT} WHERE n.id = $1`, [id]))!);
    });
  },

  /** The caller's opt-outs. */
  async optOuts(ctx: Ctx, caller: Caller): Promise<OptOut[]> {
    const subject = await subjectOf(ctx.db, caller);
    return subject ? optOutsOf(ctx.db, subject) : [];
  },

  /**
   * Opt out of one rule (named by a notice of it the caller received, or by the rule's code) or, with
   * no rule, of all push. Candidates not yet checked are withdrawn at once; later runs make none.
   */
  async optOut(ctx: Ctx, caller: Caller, input: { rule?: string | null }): Promise<OptOut[]> {
    return ctx.db.transaction(async (tx) => {
      const subject = await subjectOf(tx, caller);
      if (!subject) throw problem('conflict', '账号未绑定身份证号 / the account has no ID number linked');
      let scope = '*';
      if (input.rule) {
        // a rule the caller has heard of: one that sent them a notice
        const r = await tx.one<{ rule_id: string }>(`SELECT rule_id FROM push_notices WHERE subject = $1 AND (rule_code = $2 OR rule_id::text = $2) LIMIT 1`, [subject, input.rule]);
        if (!r) throw problem('validation', 'rule: 没有该规则发给您的通知 / no notice of this rule was sent to you', [{ field: 'rule', message: 'unknown rule' }]);
        scope = r.rule_id;
      }
      await tx.query(`INSERT INTO push_opt_outs (subject, scope, created_at) VALUES ($1,$2, now()) ON CONFLICT (subject, scope) DO NOTHING`, [subject, scope]);
      const withdrawn = await tx.query(
        `UPDATE push_notices SET status = 'opted_out', updated_at = now() WHERE subject = $1 AND status = 'candidate' AND ($2 = '*' OR rule_id::text = $2) RETURNING id`, [subject, scope],
      );
      await audit(ctx, tx, caller, 'opt_out', subject, null, { scope, withdrawn: withdrawn.length });
      return optOutsOf(tx, subject);
    });
  },

  /** Take an opt-out back (rule code or id, or none: the opt-out of all push). */
  async optIn(ctx: Ctx, caller: Caller, input: { rule?: string | null }): Promise<OptOut[]> {
    return ctx.db.transaction(async (tx) => {
      const subject = await subjectOf(tx, caller);
      if (!subject) throw problem('conflict', '账号未绑定身份证号 / the account has no ID number linked');
      const scopes = input.rule
        ? (await tx.query<{ rule_id: string }>(`SELECT DISTINCT rule_id FROM push_notices WHERE subject = $1 AND (rule_code = $2 OR rule_id::text = $2)`, [subject, input.rule])).map((r) => r.rule_id)
        : ['*'];
      const removed = await tx.query(`DELETE FROM push_opt_outs WHERE subject = $1 AND scope = ANY($2::text[]) RETURNING scope`, [subject, scopes]);
      if (removed.length) await audit(ctx, tx, caller, 'opt_in', subject, null, { scopes });
      return optOutsOf(tx, subject);
    });
  },
};
