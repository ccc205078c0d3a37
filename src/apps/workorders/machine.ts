/**
 * The work-order state machine, declared once as data: every legal (from, action) pair, where it
 * leads, who may take it and whether a reason is required. The checks, the actions the API offers
 * a caller and the table in docs/workorders.md all come from TRANSITIONS.
 */

export const STATUSES = ['new', 'assigned', 'in_progress', 'done', 'verified', 'closed', 'returned', 'suspended'] as const;
export type Status = (typeof STATUSES)[number];

export const ACTIONS = ['assign', 'start', 'done', 'return', 'verify', 'reopen', 'close', 'suspend', 'resume'] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * Who takes an action: `dispatch` — the responsible department's officers (they assign);
 * `handle` — its officers and handlers; `creator` — the officers of the department that opened the
 * order, except its own handler. Admins may take every action.
 */
export type Side = 'dispatch' | 'handle' | 'creator';

export interface Transition {
  from: Status;
  action: Action;
  /** `previous`: back to the state the order was suspended from. */
  to: Status | 'previous';
  by: Side;
  reason: boolean;
}

const t = (from: Status, action: Action, to: Status | 'previous', by: Side, reason = false): Transition => ({ from, action, to, by, reason });

export const TRANSITIONS: readonly Transition[] = [
  t('new', 'assign', 'assigned', 'dispatch'),
  t('assigned', 'assign', 'assigned', 'dispatch'),
  t('returned', 'assign', 'assigned', 'creator'),
  t('assigned', 'start', 'in_progress', 'handle'),
  t('in_progress', 'done', 'done', 'handle'),
  t('new', 'return', 'returned', 'handle', true),
  t('assigned', 'return', 'returned', 'handle', true),
  t('in_progress', 'return', 'returned', 'handle', true),
  t('done', 'verify', 'verified', 'creator'),
  t('done', 'reopen', 'in_progress', 'creator', true),
  t('verified', 'reopen', 'in_progress', 'creator', true),
  t('verified', 'close', 'closed', 'creator'),
  t('returned', 'close', 'closed', 'creator', true),
  t('new', 'suspend', 'suspended', 'handle', true),
  t('assigned', 'suspend', 'suspended', 'handle', true),
  t('in_progress', 'suspend', 'suspended', 'handle', true),
  t('suspended', 'resume', 'previous', 'handle'),
];

/** States in which the work is finished (the clock no longer runs). */
export const FINISHED: readonly Status[] = ['done', 'verified', 'closed'];

/** The transition of `action` from `from`, if it is legal. */
export function transitionOf(from: Status, action: Action): Transition | undefined {
  return TRANSITIONS.find((x) => x.from === from && x.action === action);
}

/** Where a legal transition leads (`previous`: the state suspended from). */
export function target(x: Transition, suspendedFrom: Status | null): Status {
  if (x.to !== 'previous') return x.to;
  if (!suspendedFrom || suspendedFrom === 'suspended') throw new RangeError('workorders: resuming needs the state suspended from');
  return suspendedFrom;
}

/** The actions legal from `status` that a caller standing on `sides` (or an admin) may take. */
export function allowedActions(status: Status, sides: ReadonlySet<Side>, admin: boolean): Action[] {
  return ACTIONS.filter((a) => {
    const x = transitionOf(status, a);
    return !!x && (admin || sides.has(x.by));
  });
}
