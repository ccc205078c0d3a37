/**
 * Work orders (工单): opened by hand or by other modules (collision rules, alerts, cases), handled
 * by the responsible department through the state machine of machine.ts, on the working-day
 * calendar. Every change is an event on the order's timeline and an audit record.
 */
import { calendar } from '../../calendar/index.ts';
import { Filter, type Queryable } from '../../control/index.ts';
import { raiseNotice } from '../../identity/index.ts';
import { type Caller, type Ctx, isAdmin, iso, newId, problem, shanghaiDay, SYSTEM } from '../../kernel/index.ts';
import { ACTIONS, type Action, allowedActions, STATUSES, type Status, target, transitionOf } from './machine.ts';
import { dueDate, extendDue, type Priority, slaOf, type Sla } from './sla.ts';
import { addEvent, ORDER_SELECT, orderRow, type OrderRow, sidesOf, slaInput, type Source, SOURCES, toItem, visibleOrder, type WorkOrderItem } from './store.ts';
import { attachmentsOf, commentsOf, eventsOf, type WorkOrderAttachment, type WorkOrderComment, type WorkOrderEvent } from './timeline.ts';

/** The longest page of a list. */
export const WORKORDER_PAGE_MAX = 200;

export interface CreateInput {
  title: string;
  description?: string;
  source?: Source;
  sourceRef?: Record<string, unknown> | null;
  departmentId: string;
  handlerId?: string | null;
  priority?: Priority;
  /** The time limit in working days (default: 5, urgent 1). */
  workingDays?: number;
  evidence?: unknown;
}

export interface ActionInput {
  reason?: string;
  note?: string;
  handlerId?: string;
  /** On re-assigning a returned order: hand it to another department. */
  departmentId?: string;
}

export interface WorkOrder extends WorkOrderItem {
  description: string;
  sourceRef: unknown;
  evidence: unknown;
  createdBy: { id: string | null; name: string };
  actions: Action[];
  events: WorkOrderEvent[];
  comments: WorkOrderComment[];
  attachments: WorkOrderAttachment[];
}

/** Orders of these sources are acted on through their own module (a case's order through the case). */
const OWNED_SOURCES: readonly Source[] = ['case'];

export interface CreateOptions {
  /** Run in the order's transaction, after it is written (the opening module links it). */
  within?: (tx: Queryable, order: { id: string; code: string; dueAt: Date }) => Promise<void>;
}

export interface ActOptions {
  /** The module acting for an order of its own source. */
  via?: Source;
  /** Run in the action's transaction, after the order moved. */
  within?: (tx: Queryable, moved: { from: Status; to: Status; departmentId: string; handlerId: string | null }) => Promise<void>;
}

export interface ListQuery {
  status?: Status; department?: string; handler?: string; source?: Source; overdue?: boolean; supervised?: boolean; q?: string; mine?: boolean;
  limit?: number; offset?: number;
}

const bad = (field: string, message: string) => problem('validation', `${field}: ${message}`, [{ field, message }]);
const OPEN = `w.status NOT IN ('done','verified','closed','suspended')`;

/** The officers and handlers of a department may be an order's handler. */
async function checkHandler(q: Queryable, handlerId: string, departmentId: string): Promise<void> {
  const u = await q.one(`SELECT 1 FROM users WHERE id = $1 AND department_id = $2 AND NOT disabled AND role IN ('officer','handler')`, [handlerId, departmentId]);
  if (!u) throw bad('handlerId', '处理人须为责任部门的在岗人员 / the handler must be an active officer or handler of the responsible department');
}

async function checkDepartment(q: Queryable, departmentId: string): Promise<void> {
  if (!(await q.one('SELECT 1 FROM departments WHERE id = $1', [departmentId]))) throw bad('departmentId', '部门不存在 / no such department');
}

/** The next human number of the day: GD-YYYYMMDD-NNNN (Asia/Shanghai day). */
async function nextCode(q: Queryable, now: Date): Promise<string> {
  const prefix = `GD-${shanghaiDay(now).replace(/-/g, '')}-`;
  const last = await q.one<{ code: string }>(`SELECT code FROM workorders WHERE code LIKE $1 ORDER BY code DESC LIMIT 1`, [`${prefix}%`]);
  const n = last ? Number(last.code.slice(prefix.length)) + 1 : 1;
  return `${prefix}${String(n).padStart(4, '0')}`;
}

const auditAction = (ctx: Ctx, tx: Queryable, caller: Caller, action: string, r: { id: string; code: string; department_id: string }, details: Record<string, unknown>) =>
  ctx.audit.append(tx, caller, { action: `workorder.${action}`, objectType: 'workorder', objectId: r.id, departmentId: r.department_id, details: { code: r.code, ...details } });

export const workOrders = {
  /** Open a work order: officers and admins by hand (`manual`); other modules with their `source` and reference. */
  async create(ctx: Ctx, caller: Caller, input: CreateInput, opts: CreateOptions = {}): Promise<WorkOrder> {
    if (!(isAdmin(caller) || caller.role === 'officer')) throw problem('forbidden', '只有数据专员或管理员可以创建工单 / only officers and admins open work orders');
    const title = input.title?.trim() ?? '';
    if (!title || title.length > 200) throw bad('title', '标题须为 1–200 个字 / 1–200 characters');
    const description = (input.description ?? '').trim();
    if (description.length > 10_000) throw bad('description', '描述最长 10000 字 / 10,000 characters at most');
    const source = input.source ?? 'manual';
    if (!SOURCES.includes(source)) throw bad('source', `须为 / one of ${SOURCES.join(', ')}`);
    const priority = input.priority ?? 'normal';
    if (priority !== 'normal' && priority !== 'urgent') throw bad('priority', 'normal | urgent');
    if (input.workingDays !== undefined && !(Number.isInteger(input.workingDays) && input.workingDays >= 1 && input.workingDays <= 365)) throw bad('workingDays', '1–365 个工作日 / 1–365 working days');
    await checkDepartment(ctx.db, input.departmentId);
    if (input.handlerId) await checkHandler(ctx.db, input.handlerId, input.departmentId);
    const cal = await calendar.load(ctx);
    const now = new Date();
    const due = dueDate(cal, now, priority, input.workingDays);
    const id = newId();
    const status: Status = input.handlerId ? 'assigned' : 'new';
    for (let attempt = 0; ; attempt++) {
      try {
        await ctx.db.transaction(async (tx) => {
          const code = await nextCode(tx, now);
          await tx.query(
            `INSERT INTO workorders (id, code, title, description, source, source_ref, department_id, handler_id, priority, created_by, created_by_name, created_by_department_id,
               status, due_at, evidence, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$16)`,
            [id, code, title, description, source, input.sourceRef ? JSON.stringify(input.sourceRef) : null, input.departmentId, input.handlerId ?? null, priority,
              caller.id, caller.displayName || caller.username, caller.departmentId, status, due.toISOString(),
              input.evidence === undefined || input.evidence === null ? null : JSON.stringify(input.evidence), now.toISOString()],
          );
          await addEvent(tx, { id: newId(), orderId: id, actor: caller, action: 'create', from: null, to: status, note: title });
          await auditAction(ctx, tx, caller, 'create', { id, code, department_id: input.departmentId }, { title, source, priority, dueAt: due.toISOString(), handler: input.handlerId ?? null });
          await raiseNotice(tx, { kind: 'workorder.new', title: `新工单：${title}`, body: `${code}，应于 ${iso(due)} 前办结`, objectType: 'workorder', objectId: id, departmentId: input.departmentId, admins: false });
          await opts.within?.(tx, { id, code, dueAt: due });
        });
        break;
      } catch (err) {
        // two orders numbered at once: the unique code refuses the second, which takes the next number
        if (attempt < 3 && (err as { code?: string }).code === '23505') continue;
        throw err;
      }
    }
    return workOrders.get(ctx, caller, id);
  },

  async get(ctx: Ctx, caller: Caller, id: string, now = new Date()): Promise<WorkOrder> {
    const r = await visibleOrder(ctx.db, caller, id);
    const cal = await calendar.load(ctx);
    const [events, comments, attachments] = await Promise.all([eventsOf(ctx.db, id), commentsOf(ctx.db, id), attachmentsOf(ctx.db, id)]);
    return {
      ...toItem(cal, now)(r), description: r.description, sourceRef: r.source_ref ?? null, evidence: r.evidence ?? null,
      createdBy: { id: r.created_by, name: r.created_by_name },
      actions: allowedActions(r.status, sidesOf(caller, r), isAdmin(caller)), events, comments, attachments,
    };
  },

  async list(ctx: Ctx, caller: Caller, q: ListQuery) {
    const f = visibleFilter(caller);
    f.eq('w.status', q.status).eq('w.department_id', q.department).eq('w.handler_id', q.handler).eq('w.source', q.source);
    if (q.overdue) f.add(`${OPEN} AND w.due_at < now()`);
    if (q.supervised !== undefined) f.add(`w.supervised = ${f.param(q.supervised)}`);
    if (q.q?.trim()) {
      const like = f.param(`%${q.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      f.add(`(w.title ILIKE ${like} OR w.code ILIKE ${like} OR w.description ILIKE ${like})`);
    }
    if (q.mine) {
      const me = f.param(caller.id ?? '00000000-0000-0000-0000-000000000000');
      f.add(`(w.handler_id = ${me} OR w.created_by = ${me})`);
    }
    const cal = await calendar.load(ctx);
    const limit = Math.min(Math.max(q.limit ?? 50, 1), WORKORDER_PAGE_MAX);
    return f.page(ctx.db, ORDER_SELECT, 'w.created_at DESC, w.id DESC', { limit, offset: q.offset ?? 0 }, toItem(cal, new Date()));
  },

  /** Counts per status and SLA of the orders the caller sees, and how many are supervised (督办). */
  async stats(ctx: Ctx, caller: Caller, now = new Date()) {
    const f = visibleFilter(caller);
    const rows = await ctx.db.query<OrderRow>(`SELECT w.status, w.created_at, w.due_at, w.suspended_at, w.done_at, w.supervised FROM workorders w ${f.where}`, f.params);
    const cal = await calendar.load(ctx);
    const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
    const bySla: Record<Sla, number> = { ok: 0, warning: 0, overdue: 0 };
    let supervised = 0;
    for (const r of rows) {
      byStatus[r.status]++;
      bySla[slaOf(cal, slaInput(r), now)]++;
      if (r.supervised) supervised++;
    }
    return { byStatus, bySla, supervised };
  },

  /** Take an action on an order: 404 when it is not the caller's to see, 409 when not legal now, 403 when not the caller's to take. */
  async act(ctx: Ctx, caller: Caller, id: string, action: Action, input: ActionInput = {}, opts: ActOptions = {}): Promise<WorkOrder> {
    if (!ACTIONS.includes(action)) throw problem('not-found', `没有这个操作 / no such action: ${action}`);
    const r = await visibleOrder(ctx.db, caller, id);
    if (r.source !== opts.via && OWNED_SOURCES.includes(r.source)) {
      throw problem('conflict', `此工单由${r.source === 'case' ? '案件' : r.source}办理，请在其页面操作 / this order is handled through its ${r.source}`, [{ field: 'source', message: `act through the ${r.source}` }]);
    }
    const x = transitionOf(r.status, action);
    if (!x) throw problem('conflict', `工单状态为 ${r.status}，不能执行 ${action} / cannot ${action} a work order that is ${r.status}`, [{ field: 'action', message: `${action} not allowed from ${r.status}` }]);
    if (!isAdmin(caller) && !sidesOf(caller, r).has(x.by)) throw problem('forbidden', `无权对此工单执行 ${action} / you may not ${action} this work order`);
    const reason = input.reason?.trim() || null;
    if (x.reason && (!reason || reason.length < 2)) throw bad('reason', '请写明理由 / give the reason');
    if ((reason?.length ?? 0) > 2000 || (input.note?.length ?? 0) > 2000) throw bad('reason', '最长 2000 字 / 2000 characters at most');
    const to = target(x, r.suspended_from);
    const set: Record<string, unknown> = { status: to };
    const details: Record<string, unknown> = { from: r.status, to, reason };
    let departmentId = r.department_id;
    if (action === 'assign') {
      if (input.departmentId && input.departmentId !== r.department_id) {
        if (r.status !== 'returned') throw bad('departmentId', '只有退回的工单可以改派部门 / only a returned order moves to another department');
        await checkDepartment(ctx.db, input.departmentId);
        departmentId = set.department_id = input.departmentId;
        details.department = departmentId;
      }
      if (!input.handlerId) throw bad('handlerId', '请指定处理人 / name the handler');
      await checkHandler(ctx.db, input.handlerId, departmentId);
      set.handler_id = details.handler = input.handlerId;
    }
    const now = new Date();
    if (action === 'suspend') Object.assign(set, { suspended_at: now.toISOString(), suspended_from: r.status });
    if (action === 'resume') {
      const due = extendDue(await calendar.load(ctx), new Date(r.due_at), new Date(r.suspended_at!), now);
      Object.assign(set, { suspended_at: null, suspended_from: null, due_at: due.toISOString(), reminded_at: null });
      details.dueAt = due.toISOString();
    }
    if (action === 'done') set.done_at = now.toISOString();
    if (action === 'reopen') set.done_at = null;
    const cols = Object.keys(set);
    await ctx.db.transaction(async (tx) => {
      const moved = await tx.query(
        `UPDATE workorders SET ${cols.map((c, i) => `${c} = $${i + 3}`).join(', ')}, updated_at = now() WHERE id = $1 AND status = $2 RETURNING id`,
        [id, r.status, ...cols.map((c) => set[c])],
      );
      if (!moved.length) throw problem('conflict', `工单状态已变化，请刷新 / the work order changed meanwhile`);
      await addEvent(tx, { id: newId(), orderId: id, actor: caller, action, from: r.status, to, note: reason ?? input.note?.trim() ?? null });
      await auditAction(ctx, tx, caller, action, { ...r, department_id: departmentId }, details);
      await tell(tx, r, action, to, departmentId, reason);
      await opts.within?.(tx, { from: r.status, to, departmentId, handlerId: (set.handler_id as string | undefined) ?? r.handler_id });
    });
    return workOrders.get(ctx, caller, id);
  },

  /**
   * Move an open order's due date on by `days` working days (an approved extension), in the
   * transaction `q` of whoever approved it; the order is reminded afresh.
   */
  async extend(ctx: Ctx, q: Queryable, caller: Caller, id: string, days: number, reason: string): Promise<Date> {
    const r = await orderRow(q, id);
    if (!r) throw problem('not-found', `no such work order: ${id}`);
    const due = (await calendar.load(ctx)).addWorkingDays(new Date(r.due_at), days);
    await q.query(`UPDATE workorders SET due_at = $2, reminded_at = NULL, updated_at = now() WHERE id = $1`, [id, due.toISOString()]);
    await addEvent(q, { id: newId(), orderId: id, actor: caller, action: 'extend', from: r.status, to: r.status, note: `${days} 个工作日：${reason}` });
    await auditAction(ctx, q, caller, 'extend', r, { days, reason, dueAt: due.toISOString() });
    return due;
  },

  /**
   * The hourly ticker: tell the responsible department of an order about to fall due (once), and
   * put overdue orders under supervision (督办, once), telling the department and the admins.
   * Returns how many notices were raised.
   */
  async remind(ctx: Ctx, now = new Date()): Promise<number> {
    const cal = await calendar.load(ctx);
    const open = await ctx.db.query<OrderRow>(`${ORDER_SELECT} WHERE ${OPEN} AND (NOT w.supervised OR w.reminded_at IS NULL)`);
    let n = 0;
    for (const r of open) {
      const sla = slaOf(cal, slaInput(r), now);
      if (sla === 'overdue' && !r.supervised) {
        await ctx.db.transaction(async (tx) => {
          const marked = await tx.query(`UPDATE workorders SET supervised = true, supervised_at = $2, updated_at = now() WHERE id = $1 AND NOT supervised RETURNING id`, [r.id, now.toISOString()]);
          if (!marked.length) return;
          await addEvent(tx, { id: newId(), orderId: r.id, actor: SYSTEM, action: 'supervise', from: r.status, to: r.status, note: `超期督办 / overdue since ${iso(r.due_at)}` });
          await auditAction(ctx, tx, SYSTEM, 'supervise', r, { dueAt: iso(r.due_at) });
          n += await raiseNotice(tx, { kind: 'workorder.overdue', title: `工单超期督办：${r.title}`, body: `${r.code} 应于 ${iso(r.due_at)} 前办结`, objectType: 'workorder', objectId: r.id, departmentId: r.department_id, admins: true });
        });
      } else if (sla === 'warning' && !r.reminded_at) {
        await ctx.db.transaction(async (tx) => {
          const marked = await tx.query(`UPDATE workorders SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL RETURNING id`, [r.id, now.toISOString()]);
          if (!marked.length) return;
          n += await raiseNotice(tx, { kind: 'workorder.due', title: `工单即将到期：${r.title}`, body: `${r.code} 请于 ${iso(r.due_at)} 前办结`, objectType: 'workorder', objectId: r.id, departmentId: r.department_id, admins: false });
        });
      }
    }
    return n;
  },
};

/** The orders the caller sees: every one for admins; else its department's and those it opened. */
function visibleFilter(caller: Caller): Filter {
  const f = new Filter();
  if (isAdmin(caller)) return f;
  const d = f.param(caller.departmentId ?? '00000000-0000-0000-0000-000000000000');
  return f.add(`(w.department_id = ${d} OR w.created_by_department_id = ${d})`);
}

/** Notices for the other side: the department when it is handed, returned or reopened work; the opener when it is returned or done. */
async function tell(tx: Queryable, r: OrderRow, action: Action, to: Status, departmentId: string, reason: string | null): Promise<void> {
  const body = `${r.code}：${r.title}${reason ? `（${reason}）` : ''}`;
  if ((action === 'assign' && departmentId !== r.department_id) || action === 'reopen') {
    await raiseNotice(tx, { kind: `workorder.${action}`, title: `工单${action === 'reopen' ? '重新办理' : '改派'}：${r.title}`, body, objectType: 'workorder', objectId: r.id, departmentId, admins: false });
  }
  if ((action === 'return' || to === 'done') && r.created_by_department_id && r.created_by_department_id !== r.department_id) {
    await raiseNotice(tx, { kind: `workorder.${action}`, title: `工单${action === 'return' ? '被退回' : '已办结待核验'}：${r.title}`, body, objectType: 'workorder', objectId: r.id, departmentId: r.created_by_department_id, admins: false });
  }
}
