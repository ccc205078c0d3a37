/**
 * Work orders as rows and as the API shows them, and who stands where on an order: who sees it
 * (its department, the department that opened it, admins) and on which side of the state machine.
 */
import type { WorkCalendar } from '../../calendar/index.ts';
import type { Queryable } from '../../control/index.ts';
import { type Caller, isAdmin, iso, notFound } from '../../kernel/index.ts';
import type { Side, Status } from './machine.ts';
import { type Priority, type Sla, slaOf } from './sla.ts';

export const SOURCES = ['collision', 'push', 'case', 'alert', 'manual'] as const;
export type Source = (typeof SOURCES)[number];

export interface OrderRow {
  id: string; code: string; title: string; description: string; source: Source; source_ref: unknown; department_id: string; dept_code: string; dept_name: string;
  handler_id: string | null; handler_name: string | null; priority: Priority; created_by: string | null; created_by_name: string; created_by_department_id: string | null;
  status: Status; due_at: Date; suspended_at: Date | null; suspended_from: Status | null; done_at: Date | null; reminded_at: Date | null;
  supervised: boolean; evidence: unknown; created_at: Date; updated_at: Date;
}

export const ORDER_SELECT = `SELECT w.*, d.code AS dept_code, d.name AS dept_name, u.display_name AS handler_name
  FROM workorders w JOIN departments d ON d.id = w.department_id LEFT JOIN users u ON u.id = w.handler_id`;

export interface WorkOrderItem {
  id: string; code: string; title: string; status: Status; priority: Priority; source: Source;
  department: { id: string; code: string; name: string };
  handler: { id: string; name: string } | null;
  dueAt: string; sla: Sla; supervised: boolean; createdAt: string; updatedAt: string;
}

export const slaInput = (r: OrderRow) => ({
  status: r.status, createdAt: new Date(r.created_at), dueAt: new Date(r.due_at),
  suspendedAt: r.suspended_at ? new Date(r.suspended_at) : null, doneAt: r.done_at ? new Date(r.done_at) : null,
});

export const toItem = (cal: WorkCalendar, now: Date) => (r: OrderRow): WorkOrderItem => ({
  id: r.id, code: r.code, title: r.title, status: r.status, priority: r.priority, source: r.source,
  department: { id: r.department_id, code: r.dept_code, name: r.dept_name },
  handler: r.handler_id ? { id: r.handler_id, name: r.handler_name ?? '' } : null,
  dueAt: iso(r.due_at)!, sla: slaOf(cal, slaInput(r), now), supervised: r.supervised, createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!,
});

/** May the caller see the order: admins, its department, the department that opened it. */
export function sees(caller: Caller, r: Pick<OrderRow, 'department_id' | 'created_by_department_id'>): boolean {
  return isAdmin(caller) || (!!caller.departmentId && (caller.departmentId === r.department_id || caller.departmentId === r.created_by_department_id));
}

/** The sides of the state machine the caller stands on for this order. */
export function sidesOf(caller: Caller, r: Pick<OrderRow, 'department_id' | 'created_by_department_id' | 'handler_id'>): Set<Side> {
  const sides = new Set<Side>();
  if (!caller.departmentId) return sides;
  if (caller.departmentId === r.department_id) {
    if (caller.role === 'officer') sides.add('dispatch');
    if (caller.role === 'officer' || caller.role === 'handler') sides.add('handle');
  }
  if (caller.departmentId === r.created_by_department_id && caller.role === 'officer' && caller.id !== r.handler_id) sides.add('creator');
  return sides;
}

export async function orderRow(q: Queryable, id: string): Promise<OrderRow | undefined> {
  return q.one<OrderRow>(`${ORDER_SELECT} WHERE w.id = $1`, [id]);
}

/** The order if the caller may see it; 404 otherwise (whether it exists or not). */
export async function visibleOrder(q: Queryable, caller: Caller, id: string): Promise<OrderRow> {
  const r = await orderRow(q, id);
  if (!r || !sees(caller, r)) throw notFound('workOrder', id);
  return r;
}

/** One line of the order's timeline. */
export async function addEvent(q: Queryable, e: { orderId: string; id: string; actor: Caller; action: string; from: Status | null; to: Status | null; note?: string | null }): Promise<void> {
  await q.query(
    `INSERT INTO workorder_events (id, order_id, at, actor_id, actor_name, action, from_status, to_status, note) VALUES ($1,$2, now(), $3,$4,$5,$6,$7,$8)`,
    [e.id, e.orderId, e.actor.id, e.actor.displayName || e.actor.username, e.action, e.from, e.to, e.note ?? null],
  );
}
