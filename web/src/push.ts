// 推 · 主动推送: the shapes the push and inbox API answers and the calls the console makes — the department's
// candidates and second check (/push), the outcome per rule, and the citizen's inbox and opt-outs (/inbox).
import { api, type PageResult } from './api.ts';

type TagType = 'success' | 'warning' | 'info' | 'danger' | 'primary';

/** Approving a candidate sends it: there is no approved-but-unsent state. */
export const NOTICE_STATUSES = ['candidate', 'rejected', 'opted_out', 'sent', 'read'] as const;
export type NoticeStatus = typeof NOTICE_STATUSES[number];
export const NOTICE_OUTCOMES = ['accepted', 'declined', 'granted'] as const;
export type NoticeOutcome = typeof NOTICE_OUTCOMES[number];
export type Answer = 'accept' | 'decline';

interface Ref { id: string; code: string; name: string }
export interface Notice {
  id: string; rule: Ref; department: Ref; subjectKind: 'person' | 'enterprise'; status: NoticeStatus; outcome: NoticeOutcome | null;
  channel: 'inbox' | 'sms' | 'webhook'; grantWithoutApplication: boolean; title: string; body: string;
  evidence: Record<string, unknown>; versions: Record<string, number>;
  checkedBy: string | null; checkedAt: string | null; reason: string | null; sentAt: string | null; readAt: string | null;
  respondedAt: string | null; responseNote: string | null; createdAt: string;
}
export interface CheckResult { sent: number; rejected: number; optedOut: number; notices: Notice[] }
export interface PushStats { rule: Ref; department: Ref; total: number; byStatus: Record<string, number>; byOutcome: Record<string, number> }
export interface InboxItem {
  id: string; title: string; body: string; rule: { code: string; name: string }; department: { code: string; name: string };
  subjectKind: 'person' | 'enterprise'; status: 'sent' | 'read'; outcome: NoticeOutcome | null; granted: boolean;
  sentAt: string; readAt: string | null; respondedAt: string | null; actions: Answer[];
}
export interface InboxPage extends PageResult<InboxItem> { unread: number; linked: boolean }
export interface OptOut { rule: Ref | null; createdAt: string }
export interface NoticeFilters { rule?: string | null; status?: string | null; outcome?: string | null }

const at = encodeURIComponent;

export const pushApi = {
  list: (f: NoticeFilters, limit: number, offset: number) => api.get<PageResult<Notice>>('/push/notices', { ...f, limit, offset }),
  check: (ids: string[], decision: 'approve' | 'reject', reason?: string) => api.post<CheckResult>('/push/notices/check', { ids, decision, ...(reason ? { reason } : {}) }),
  stats: () => api.get<PushStats[]>('/push/stats', undefined, { quiet: true }),
};

export const inboxApi = {
  list: (limit: number, offset: number) => api.get<InboxPage>('/inbox', { limit, offset }),
  read: (id: string) => api.post<InboxItem>(`/inbox/${at(id)}/read`),
  respond: (id: string, response: Answer) => api.post<InboxItem>(`/inbox/${at(id)}/respond`, { response }),
  optOuts: () => api.get<OptOut[]>('/inbox/opt-outs', undefined, { quiet: true }),
  /** Opt out of one rule's notices (by code), or of every push (null). */
  optOut: (rule: string | null) => api.post<OptOut[]>('/inbox/opt-outs', { rule }),
  optIn: (rule: string | null) => api.del<OptOut[]>('/inbox/opt-outs', { query: rule ? { rule } : {} }),
};

export const NOTICE_TAG: Record<NoticeStatus, TagType> = { candidate: 'warning', rejected: 'info', opted_out: 'info', sent: 'success', read: 'success' };
export const OUTCOME_TAG: Record<NoticeOutcome, TagType> = { accepted: 'success', declined: 'info', granted: 'success' };

/** The push funnel of a rule's notices: candidates → approved at the second check (and so sent) → read → accepted or granted. */
export const FUNNEL = ['candidates', 'sent', 'read', 'accepted'] as const;
export function funnel(s: Pick<PushStats, 'total' | 'byStatus' | 'byOutcome'>): Record<typeof FUNNEL[number], number> {
  const n = (k: string) => s.byStatus[k] ?? 0;
  return {
    candidates: s.total,
    sent: n('sent') + n('read'),
    read: n('read'),
    accepted: (s.byOutcome.accepted ?? 0) + (s.byOutcome.granted ?? 0),
  };
}
