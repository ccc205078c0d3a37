/**
 * Due dates and SLA of work orders on the working-day calendar (the same deadline rule as share
 * requests: n working days, due at the end of the n-th working day after the day it was opened).
 */
import type { WorkCalendar } from '../../calendar/index.ts';
import { FINISHED, type Status } from './machine.ts';

export type Priority = 'normal' | 'urgent';
export type Sla = 'ok' | 'warning' | 'overdue';

/** The default time limit in working days per priority. */
export const TIME_LIMIT: Record<Priority, number> = { normal: 5, urgent: 1 };

/** The share of the whole time limit under which an order turns `warning`. */
export const WARNING_SHARE = 0.2;

/** The due date of an order opened at `from`: `days` working days, or the priority's default. */
export function dueDate(cal: WorkCalendar, from: Date, priority: Priority, days?: number): Date {
  return cal.addWorkingDays(from, days ?? TIME_LIMIT[priority]);
}

/**
 * The due date after a suspension from `suspendedAt` to `resumedAt`: moved on by the working days
 * the order was suspended (suspended time does not count toward the deadline).
 */
export function extendDue(cal: WorkCalendar, due: Date, suspendedAt: Date, resumedAt: Date): Date {
  const days = Math.max(0, cal.workingDaysBetween(suspendedAt, resumedAt));
  return days ? cal.addWorkingDays(due, days) : due;
}

export interface SlaInput {
  status: Status;
  createdAt: Date;
  dueAt: Date;
  /** While suspended the clock stands at the moment of suspension. */
  suspendedAt: Date | null;
  /** Finished orders are judged at the moment they were done. */
  doneAt: Date | null;
}

/**
 * ok / warning / overdue: overdue past the due instant; warning when less than one working day
 * is left (due today) or less than 20% of the whole time; finished orders by when they were done.
 */
export function slaOf(cal: WorkCalendar, o: SlaInput, now: Date): Sla {
  const at = FINISHED.includes(o.status) && o.doneAt ? o.doneAt : o.status === 'suspended' && o.suspendedAt ? o.suspendedAt : now;
  if (at.getTime() > o.dueAt.getTime()) return 'overdue';
  if (FINISHED.includes(o.status)) return 'ok';
  const whole = o.dueAt.getTime() - o.createdAt.getTime();
  const left = o.dueAt.getTime() - at.getTime();
  if (cal.remainingWorkingDays(at, o.dueAt) < 1 || left < whole * WARNING_SHARE) return 'warning';
  return 'ok';
}
