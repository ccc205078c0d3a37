/**
 * Handling a case (办理): the dispatch centre dispatches it as a work order to the department that
 * must act; the department accepts it or returns it (退单, back to the centre); handles and answers
 * it; the citizen rates the answer (满意 / 基本满意 close it, 不满意 reopens it). Time limits,
 * warnings and supervision (督办) are the work order's; extensions are asked by the department and
 * decided by the centre. Duplicates are merged into one case, and every merged reporter is answered.
 */
import type { Queryable } from '../../control/index.ts';
import { raiseNotice } from '../../identity/index.ts';
import { type Caller, type Ctx, fieldProblem, newId, notFound, problem, SYSTEM } from '../../kernel/index.ts';
import { type Action, type Status, workOrders } from '../workorders/index.ts';
import { caseCategories } from './categories.ts';
import { addCaseEvent, type CaseRow, type CaseStatus, centreOf, type Satisfaction, SATISFACTION, type Standing, visibleCase } from './store.ts';

/** The case's state for each state of its work order. */
export const CASE_STATUS_OF: Record<Status, CaseStatus> = {
  new: 'dispatched', assigned: 'dispatched', in_progress: 'handling', returned: 'returned', suspended: 'suspended', done: 'answered', verified: 'answered', closed: 'closed',
};

const need = (ok: boolean, what: string) => {
  if (!ok) throw problem('forbidden', what);
};
const inState = (r: CaseRow, allowed: CaseStatus[], action: string) => {
  if (!allowed.includes(r.status)) throw problem('conflict', `案件状态为 ${r.status}，不能${action} / cannot ${action} a case that is ${r.status}`, [{ field: 'status', message: `${action} not allowed from ${r.status}` }]);
};
const reasonOf = (reason: string | undefined, field = 'reason') => {
  const t = reason?.trim() ?? '';
  if (t.length < 2 || t.length > 2000) throw fieldProblem(field, '请写明理由（2–2000 字）/ give the reason (2–2000 characters)');
  return t;
};

async function audit(ctx: Ctx, tx: Queryable, caller: Caller, action: string, r: CaseRow, details: Record<string, unknown> = {}): Promise<void> {
  await ctx.audit.append(tx, caller, { action: `case.${action}`, objectType: 'case', objectId: r.id, departmentId: r.department_id, details: { code: r.code, ...details } });
}

/** Move the case to `to`, with a line on its timeline; `set` more columns at once. Only from the state it was read in. */
async function move(tx: Queryable, caller: Caller | string, r: CaseRow, to: CaseStatus, action: string, note: string | null, set: Record<string, unknown> = {}, publicLine = false): Promise<void> {
  const cols = Object.keys(set);
  const moved = await tx.query(
    `UPDATE cases SET status = $3${cols.map((c, i) => `, ${c} = $${i + 4}`).join('')}, updated_at = now() WHERE id = $1 AND status = $2 RETURNING id`,
    [r.id, r.status, to, ...cols.map((c) => set[c])],
  );
  if (!moved.length) throw problem('conflict', '案件状态已变化，请刷新 / the case changed meanwhile');
  await addCaseEvent(tx, { id: newId(), caseId: r.id, actor: caller, action, from: r.status, to, note, public: publicLine });
}

/** Act on the case's work order as the case does, moving the case with it in one transaction. */
async function orderAct(ctx: Ctx, caller: Caller, r: CaseRow, action: Action, input: { reason?: string; note?: string; handlerId?: string }, then: (tx: Queryable, to: CaseStatus) => Promise<void>): Promise<void> {
  if (!r.workorder_id) throw problem('conflict', '案件尚未派单 / the case has not been dispatched');
  await workOrders.act(ctx, caller, r.workorder_id, action, input, { via: 'case', within: (tx, m) => then(tx, CASE_STATUS_OF[m.to]) });
}

export interface DispatchInput { category: string; departmentId: string; urgency?: 'normal' | 'urgent'; note?: string }

export const handling = {
  /**
   * Dispatch a pending or returned case (派单): confirm or correct its category (a correction is a
   * label the classifier learns from) and send it to a department as a new work order with the
   * category's time limit. A returned case's old order is closed with the return's reason.
   */
  async dispatch(ctx: Ctx, caller: Caller, id: string, input: DispatchInput): Promise<void> {
    const { r, s } = await visibleCase(ctx.db, caller, id);
    need(s.centre && (caller.role === 'officer' || caller.role === 'admin'), '只有受理中心的数据专员可以派单 / only the dispatch centre\'s officers dispatch');
    inState(r, ['pending', 'returned'], '派单');
    const cat = await caseCategories.get(ctx, input.category).catch(() => {
      throw fieldProblem('category', `没有这个类别 / no such category: ${input.category}`);
    });
    if (!cat.active) throw fieldProblem('category', '类别已停用 / the category is not in use');
    const urgency = input.urgency ?? r.urgency;
    if (r.status === 'returned' && r.workorder_id) {
      await workOrders.act(ctx, SYSTEM, r.workorder_id, 'close', { reason: '退单后重新派单 / re-dispatched after return' }, { via: 'case' });
    }
    const corrected = !!r.suggested_category && r.suggested_category !== cat.code;
    const now = new Date();
    await workOrders.create(ctx, caller, {
      title: `【${cat.name}】${r.title}`,
      description: `${r.text}\n\n地点 / place: ${r.address || '—'}${r.grid_code ? `（网格 ${r.grid_code}）` : ''}\n案件 / case: ${r.code}${input.note ? `\n派单说明 / note: ${input.note}` : ''}`,
      source: 'case', sourceRef: { caseId: r.id, code: r.code }, departmentId: input.departmentId, priority: urgency,
      workingDays: urgency === 'urgent' ? cat.days.urgent : cat.days.normal,
    }, {
      within: async (tx, order) => {
        await move(tx, caller, r, 'dispatched', 'dispatch', input.note?.trim() || null, {
          category_code: cat.code, department_id: input.departmentId, workorder_id: order.id, urgency, due_at: order.dueAt.toISOString(),
          dispatched_at: r.dispatched_at ? new Date(r.dispatched_at).toISOString() : now.toISOString(),
        }, true);
        if (corrected) await addCaseEvent(tx, { id: newId(), caseId: r.id, actor: caller, action: 'recategorize', from: null, to: null, note: `${r.suggested_category} → ${cat.code}` });
        await audit(ctx, tx, caller, 'dispatch', { ...r, department_id: input.departmentId }, { category: cat.code, suggested: r.suggested_category, corrected, order: order.code, dueAt: order.dueAt.toISOString() });
      },
    });
  },

  /** The department takes the case on (签收): its order is assigned (to the caller unless another handler is named) and started. */
  async accept(ctx: Ctx, caller: Caller, id: string, input: { handlerId?: string } = {}): Promise<void> {
    const { r, s } = await visibleCase(ctx.db, caller, id);
    need(s.handling, '只有承办部门可以签收 / only the handling department accepts');
    inState(r, ['dispatched'], '签收');
    const order = await workOrders.get(ctx, caller, r.workorder_id!);
    if (order.status === 'new' || (input.handlerId && order.handler?.id !== input.handlerId)) {
      // a handler takes the case himself; naming someone else is an officer's dispatch
      const assigner = caller.role === 'officer' ? caller : (input.handlerId && input.handlerId !== caller.id ? null : SYSTEM);
      need(!!assigner, '只有数据专员可以指定他人办理 / only officers hand a case to someone else');
      await orderAct(ctx, assigner!, r, 'assign', { handlerId: input.handlerId ?? caller.id! }, async () => {});
    }
    await orderAct(ctx, caller, { ...r }, 'start', {}, async (tx, to) => {
      await move(tx, caller, r, to, 'accept', null, { accepted_at: r.accepted_at ? new Date(r.accepted_at).toISOString() : new Date().toISOString() }, true);
      await audit(ctx, tx, caller, 'accept', r);
    });
  },

  /** Return the case to the centre (退单): not this department's to handle. */
  async giveBack(ctx: Ctx, caller: Caller, id: string, reason: string | undefined): Promise<void> {
    const { r, s } = await visibleCase(ctx.db, caller, id);
    need(s.handling, '只有承办部门可以退单 / only the handling department returns a case');
    inState(r, ['dispatched', 'handling'], '退单');
    const why = reasonOf(reason);
    await orderAct(ctx, caller, r, 'return', { reason: why }, async (tx, to) => {
      await move(tx, caller, r, to, 'return', why, { returns: r.returns + 1 });
      await audit(ctx, tx, caller, 'return', r, { reason: why });
      for (const d of await centreOf(tx)) await raiseNotice(tx, { kind: 'case.returned', title: `案件被退回：${r.title}`, body: `${r.code}：${why}`, objectType: 'case', objectId: r.id, departmentId: d, admins: false });
    });
  },

  /** Answer the citizen (答复): the order is done; every report merged into this case gets the same answer. */
  async answer(ctx: Ctx, caller: Caller, id: string, text: string | undefined): Promise<void> {
    const { r, s } = await visibleCase(ctx.db, caller, id);
    need(s.handling, '只有承办部门可以答复 / only the handling department answers');
    inState(r, ['handling'], '答复');
    const answer = text?.trim() ?? '';
    if (answer.length < 5 || answer.length > 5000) throw fieldProblem('answer', '答复须为 5–5000 个字 / 5–5000 characters');
    const by = caller.displayName || caller.username;
    await orderAct(ctx, caller, r, 'done', { note: answer.slice(0, 2000) }, async (tx, to) => {
      const set = { answer, answered_at: new Date().toISOString(), answered_by: `${r.dept_name ?? ''} ${by}`.trim() };
      await move(tx, caller, r, to, 'answer', answer, set, true);
      await audit(ctx, tx, caller, 'answer', r, { length: answer.length });
      await answerMerged(ctx, tx, caller, r, set);
    });
  },

  /**
   * The citizen's rating (评价), from the reporter's account, the follow-up page, or the centre's
   * call-back (回访): satisfied or basically satisfied closes the case; not satisfied reopens it.
   */
  async rate(ctx: Ctx, caller: Caller, id: string, input: { satisfaction: Satisfaction; resolved?: boolean; comment?: string }, via?: Standing): Promise<void> {
    const { r, s } = via ? { r: await caseRow(ctx.db, id), s: via } : await visibleCase(ctx.db, caller, id);
    need(s.centre || s.reporter, '只有反映人或受理中心（回访）可以评价 / only the reporter or the centre (call-back) rates');
    if (!SATISFACTION.includes(input.satisfaction)) throw fieldProblem('satisfaction', SATISFACTION.join(' | '));
    if ((input.comment ?? '').length > 1000) throw fieldProblem('comment', '最长 1000 字 / 1000 characters at most');
    if (r.status === 'merged') return handling.rateMerged(ctx, caller, r, input);
    inState(r, ['answered'], '评价');
    const set = { satisfaction: input.satisfaction, resolved: input.resolved ?? input.satisfaction !== 'unsatisfied', rating_comment: input.comment?.trim() || null, rated_at: new Date().toISOString() };
    const note = `${{ satisfied: '满意', basic: '基本满意', unsatisfied: '不满意' }[input.satisfaction]}${input.comment ? `：${input.comment.trim()}` : ''}`;
    if (input.satisfaction === 'unsatisfied') {
      await orderAct(ctx, SYSTEM, r, 'reopen', { reason: `市民不满意 / citizen not satisfied${input.comment ? `：${input.comment.trim()}` : ''}` }, async (tx, to) => {
        await move(tx, caller, r, to, 'rate', note, { ...set, reopens: r.reopens + 1 }, true);
        await audit(ctx, tx, caller, 'rate', r, { satisfaction: input.satisfaction, reopened: true });
        if (r.department_id) await raiseNotice(tx, { kind: 'case.reopened', title: `案件不满意重办：${r.title}`, body: r.code, objectType: 'case', objectId: r.id, departmentId: r.department_id, admins: false });
      });
      return;
    }
    await orderAct(ctx, SYSTEM, r, 'verify', {}, async () => {});
    await orderAct(ctx, SYSTEM, r, 'close', {}, async (tx, to) => {
      await move(tx, caller, r, to, 'rate', note, { ...set, closed_at: new Date().toISOString() }, true);
      await audit(ctx, tx, caller, 'rate', r, { satisfaction: input.satisfaction });
    });
  },

  /** A merged report's own rating: recorded on it (its reporter was answered); the main case is not moved. */
  async rateMerged(ctx: Ctx, caller: Caller, r: CaseRow, input: { satisfaction: Satisfaction; resolved?: boolean; comment?: string }): Promise<void> {
    if (!r.answered_at) throw problem('conflict', '尚未答复，不能评价 / not answered yet');
    await ctx.db.transaction(async (tx) => {
      await tx.query(`UPDATE cases SET satisfaction = $2, resolved = $3, rating_comment = $4, rated_at = now(), updated_at = now() WHERE id = $1`,
        [r.id, input.satisfaction, input.resolved ?? input.satisfaction !== 'unsatisfied', input.comment?.trim() || null]);
      await addCaseEvent(tx, { id: newId(), caseId: r.id, actor: caller, action: 'rate', from: r.status, to: r.status, note: input.satisfaction, public: true });
      await audit(ctx, tx, caller, 'rate', r, { satisfaction: input.satisfaction, merged: true });
    });
  },

  /** The centre closes an answered case that was not rated in time (回访无评价). */
  async close(ctx: Ctx, caller: Caller, id: string, reason: string | undefined): Promise<void> {
    const { r, s } = await visibleCase(ctx.db, caller, id);
    need(s.centre, '只有受理中心可以结案 / only the centre closes a case');
    inState(r, ['answered'], '结案');
    const why = reasonOf(reason);
    await orderAct(ctx, SYSTEM, r, 'verify', {}, async () => {});
    await orderAct(ctx, SYSTEM, r, 'close', {}, async (tx, to) => {
      await move(tx, caller, r, to, 'close', why, { closed_at: new Date().toISOString() }, true);
      await audit(ctx, tx, caller, 'close', r, { reason: why });
    });
  },

  /** The centre finds a pending or returned report not to be a case (无效：咨询已解答、恶意、重复来电…). */
  async invalidate(ctx: Ctx, caller: Caller, id: string, reason: string | undefined): Promise<void> {
    const { r, s } = await visibleCase(ctx.db, caller, id);
    need(s.centre, '只有受理中心可以作无效处理 / only the centre marks a report invalid');
    inState(r, ['pending', 'returned'], '作无效处理');
    const why = reasonOf(reason);
    if (r.status === 'returned' && r.workorder_id) await workOrders.act(ctx, SYSTEM, r.workorder_id, 'close', { reason: why }, { via: 'case' });
    await ctx.db.transaction(async (tx) => {
      await move(tx, caller, r, 'invalid', 'invalidate', why, { closed_at: new Date().toISOString() }, true);
      await audit(ctx, tx, caller, 'invalidate', r, { reason: why });
    });
  },

  /**
   * Merge a pending duplicate into the main case (合并): it is answered with the main case's answer
   * (at once if that is answered already), and stays the reporter's to follow and rate.
   */
  async merge(ctx: Ctx, caller: Caller, id: string, into: string): Promise<void> {
    const { r, s } = await visibleCase(ctx.db, caller, id);
    need(s.centre, '只有受理中心可以合并案件 / only the centre merges cases');
    inState(r, ['pending'], '合并');
    if (into === id) throw fieldProblem('into', '不能合并到自身 / not into itself');
    const main = await ctx.db.one<CaseRow>(`SELECT * FROM cases WHERE id = $1`, [into]);
    if (!main) throw fieldProblem('into', '主案件不存在 / no such case');
    if (main.status === 'merged' || main.status === 'invalid') throw fieldProblem('into', '主案件已合并或无效 / the main case is merged or invalid');
    await ctx.db.transaction(async (tx) => {
      const answered = main.answered_at ? { answer: main.answer, answered_at: new Date(main.answered_at).toISOString(), answered_by: main.answered_by } : {};
      await move(tx, caller, r, 'merged', 'merge', `并入 / merged into ${main.code}`, { merged_into: main.id, category_code: main.category_code, department_id: main.department_id, ...answered }, true);
      await addCaseEvent(tx, { id: newId(), caseId: main.id, actor: caller, action: 'merge', from: null, to: null, note: `并入 ${r.code} / ${r.code} merged in` });
      await audit(ctx, tx, caller, 'merge', r, { into: main.code });
      if (main.answered_at) await tellReporter(tx, r, `您反映的问题已答复：${r.title}`);
    });
  },

  /** Correct the category of a case (the department or the centre); a correction trains the classifier. */
  async recategorize(ctx: Ctx, caller: Caller, id: string, category: string): Promise<void> {
    const { r, s } = await visibleCase(ctx.db, caller, id);
    need(s.centre || s.handling, '只有受理中心或承办部门可以更正类别 / only the centre or the handling department corrects the category');
    const cat = await caseCategories.get(ctx, category).catch(() => {
      throw fieldProblem('category', `没有这个类别 / no such category: ${category}`);
    });
    await ctx.db.transaction(async (tx) => {
      await tx.query(`UPDATE cases SET category_code = $2, updated_at = now() WHERE id = $1`, [r.id, cat.code]);
      await addCaseEvent(tx, { id: newId(), caseId: r.id, actor: caller, action: 'recategorize', from: null, to: null, note: `${r.category_code ?? r.suggested_category ?? '—'} → ${cat.code}` });
      await audit(ctx, tx, caller, 'recategorize', r, { from: r.category_code, to: cat.code });
    });
  },

  /** The handling department asks for more time (延期申请). */
  async askExtension(ctx: Ctx, caller: Caller, id: string, input: { days: number; reason?: string }): Promise<string> {
    const { r, s } = await visibleCase(ctx.db, caller, id);
    need(s.handling, '只有承办部门可以申请延期 / only the handling department asks for an extension');
    inState(r, ['dispatched', 'handling'], '申请延期');
    if (!(Number.isInteger(input.days) && input.days >= 1 && input.days <= 30)) throw fieldProblem('days', '1–30 个工作日 / 1–30 working days');
    const why = reasonOf(input.reason);
    if (await ctx.db.one(`SELECT 1 FROM case_extensions WHERE case_id = $1 AND status = 'pending'`, [r.id])) throw problem('conflict', '已有待审批的延期申请 / an extension is already waiting');
    const eid = newId();
    await ctx.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO case_extensions (id, case_id, days, reason, status, requested_by, requested_at) VALUES ($1,$2,$3,$4,'pending',$5, now())`, [eid, r.id, input.days, why, caller.displayName || caller.username]);
      await addCaseEvent(tx, { id: newId(), caseId: r.id, actor: caller, action: 'extension.ask', from: null, to: null, note: `${input.days} 个工作日：${why}` });
      await audit(ctx, tx, caller, 'extension.ask', r, { days: input.days, reason: why });
      for (const d of await centreOf(tx)) await raiseNotice(tx, { kind: 'case.extension', title: `延期申请：${r.title}`, body: `${r.code}：${input.days} 个工作日`, objectType: 'case', objectId: r.id, departmentId: d, admins: false });
    });
    return eid;
  },

  /** The centre approves (the due date moves on by the days asked, in working days) or rejects an extension. */
  async decideExtension(ctx: Ctx, caller: Caller, id: string, extensionId: string, input: { approve: boolean; note?: string }): Promise<void> {
    const { r, s } = await visibleCase(ctx.db, caller, id);
    need(s.centre, '只有受理中心可以审批延期 / only the centre decides extensions');
    const e = await ctx.db.one<{ id: string; days: number; reason: string; status: string }>(`SELECT id, days, reason, status FROM case_extensions WHERE id = $1 AND case_id = $2`, [extensionId, r.id]);
    if (!e) throw notFound('caseExtension', extensionId);
    if (e.status !== 'pending') throw problem('conflict', '延期申请已审批 / already decided');
    await ctx.db.transaction(async (tx) => {
      const done = await tx.query(`UPDATE case_extensions SET status = $2, decided_by = $3, decided_at = now(), decision_note = $4 WHERE id = $1 AND status = 'pending' RETURNING id`,
        [e.id, input.approve ? 'approved' : 'rejected', caller.displayName || caller.username, input.note?.trim() || null]);
      if (!done.length) throw problem('conflict', '延期申请已审批 / already decided');
      let due: Date | null = null;
      if (input.approve && r.workorder_id) {
        due = await workOrders.extend(ctx, tx, caller, r.workorder_id, e.days, e.reason);
        await tx.query(`UPDATE cases SET due_at = $2, updated_at = now() WHERE id = $1`, [r.id, due.toISOString()]);
      }
      await addCaseEvent(tx, { id: newId(), caseId: r.id, actor: caller, action: input.approve ? 'extension.approve' : 'extension.reject', from: null, to: null, note: input.note?.trim() || (due ? `新时限 / due ${due.toISOString()}` : null) });
      await audit(ctx, tx, caller, input.approve ? 'extension.approve' : 'extension.reject', r, { days: e.days, dueAt: due?.toISOString() ?? null });
      if (r.department_id) await raiseNotice(tx, { kind: 'case.extension', title: `延期申请${input.approve ? '已批准' : '未批准'}：${r.title}`, body: r.code, objectType: 'case', objectId: r.id, departmentId: r.department_id, admins: false });
    });
  },
};

async function caseRow(q: Queryable, id: string): Promise<CaseRow> {
  const r = await q.one<CaseRow>(`SELECT * FROM cases WHERE id = $1`, [id]);
  if (!r) throw notFound('case', id);
  return r;
}

/** Give every report merged into `main` its answer, and tell their reporters. */
async function answerMerged(_ctx: Ctx, tx: Queryable, caller: Caller, main: CaseRow, set: { answer: string; answered_at: string; answered_by: string }): Promise<void> {
  const merged = await tx.query<CaseRow>(`SELECT * FROM cases WHERE merged_into = $1`, [main.id]);
  for (const m of merged) {
    await tx.query(`UPDATE cases SET answer = $2, answered_at = $3, answered_by = $4, updated_at = now() WHERE id = $1`, [m.id, set.answer, set.answered_at, set.answered_by]);
    await addCaseEvent(tx, { id: newId(), caseId: m.id, actor: caller, action: 'answer', from: m.status, to: m.status, note: set.answer, public: true });
    await tellReporter(tx, m, `您反映的问题已答复：${m.title}`);
  }
  await tellReporter(tx, main, `您反映的问题已答复：${main.title}`);
}

/** A reporter with an account is told in the platform; the others follow their case by number and phone. */
async function tellReporter(tx: Queryable, r: Pick<CaseRow, 'id' | 'code' | 'reporter_user_id'>, title: string): Promise<void> {
  if (!r.reporter_user_id) return;
  await tx.query(
    `INSERT INTO notices (id, user_id, kind, title, body, object_type, object_id, department_id) VALUES ($1,$2,'case.answered',$3,$4,'case',$5,NULL)`,
    [newId(), r.reporter_user_id, title, r.code, r.id],
  );
}
