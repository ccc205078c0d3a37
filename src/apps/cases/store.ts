/**
 * Cases as rows and as the API shows them; who sees a case and who stands where on it; the
 * timeline. The reporter's name and phone are shown in clear to the dispatch centre only, and to the
 * handling department when the reporter consented; everyone else sees them masked.
 */
import type { WorkCalendar } from '../../calendar/index.ts';
import type { Queryable } from '../../control/index.ts';
import { type Caller, isAdmin, iso, notFound } from '../../kernel/index.ts';
import { maskValue } from '../../lake/index.ts';

export const CHANNELS = ['hotline', 'web', 'grid', 'import', 'open311'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CASE_STATUSES = ['pending', 'dispatched', 'handling', 'returned', 'suspended', 'answered', 'closed', 'merged', 'invalid'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** The states in which a case no longer waits for anyone. */
export const CASE_FINISHED: readonly CaseStatus[] = ['closed', 'merged', 'invalid'];
export const SATISFACTION = ['satisfied', 'basic', 'unsatisfied'] as const;
export type Satisfaction = (typeof SATISFACTION)[number];
export type Urgency = 'normal' | 'urgent';

export interface CaseRow {
  id: string; code: string; channel: Channel; status: CaseStatus; urgency: Urgency; title: string; text: string;
  category_code: string | null; category_name: string | null; suggested_category: string | null; suggestion: Suggestion | null;
  suggested_department_id: string | null; department_id: string | null; dept_code: string | null; dept_name: string | null; workorder_id: string | null;
  address: string; lng: number | null; lat: number | null; grid_code: string | null; district_code: string | null;
  reporter_name: string; reporter_phone: string; phone_key: string | null; consent: boolean; reporter_user_id: string | null;
  client_token_id: string | null; external_id: string | null; attributes: Record<string, unknown> | null; media_url: string | null;
  reported_at: Date; received_by: string | null; dispatched_at: Date | null; accepted_at: Date | null; due_at: Date | null;
  answer: string | null; answered_at: Date | null; answered_by: string | null;
  satisfaction: Satisfaction | null; resolved: boolean | null; rating_comment: string | null; rated_at: Date | null; closed_at: Date | null;
  merged_into: string | null; returns: number; reopens: number; created_at: Date; updated_at: Date;
  supervised: boolean | null; order_code: string | null;
}

export interface Suggestion {
  category: string | null;
  confidence: number;
  candidates: { category: string; confidence: number }[];
  department: string | null;
  /** The routing rule or category default the department came from. */
  routedBy: string | null;
}

export const CASE_SELECT = `SELECT c.*, cc.name AS category_name, d.code AS dept_code, d.name AS dept_name, w.supervised, w.code AS order_code
  FROM cases c LEFT JOIN case_categories cc ON cc.code = c.category_code LEFT JOIN departments d ON d.id = c.department_id
  LEFT JOIN workorders w ON w.id = c.workorder_id`;

/** Where the caller stands on a case. */
export interface Standing {
  /** The dispatch centre (受理中心) or an admin: sees every case, in clear, dispatches. */
  centre: boolean;
  /** Of the department the case is given to now. */
  handling: boolean;
  /** Reported it: the citizen's account, the grid worker, the Open311 application. */
  reporter: boolean;
}

export async function centreOf(q: Queryable): Promise<string[]> {
  return (await q.query<{ id: string }>(`SELECT id FROM departments WHERE case_centre`)).map((r) => r.id);
}

export function standing(caller: Caller, r: Pick<CaseRow, 'department_id' | 'reporter_user_id' | 'received_by' | 'client_token_id'>, centres: string[]): Standing {
  const centre = isAdmin(caller) || (!!caller.departmentId && centres.includes(caller.departmentId) && (caller.role === 'officer' || caller.role === 'handler'));
  const handling = !!caller.departmentId && caller.departmentId === r.department_id && (caller.role === 'officer' || caller.role === 'handler');
  const reporter = (!!caller.id && (caller.id === r.reporter_user_id || caller.id === r.received_by)) || (!!caller.tokenId && caller.tokenId === r.client_token_id);
  return { centre, handling, reporter };
}

const sees = (s: Standing) => s.centre || s.handling || s.reporter;

/** The case if the caller may see it; 404 otherwise (whether it exists or not). */
export async function visibleCase(q: Queryable, caller: Caller, id: string): Promise<{ r: CaseRow; s: Standing }> {
  const r = await q.one<CaseRow>(`${CASE_SELECT} WHERE c.id = $1`, [id]);
  const s = r ? standing(caller, r, await centreOf(q)) : undefined;
  if (!r || !s || !sees(s)) throw notFound('case', id);
  return { r, s };
}

export interface CaseItem {
  id: string; code: string; channel: Channel; status: CaseStatus; urgency: Urgency; title: string;
  category: { code: string; name: string } | null; department: { id: string; code: string; name: string } | null;
  address: string; lng: number | null; lat: number | null; gridCode: string | null; districtCode: string | null;
  reportedAt: string; dueAt: string | null; sla: CaseSla | null; supervised: boolean; satisfaction: Satisfaction | null; mergedInto: string | null; workOrder: string | null;
}

export type CaseSla = 'ok' | 'warning' | 'overdue';

/**
 * Against its time limit: overdue when answered after the due time or still unanswered past it;
 * warning when due within the current working day; finished or undispatched cases have none to warn.
 */
export function caseSla(cal: WorkCalendar, r: Pick<CaseRow, 'due_at' | 'answered_at' | 'status'>, now: Date): CaseSla | null {
  if (!r.due_at) return null;
  const due = new Date(r.due_at);
  const at = r.answered_at ? new Date(r.answered_at) : now;
  if (at.getTime() > due.getTime()) return 'overdue';
  if (r.answered_at || CASE_FINISHED.includes(r.status)) return 'ok';
  return cal.remainingWorkingDays(now, due) < 1 ? 'warning' : 'ok';
}

export const toItem = (cal: WorkCalendar, now = new Date()) => (r: CaseRow): CaseItem => ({
  id: r.id, code: r.code, channel: r.channel, status: r.status, urgency: r.urgency, title: r.title,
  category: r.category_code ? { code: r.category_code, name: r.category_name ?? r.category_code } : null,
  department: r.department_id ? { id: r.department_id, code: r.dept_code ?? '', name: r.dept_name ?? '' } : null,
  address: r.address, lng: r.lng, lat: r.lat, gridCode: r.grid_code, districtCode: r.district_code,
  reportedAt: iso(r.reported_at)!, dueAt: iso(r.due_at), sla: caseSla(cal, r, now), supervised: !!r.supervised, satisfaction: r.satisfaction, mergedInto: r.merged_into, workOrder: r.order_code,
});

/** The reporter as the caller may see them. */
export function reporterOf(r: CaseRow, s: Standing) {
  const clear = s.centre || s.reporter || (s.handling && r.consent);
  return {
    name: clear ? r.reporter_name : (maskValue('name', r.reporter_name) as string ?? ''),
    phone: clear ? r.reporter_phone : (r.reporter_phone ? (maskValue('phone', r.reporter_phone) as string) : ''),
    consent: r.consent,
    masked: !clear,
  };
}

export interface CaseEvent { at: string; actor: string; action: string; from: string | null; to: string | null; note: string | null; public: boolean }

export async function addCaseEvent(q: Queryable, e: { id: string; caseId: string; actor: Caller | string; action: string; from: CaseStatus | null; to: CaseStatus | null; note?: string | null; public?: boolean }): Promise<void> {
  const actor = typeof e.actor === 'string' ? { id: null, name: e.actor } : { id: e.actor.id, name: e.actor.displayName || e.actor.username };
  await q.query(
    `INSERT INTO case_events (id, case_id, at, actor_id, actor_name, action, from_status, to_status, note, public) VALUES ($1,$2, now(), $3,$4,$5,$6,$7,$8,$9)`,
    [e.id, e.caseId, actor.id, actor.name, e.action, e.from, e.to, e.note ?? null, e.public ?? false],
  );
}

export async function caseEvents(q: Queryable, caseId: string, publicOnly = false): Promise<CaseEvent[]> {
  const rows = await q.query<{ at: Date; actor_name: string; action: string; from_status: string | null; to_status: string | null; note: string | null; public: boolean }>(
    `SELECT at, actor_name, action, from_status, to_status, note, public FROM case_events WHERE case_id = $1${publicOnly ? ' AND public' : ''} ORDER BY at, id`, [caseId],
  );
  return rows.map((e) => ({ at: iso(e.at)!, actor: publicOnly ? '' : e.actor_name, action: e.action, from: e.from_status, to: e.to_status, note: e.note, public: e.public }));
}
