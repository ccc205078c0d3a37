/**
 * Push notices as rows and as the API shows them, and who stands where: the rule's owner and
 * responsible departments see a rule's notices (admins all of them); only the responsible
 * department's officers make the second check; a citizen sees only the notices for their own ID
 * number, once sent.
 */
import type { Queryable } from '../../control/index.ts';
import { type Caller, isAdmin, iso, notFound } from '../../kernel/index.ts';

/** candidate → sent (approved: sent at once) | rejected | opted_out (the subject opted out first); sent → read. */
export const STATUSES = ['candidate', 'rejected', 'opted_out', 'sent', 'read'] as const;
export type Status = (typeof STATUSES)[number];
export const OUTCOMES = ['accepted', 'declined', 'granted'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface NoticeRow {
  id: string; rule_id: string; rule_code: string; rule_name: string; run_id: string; event_key: string; subject: string; subject_kind: 'person' | 'enterprise';
  owner_department_id: string; department_id: string; dept_code: string; dept_name: string;
  status: Status; outcome: Outcome | null; channel: 'inbox' | 'sms' | 'webhook'; grant_without_application: boolean; webhook: string | null;
  title: string; body: string; evidence: Record<string, unknown>; versions: Record<string, number>;
  checked_by: string | null; checked_by_name: string | null; checked_at: Date | null; reason: string | null;
  sent_at: Date | null; read_at: Date | null; responded_at: Date | null; response_note: string | null; created_at: Date; updated_at: Date;
}

export const NOTICE_SELECT = `SELECT n.*, d.code AS dept_code, d.name AS dept_name FROM push_notices n JOIN departments d ON d.id = n.department_id`;

/** A notice as its departments see it. */
export interface PushNotice {
  id: string;
  rule: { id: string; code: string; name: string };
  department: { id: string; code: string; name: string };
  subjectKind: 'person' | 'enterprise';
  status: Status;
  outcome: Outcome | null;
  channel: 'inbox' | 'sms' | 'webhook';
  grantWithoutApplication: boolean;
  title: string;
  body: string;
  evidence: Record<string, unknown>;
  versions: Record<string, number>;
  checkedBy: string | null;
  checkedAt: string | null;
  reason: string | null;
  sentAt: string | null;
  readAt: string | null;
  respondedAt: string | null;
  responseNote: string | null;
  createdAt: string;
}

export const toNotice = (r: NoticeRow): PushNotice => ({
  id: r.id, rule: { id: r.rule_id, code: r.rule_code, name: r.rule_name }, department: { id: r.department_id, code: r.dept_code, name: r.dept_name },
  subjectKind: r.subject_kind, status: r.status, outcome: r.outcome, channel: r.channel, grantWithoutApplication: r.grant_without_application,
  title: r.title, body: r.body, evidence: r.evidence, versions: r.versions,
  checkedBy: r.checked_by_name, checkedAt: iso(r.checked_at), reason: r.reason, sentAt: iso(r.sent_at), readAt: iso(r.read_at),
  respondedAt: iso(r.responded_at), responseNote: r.response_note, createdAt: iso(r.created_at)!,
});

/** A notice in a citizen's inbox: the text, who sends it, and what the citizen may still do. */
export interface InboxItem {
  id: string;
  title: string;
  body: string;
  rule: { code: string; name: string };
  department: { code: string; name: string };
  subjectKind: 'person' | 'enterprise';
  status: 'sent' | 'read';
  outcome: Outcome | null;
  /** 免申即享: granted without application. */
  granted: boolean;
  sentAt: string;
  readAt: string | null;
  respondedAt: string | null;
  /** What the citizen may answer now. */
  actions: Array<'accept' | 'decline'>;
}

export const toInboxItem = (r: NoticeRow): InboxItem => ({
  id: r.id, title: r.title, body: r.body, rule: { code: r.rule_code, name: r.rule_name }, department: { code: r.dept_code, name: r.dept_name },
  subjectKind: r.subject_kind, status: r.status as 'sent' | 'read', outcome: r.outcome, granted: r.outcome === 'granted',
  sentAt: iso(r.sent_at)!, readAt: iso(r.read_at), respondedAt: iso(r.responded_at),
  actions: r.outcome ? [] : ['accept', 'decline'],
});

/** May the caller see the notices of a rule with these departments. */
export const sees = (caller: Caller, r: Pick<NoticeRow, 'owner_department_id' | 'department_id'>) =>
  isAdmin(caller) || (!!caller.departmentId && (caller.departmentId === r.department_id || caller.departmentId === r.owner_department_id));

/** May the caller make the second check: an officer of the responsible department. */
export const checks = (caller: Caller, r: Pick<NoticeRow, 'department_id'>) =>
  caller.role === 'officer' && !!caller.departmentId && caller.departmentId === r.department_id;

/** The notice if the caller may see it; 404 otherwise (whether it exists or not). */
export async function visibleNotice(q: Queryable, caller: Caller, id: string): Promise<NoticeRow> {
  const r = await q.one<NoticeRow>(`${NOTICE_SELECT} WHERE n.id = $1`, [id]);
  if (!r || !sees(caller, r)) throw notFound('notice', id);
  return r;
}
