// 案件办理: the shapes the case API answers, the calls the console makes (under /cases), and the
// words, colours and small helpers the case pages share.
import { api, listAll, upload, type PageResult } from './api.ts';
import { fmtTime } from './format.ts';
import { t } from './i18n/index.ts';
import { session } from './session.ts';
import type { Department } from './types.ts';

export const CASE_STATUSES = ['pending', 'dispatched', 'handling', 'returned', 'suspended', 'answered', 'closed', 'merged', 'invalid'] as const;
export type CaseStatus = typeof CASE_STATUSES[number];
export const CHANNELS = ['hotline', 'web', 'grid', 'import', 'open311'] as const;
export type Channel = typeof CHANNELS[number];
export const SATISFACTIONS = ['satisfied', 'basic', 'unsatisfied'] as const;
export type Satisfaction = typeof SATISFACTIONS[number];
export type Urgency = 'normal' | 'urgent';
export const CASE_ACTIONS = ['dispatch', 'invalidate', 'merge', 'accept', 'return', 'extend', 'answer', 'rate', 'close', 'recategorize'] as const;
export type CaseAction = typeof CASE_ACTIONS[number];
export const CATEGORY_KINDS = ['hotline', 'event', 'component'] as const;
export type CategoryKind = typeof CATEGORY_KINDS[number];
export const DIMENSIONS = ['department', 'category', 'topCategory', 'district', 'grid', 'month', 'channel'] as const;
export type Dimension = typeof DIMENSIONS[number];

export interface Ref3 { id: string; code: string; name: string }
export interface CaseItem {
  id: string; code: string; channel: Channel; status: CaseStatus; urgency: Urgency; title: string;
  category: { code: string; name: string } | null; department: Ref3 | null;
  address: string; lng: number | null; lat: number | null; gridCode: string | null; districtCode: string | null;
  reportedAt: string; dueAt: string | null; supervised: boolean; satisfaction: Satisfaction | null; mergedInto: string | null; workOrder: string | null;
}
export interface CasePage extends PageResult<CaseItem> { more: boolean }
export interface CaseEvent { at: string; actor: string; action: string; from: string | null; to: string | null; note: string | null; public: boolean }
export interface Candidate { category: string; confidence: number }
export interface Suggestion { category: string | null; confidence: number; candidates: Candidate[]; department: string | null; routedBy: string | null }
export interface Place { district: { code: string; name: string } | null; street: { code: string; name: string } | null; community: { code: string; name: string } | null; grid: { code: string; name: string } | null }
export interface Photo { id: string; name: string; size: number; type: string; at: string }
export interface Extension { id: string; days: number; reason: string; status: string; requestedBy: string; requestedAt: string; decidedBy: string | null; decidedAt: string | null; note: string | null }
export interface CaseDetail extends CaseItem {
  text: string;
  reporter: { name: string; phone: string; consent: boolean; masked: boolean };
  suggestion: Suggestion | null;
  answer: string | null; answeredAt: string | null; answeredBy: string | null;
  resolved: boolean | null; ratingComment: string | null; ratedAt: string | null; closedAt: string | null; acceptedAt: string | null; dispatchedAt: string | null;
  returns: number; reopens: number;
  events: CaseEvent[]; photos: Photo[]; extensions: Extension[]; merged: { id: string; code: string; title: string }[];
  actions: CaseAction[];
  standing: { centre: boolean; handling: boolean; reporter: boolean };
}
export interface Duplicate { id: string; code: string; title: string; status: CaseStatus; similarity: number; metres: number | null; reportedAt: string; samePhone: boolean }
export interface NewCase {
  channel: 'hotline' | 'web' | 'grid'; title?: string; text: string; category?: string; urgency?: Urgency; address?: string;
  lng?: number; lat?: number; reporterName?: string; reporterPhone?: string; consent?: boolean;
}
export interface Created { id: string; code: string; duplicates: Duplicate[]; uploadKey: string }
export interface Proposal extends Suggestion { place: Place | null }
export interface Tracked {
  id: string; code: string; title: string; text: string; status: CaseStatus; mainStatus: CaseStatus | null; reportedAt: string;
  category: string | null; department: string | null; dueAt: string | null; answer: string | null; answeredAt: string | null;
  satisfaction: Satisfaction | null; events: CaseEvent[]; canRate: boolean;
}
export interface Category {
  code: string; name: string; kind: CategoryKind; level: number; parent: string | null; department: Ref3 | null;
  days: { normal: number; urgent: number }; answerTemplate: string; keywords: string[]; active: boolean;
}
export interface RouteRule { id: string; category: string | null; areaPrefix: string | null; department: Ref3 }
export interface RateRow {
  key: string | null; name: string;
  cases: number; dispatched: number; responded: number; answered: number; rated: number; resolved: number; satisfied: number; basic: number; unsatisfied: number;
  overdue: number; returned: number; closed: number;
  responseRate: number | null; resolutionRate: number | null; satisfactionRate: number | null; overdueRate: number | null; returnRate: number | null;
}
export interface Rates { by: Dimension; rows: RateRow[]; total: RateRow }
export interface Hotspots { grid: { code: string; name: string; n: number }[]; district: { code: string; name: string; n: number }[]; points: { lng: number; lat: number; code: string; title: string }[] }
export interface Topics { cases: number; topics: { word: string; weight: number; cases: number }[] }
export interface ClassifierInfo { id: string; trainedAt: string; examples: number; corrections: number; seconds: number; categories: number; pending: number }
export interface Knowledge { id: string; category: string | null; question: string; answer: string; used: number; createdBy: string; updatedAt: string }
export interface CheckIn { id: string; grid: string | null; lng: number; lat: number; at: string }
export interface CallerHistory { phone: string; name: string; count: number; items: CaseItem[] }
export interface RateInput { satisfaction: Satisfaction; resolved?: boolean; comment?: string }
export interface StatsFilter { from?: string | null; to?: string | null }
export interface ListFilter {
  status?: string | null; channel?: string | null; category?: string | null; department?: string | null; overdue?: boolean; supervised?: boolean;
  q?: string | null; scope?: 'all' | 'department' | 'mine'; from?: string | null; to?: string | null;
}

const at = encodeURIComponent;
const filterQuery = (f: ListFilter) => ({ ...f, overdue: f.overdue || undefined, supervised: f.supervised || undefined });

export const caseApi = {
  list: (f: ListFilter, limit: number, offset: number) => api.get<CasePage>('/cases', { ...filterQuery(f), limit, offset }),
  get: (id: string) => api.get<CaseDetail>(`/cases/${at(id)}`, undefined, { quiet: true }),
  report: (body: NewCase) => api.post<Created>('/cases', body),
  suggest: (body: { title?: string; text: string; lng?: number; lat?: number }) => api.post<Proposal>('/cases/suggest', body, { quiet: true }),
  duplicates: (id: string) => api.get<Duplicate[]>(`/cases/${at(id)}/duplicates`, undefined, { quiet: true }),
  callers: (phone: string) => api.get<CallerHistory>('/cases/callers', { phone }, { quiet: true }),
  act: (id: string, action: string, body: object = {}) => api.post<CaseDetail>(`/cases/${at(id)}/${action}`, body),
  decide: (id: string, extensionId: string, approve: boolean, note?: string) =>
    api.post<CaseDetail>(`/cases/${at(id)}/extensions/${at(extensionId)}/decide`, { approve, note: note || undefined }),
  /** A photo of a new case: with the upload key when reported without an account. */
  photo: (id: string, file: File, key?: string, onProgress?: (p: number) => void) => {
    const form = new FormData();
    form.append('file', file);
    return upload<Photo>(`/cases/${at(id)}/photos${key ? `?key=${at(key)}` : ''}`, form, { onProgress });
  },
  track: (code: string, phone: string) => api.get<Tracked>('/cases/track', { code, phone }, { quiet: true }),
  trackRate: (code: string, phone: string, r: RateInput) => api.post<void>('/cases/track/rate', { code, phone, ...r }),
  categories: (kind?: CategoryKind) => api.get<Category[]>('/case-categories', { kind }, { quiet: true }),
  updateCategory: (code: string, body: Partial<{ departmentId: string | null; days: { normal: number; urgent: number }; answerTemplate: string; keywords: string[]; active: boolean }>) =>
    api.patch<Category>(`/case-categories/${at(code)}`, body),
  routes: () => api.get<RouteRule[]>('/case-routes', undefined, { quiet: true }),
  addRoute: (body: { category?: string; areaPrefix?: string; departmentId: string }) => api.post<RouteRule>('/case-routes', body),
  removeRoute: (id: string) => api.del(`/case-routes/${at(id)}`),
  setCentre: (departmentId: string) => api.put<void>('/cases/centre', { departmentId }),
  classifier: () => api.get<ClassifierInfo | null>('/cases/classifier', undefined, { quiet: true }),
  train: () => api.post<ClassifierInfo>('/cases/classifier/train'),
  knowledge: (category?: string | null, q?: string) => api.get<Knowledge[]>('/cases/knowledge', { category, q }, { quiet: true }),
  addKnowledge: (body: { category?: string | null; question: string; answer: string }) => api.post<{ id: string }>('/cases/knowledge', body),
  checkIn: (lng: number, lat: number) => api.post<{ id: string; grid: { code: string; name: string } | null; at: string }>('/cases/checkins', { lng, lat }),
  checkIns: () => api.get<CheckIn[]>('/cases/checkins', undefined, { quiet: true }),
  rates: (by: Dimension, f: StatsFilter) => api.get<Rates>('/cases/stats', { by, ...f }, { quiet: true }),
  hotspots: (f: StatsFilter) => api.get<Hotspots>('/cases/stats/hotspots', { ...f }, { quiet: true }),
  topics: (f: StatsFilter, top = 30) => api.get<Topics>('/cases/stats/topics', { ...f, top }, { quiet: true }),
  export: (f: StatsFilter) => api.download('/cases/stats/export', `${t('cases.stats.exportName')}-${new Date().toISOString().slice(0, 10)}.xlsx`, { ...f }),
  import: (file: File, onProgress: (p: number) => void, onSent: () => void) => {
    const form = new FormData();
    form.append('file', file);
    return upload<{ imported: number; codes: string[] }>('/cases/import', form, { onProgress, onSent, quiet: true });
  },
  departments: () => listAll<Department>('/departments'),
};

/** A photo fetched with the bearer header, as a blob URL for an <img> (revoke it when done). */
export async function photoUrl(caseId: string, photoId: string): Promise<string> {
  const res = await fetch(`/api/v1/cases/${at(caseId)}/photos/${at(photoId)}`, { headers: session.token ? { authorization: `Bearer ${session.token}` } : {} });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return URL.createObjectURL(await res.blob());
}

type TagType = 'success' | 'warning' | 'info' | 'danger' | 'primary';
export const STATUS_TAG: Record<CaseStatus, TagType> = {
  pending: 'warning', dispatched: 'primary', handling: 'primary', returned: 'danger', suspended: 'info', answered: 'success', closed: 'info', merged: 'info', invalid: 'info',
};
export const SATISFACTION_TAG: Record<Satisfaction, TagType> = { satisfied: 'success', basic: 'warning', unsatisfied: 'danger' };
export const ACTION_BUTTON: Record<CaseAction, TagType> = {
  dispatch: 'primary', invalidate: 'danger', merge: 'warning', accept: 'primary', return: 'danger', extend: 'warning', answer: 'success', rate: 'success', close: 'info', recategorize: 'info',
};

/** The i18n word of `value` in the `cases.<group>` table, or the value itself when there is none. */
export function caseWord(group: string, value: string | null | undefined, has: (key: string) => boolean): string {
  if (!value) return '';
  const key = `cases.${group}.${value}`;
  return has(key) ? t(key) : value;
}

/** 0.8732 → "87.3%"; null → "—". */
export const pct = (r: number | null | undefined, digits = 1): string => (r === null || r === undefined || Number.isNaN(r) ? '—' : `${(r * 100).toFixed(digits)}%`);

/** A distance in metres as "85 m" / "1.2 km"; null → "—". */
export const metres = (m: number | null | undefined): string => (m === null || m === undefined ? '—' : m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`);

/** Still waiting on someone: the due time matters. */
export const isOpenCase = (s: CaseStatus): boolean => s === 'pending' || s === 'dispatched' || s === 'handling' || s === 'returned' || s === 'suspended';

/** Late: past the due time and not answered yet. */
export const isOverdue = (c: Pick<CaseItem, 'status' | 'dueAt'>, now = Date.now()): boolean =>
  !!c.dueAt && (c.status === 'dispatched' || c.status === 'handling') && new Date(c.dueAt).getTime() < now;

/** Categories as a tree for a cascader: kind → level-1 → level-2 …; values are codes. */
export interface CascadeNode { value: string; label: string; children?: CascadeNode[]; disabled?: boolean }
export function categoryTree(cats: Category[], kindLabel: (k: CategoryKind) => string): CascadeNode[] {
  const byParent = new Map<string | null, Category[]>();
  for (const c of cats) {
    const k = c.parent && cats.some((p) => p.code === c.parent) ? c.parent : null;
    byParent.set(k, [...(byParent.get(k) ?? []), c]);
  }
  const node = (c: Category): CascadeNode => {
    const kids = byParent.get(c.code) ?? [];
    return { value: c.code, label: c.name, disabled: !c.active, children: kids.length ? kids.map(node) : undefined };
  };
  return CATEGORY_KINDS.map((k) => ({ value: `kind:${k}`, label: kindLabel(k), children: (byParent.get(null) ?? []).filter((c) => c.kind === k).map(node) }))
    .filter((n) => n.children?.length);
}

/** The path of codes from the kind down to `code`, for the cascader's model. */
export function categoryPath(cats: Category[], code: string | null | undefined): string[] {
  if (!code) return [];
  const by = new Map(cats.map((c) => [c.code, c]));
  const out: string[] = [];
  for (let c = by.get(code); c; c = c.parent ? by.get(c.parent) : undefined) out.unshift(c.code);
  const top = by.get(out[0] ?? '');
  return top ? [`kind:${top.kind}`, ...out] : [];
}

/** A category's name by code (the code itself when unknown). */
export const categoryName = (cats: Category[], code: string | null | undefined): string => (code ? cats.find((c) => c.code === code)?.name ?? code : '');

/** An answer template with {{title}}, {{department}} and {{date}} (today, Beijing time) filled in for case `c`. */
export function fillAnswer(template: string, c: Pick<CaseItem, 'title' | 'department'> | null, now = new Date()): string {
  const date = fmtTime(now.toISOString()).slice(0, 10);
  return template.replaceAll('{{title}}', c?.title ?? '').replaceAll('{{department}}', c?.department?.name ?? '').replaceAll('{{date}}', date);
}

/** The phone numbers the server takes: mobile, landline with area code, or a 7–8 digit local number. */
export const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$/;
