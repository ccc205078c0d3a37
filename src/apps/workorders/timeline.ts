/** An order's timeline as the API shows it: its events, comments and attachments, oldest first. */
import type { Queryable } from '../../control/index.ts';
import { iso } from '../../kernel/index.ts';
import type { Status } from './machine.ts';

export interface WorkOrderEvent { at: string; actor: string; action: string; from: Status | null; to: Status | null; note: string | null }
export interface WorkOrderComment { id: string; at: string; author: string; text: string }
export interface WorkOrderAttachment { id: string; name: string; size: number; type: string; at: string; author: string }

export async function eventsOf(q: Queryable, orderId: string): Promise<WorkOrderEvent[]> {
  const rows = await q.query<{ at: Date; actor_name: string; action: string; from_status: Status | null; to_status: Status | null; note: string | null }>(
    'SELECT at, actor_name, action, from_status, to_status, note FROM workorder_events WHERE order_id = $1 ORDER BY at, id', [orderId]);
  return rows.map((r) => ({ at: iso(r.at)!, actor: r.actor_name, action: r.action, from: r.from_status, to: r.to_status, note: r.note }));
}

export async function commentsOf(q: Queryable, orderId: string): Promise<WorkOrderComment[]> {
  const rows = await q.query<{ id: string; created_at: Date; author_name: string; text: string }>(
    'SELECT id, created_at, author_name, text FROM workorder_comments WHERE order_id = $1 ORDER BY created_at, id', [orderId]);
  return rows.map((r) => ({ id: r.id, at: iso(r.created_at)!, author: r.author_name, text: r.text }));
}

export async function attachmentsOf(q: Queryable, orderId: string): Promise<WorkOrderAttachment[]> {
  const rows = await q.query<{ id: string; name: string; size: string | number; type: string; created_at: Date; author_name: string }>(
    'SELECT id, name, size, type, created_at, author_name FROM workorder_attachments WHERE order_id = $1 ORDER BY created_at, id', [orderId]);
  return rows.map((r) => ({ id: r.id, name: r.name, size: Number(r.size), type: r.type, at: iso(r.created_at)!, author: r.author_name }));
}
