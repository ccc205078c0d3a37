/**
 * The department side of push (推): the candidates a rule found, the responsible department's
 * second check (复核) in bulk — approve sends the notice (the inbox always; a text message or a
 * webhook call through notify), reject keeps the reason — and the outcome of each rule's notices.
 */
import { Filter, type Queryable } from '../../control/index.ts';
import { type Caller, type Ctx, isAdmin, notFound, problem } from '../../kernel/index.ts';
import { deliveries } from '../notify/index.ts';
import { checks, NOTICE_SELECT, type NoticeRow, type Outcome, type PushNotice, sees, type Status, toNotice, visibleNotice } from './store.ts';

/** The longest page of a list, and the most notices one check decides. */
export const PUSH_PAGE_MAX = 200;
export const CHECK_MAX = 500;

export interface NoticeQuery {
  rule?: string;
  status?: Status;
  outcome?: Outcome;
  limit?: number;
  offset?: number;
}

export interface CheckInput {
  ids: string[];
  decision: 'approve' | 'reject';
  reason?: string;
}

export interface CheckResult {
  sent: number;
  rejected: number;
  optedOut: number;
  notices: PushNotice[];
}

export interface RuleStats {
  rule: { id: string; code: string; name: string };
  department: { id: string; code: string; name: string };
  total: number;
  byStatus: Record<string, number>;
  byOutcome: Record<string, number>;
}

const bad = (field: string, message: string) => problem('validation', `${field}: ${message}`, [{ field, message }]);

/** Where the caller's view of notices starts: admins see all, others their departments' rules. */
function scope(f: Filter, caller: Caller): Filter {
  if (isAdmin(caller)) return f;
  // no department: no department has this id, so nothing is seen
  const d = f.param(caller.departmentId ?? '00000000-0000-0000-0000-000000000000');
  return f.add(`(n.department_id = ${d} OR n.owner_department_id = ${d})`);
}

/** The deliveries an approved notice makes besides the inbox. */
async function send(ctx: Ctx, tx: Queryable, n: NoticeRow, granted: boolean): Promise<void> {
  const ref = { type: 'push_notice', id: n.id };
  if (n.channel === 'sms') {
    // the platform keeps no phone numbers in clear: the gateway resolves the subject to its number
    await deliveries.enqueue(ctx, { channel: 'sms', target: n.subject, ref, payload: { text: `【${n.dept_name}】${n.title}：${n.body}`, notice: n.id } }, tx);
  }
  if (n.webhook) {
    await deliveries.enqueue(ctx, {
      channel: 'webhook', target: n.webhook, ref,
      payload: { type: 'push.notice', notice: n.id, rule: n.rule_code, event: n.event_key, subject: n.subject, subjectKind: n.subject_kind, department: n.dept_code, title: n.title, body: n.body, granted, at: new Date().toISOString() },
    }, tx);
  }
}

export const pushNotices = {
  /** Notices of the rules the caller's department owns or answers for (admins: all). */
  async list(ctx: Ctx, caller: Caller, q: NoticeQuery) {
    const f = scope(new Filter(), caller);
    if (q.rule) {
      const p = f.param(q.rule);
      f.add(`(n.rule_code = ${p} OR n.rule_id::text = ${p})`);
    }
    f.eq('n.status', q.status).eq('n.outcome', q.outcome);
    return f.page(ctx.db, NOTICE_SELECT, 'n.created_at DESC, n.id', { limit: Math.min(q.limit ?? 50, PUSH_PAGE_MAX), offset: q.offset ?? 0 }, toNotice);
  },

  async get(ctx: Ctx, caller: Caller, id: string): Promise<PushNotice & { deliveries: Awaited<ReturnType<typeof deliveries.of>> }> {
    const r = await visibleNotice(ctx.db, caller, id);
    return { ...toNotice(r), deliveries: await deliveries.of(ctx, { type: 'push_notice', id }) };
  },

  /**
   * The second check (复核), in bulk and all at once: every notice named must be a candidate the
   * caller's department answers for. Approve sends each (免申即享 rules: granted at the same time);
   * a subject who opted out since the run is not sent to. Reject needs a reason. Each decision is audited.
   */
  async check(ctx: Ctx, caller: Caller, input: CheckInput): Promise<CheckResult> {
    if (caller.role !== 'officer' && !isAdmin(caller)) throw problem('forbidden', '只有责任部门的数据专员可以复核 / only officers of the responsible department check notices');
    const ids = [...new Set(input.ids ?? [])];
    if (!ids.length || ids.length > CHECK_MAX) throw bad('ids', `1–${CHECK_MAX} 条 / 1–${CHECK_MAX} notices`);
    if (input.decision !== 'approve' && input.decision !== 'reject') throw bad('decision', 'approve | reject');
    const reason = (input.reason ?? '').trim();
    if (input.decision === 'reject' && !reason) throw bad('reason', '不予推送须说明理由 / a rejection needs a reason');
    if (reason.length > 2000) throw bad('reason', '最长 2000 字 / 2,000 characters at most');
    return ctx.db.transaction(async (tx) => {
      const rows = await tx.query<NoticeRow>(`${NOTICE_SELECT} WHERE n.id = ANY($1::uuid[]) FOR UPDATE OF n`, [ids]);
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const id of ids) {
        const r = byId.get(id);
        if (!r || !sees(caller, r)) throw notFound('notice', id);
        if (!checks(caller, r)) throw problem('forbidden', `只有责任部门（${r.dept_name}）可以复核 / only the responsible department checks its notices`);
        if (r.status !== 'candidate') throw problem('conflict', `通知 ${id} 已复核（${r.status}）/ notice ${id} was already checked (${r.status})`);
      }
      const out = new Set((await tx.query<{ subject: string; scope: string }>(
        `SELECT subject, scope FROM push_opt_outs WHERE subject = ANY($1::text[])`, [rows.map((r) => r.subject)],
      )).map((o) => `${o.subject}|${o.scope}`));
      const result: CheckResult = { sent: 0, rejected: 0, optedOut: 0, notices: [] };
      const who = caller.displayName || caller.username;
      for (const id of ids) {
        const r = byId.get(id)!;
        const optedOut = input.decision === 'approve' && (out.has(`${r.subject}|*`) || out.has(`${r.subject}|${r.rule_id}`));
        const status: Status = input.decision === 'reject' ? 'rejected' : optedOut ? 'opted_out' : 'sent';
        const granted = status === 'sent' && r.grant_without_application;
        const updated = (await tx.one<NoticeRow>(
          `UPDATE push_notices SET status = $2, outcome = $3, checked_by = $4, checked_by_name = $5, checked_at = now(), reason = $6,
             sent_at = CASE WHEN $2 = 'sent' THEN now() END, updated_at = now() WHERE id = $1 RETURNING *`,
          [id, status, granted ? 'granted' : null, caller.id, who, reason || null],
        ))!;
        const row = { ...updated, dept_code: r.dept_code, dept_name: r.dept_name };
        if (status === 'sent') await send(ctx, tx, row, granted);
        await ctx.audit.append(tx, caller, {
          action: `push.${input.decision}`, objectType: 'push_notice', objectId: id, departmentId: r.department_id, subjectKeys: [r.subject],
          details: { rule: r.rule_code, status, granted, channel: r.channel, ...(reason ? { reason } : {}) },
        });
        result[status === 'sent' ? 'sent' : status === 'rejected' ? 'rejected' : 'optedOut']++;
        result.notices.push(toNotice(row));
      }
      return result;
    });
  },

  /** Outcome per rule: how many notices stand where, and what the citizens answered. */
  async stats(ctx: Ctx, caller: Caller, q: { rule?: string } = {}): Promise<RuleStats[]> {
    const f = scope(new Filter(), caller);
    if (q.rule) {
      const p = f.param(q.rule);
      f.add(`(n.rule_code = ${p} OR n.rule_id::text = ${p})`);
    }
    const rows = await ctx.db.query<{ rule_id: string; rule_code: string; rule_name: string; department_id: string; dept_code: string; dept_name: string; status: string; outcome: string | null; n: number }>(
      `SELECT n.rule_id, n.rule_code, n.rule_name, n.department_id, d.code AS dept_code, d.name AS dept_name, n.status, n.outcome, count(*)::int AS n
         FROM push_notices n JOIN departments d ON d.id = n.department_id ${f.where}
        GROUP BY n.rule_id, n.rule_code, n.rule_name, n.department_id, d.code, d.name, n.status, n.outcome ORDER BY n.rule_code`,
      f.params,
    );
    const out = new Map<string, RuleStats>();
    for (const r of rows) {
      const s = out.get(r.rule_id) ?? {
        rule: { id: r.rule_id, code: r.rule_code, name: r.rule_name }, department: { id: r.department_id, code: r.dept_code, name: r.dept_name },
        total: 0, byStatus: {}, byOutcome: {},
      };
      const n = Number(r.n);
      s.total += n;
      s.byStatus[r.status] = (s.byStatus[r.status] ?? 0) + n;
      if (r.outcome) s.byOutcome[r.outcome] = (s.byOutcome[r.outcome] ?? 0) + n;
      out.set(r.rule_id, s);
    }
    return [...out.values()];
  },
};

