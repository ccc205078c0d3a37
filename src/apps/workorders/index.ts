/**
 * workorders — work orders (工单): a task handed to a responsible department, with a state machine
 * declared once as data, due dates on the working-day calendar, supervision (督办) when overdue,
 * comments, content-checked attachments and a timeline. Collision rules, alerts and cases open
 * orders through `workOrders.create(ctx, caller, { source, sourceRef, … })`.
 */
export { STATUSES, ACTIONS, TRANSITIONS, FINISHED, transitionOf, allowedActions, target, type Status, type Action, type Side, type Transition } from './machine.ts';
export { TIME_LIMIT, WARNING_SHARE, dueDate, extendDue, slaOf, type Priority, type Sla, type SlaInput } from './sla.ts';
export { SOURCES, type Source, type WorkOrderItem } from './store.ts';
export { workOrders, WORKORDER_PAGE_MAX, type WorkOrder, type CreateInput, type ActionInput, type ActOptions, type CreateOptions, type ListQuery } from './service.ts';
export { workOrderNotes, COMMENT_MAX } from './notes.ts';
export { attachmentMaxBytes, sniff, safeFileName, contentDisposition, nameFor, extensionOf, SNIFF_BYTES } from './files.ts';
export type { WorkOrderEvent, WorkOrderComment, WorkOrderAttachment } from './timeline.ts';
export { workOrderRoutes } from './routes.ts';
