// 规则 (碰 · 推 · 嵌): the shapes the rules and findings API answers, the calls the console makes, and the
// rule editor's form — a definition as people edit it — turned into the API's RuleInput and back.
import { api, type PageResult } from './api.ts';
import { fromRowFilter, toRowFilter, type FilterRow, type RowFilter } from './share.ts';

type TagType = 'success' | 'warning' | 'info' | 'danger' | 'primary';

export const RULE_KINDS = ['collide', 'push'] as const;
export type RuleKind = typeof RULE_KINDS[number];
export const RULE_TRIGGERS = ['manual', 'schedule', 'arrival'] as const;
export type RuleTrigger = typeof RULE_TRIGGERS[number];
/** The builder's shapes: A 不在 B, A 在 B, A 与 B 不一致, 阈值, 筛选. */
export const SHAPES = ['anti', 'semi', 'disagree', 'threshold', 'filter'] as const;
export type Shape = typeof SHAPES[number];
export const CHANNELS = ['inbox', 'sms', 'webhook'] as const;
export type Channel = typeof CHANNELS[number];
export const SUBJECT_KINDS = ['person', 'enterprise'] as const;
export type SubjectKind = typeof SUBJECT_KINDS[number];
export const FINDING_STATUSES = ['open', 'resolved', 'dismissed'] as const;
export type FindingStatus = typeof FINDING_STATUSES[number];
/** The shapes that read a second dataset. */
export const hasB = (s: Shape): boolean => s === 'anti' || s === 'semi' || s === 'disagree';

export interface Pair { a: string; b: string }
export interface Side {
  dataset: string; where?: RowFilter;
  age?: { field: string; gte?: number; lt?: number; at?: string };
  recent?: { field: string; days: number };
}
export interface BuilderQuery {
  mode: 'builder'; shape: Shape; a: Side; b?: Side; on?: Pair[]; compare?: Pair[];
  window?: { a: string; b: string; op: 'after' | 'before'; days?: number };
  threshold?: { groupBy: string[]; measure: 'count' | 'sum'; field?: string; op: '>' | '>='; value: number };
  fields?: string[];
}
export interface SqlQuery { mode: 'sql'; sql: string }
export interface RuleAction {
  workOrder?: boolean; webhook?: string | null; priority?: 'normal' | 'urgent'; workingDays?: number;
  notice?: { title: string; body: string; channel?: Channel }; grantWithoutApplication?: boolean;
}
export interface RuleInput {
  code: string; name: string; description?: string; kind: RuleKind; query: BuilderQuery | SqlQuery; key: string[];
  subject?: { field: string; kind: SubjectKind }; ownerDepartment: string; responsibleDepartment: string;
  trigger: RuleTrigger; schedule?: string | null; asOf?: string | null; action?: RuleAction; enabled?: boolean;
}
export interface DeptRef { id: string; code: string; name: string }
export type RunStatus = 'running' | 'done' | 'failed';
export interface RuleRun {
  id: string; trigger: string; status: RunStatus; startedAt: string; finishedAt: string | null; rows: number;
  counts: Record<string, number>; versions: Record<string, number>; error: string | null; cause?: Record<string, unknown> | null;
}
export interface Rule extends Omit<RuleInput, 'ownerDepartment' | 'responsibleDepartment'> {
  id: string; ownerDepartment: DeptRef; responsibleDepartment: DeptRef; watches: string[]; enabled: boolean;
  createdAt: string; updatedAt: string; lastRun: RuleRun | null;
}
export interface DryRun {
  rows: number; keys: number; complete: boolean; columns: { name: string; type: string }[]; versions: Record<string, number>;
  asOf: string; seconds: number; sample: Record<string, unknown>[]; sampleVisible: boolean;
}
export interface Finding {
  id: string; rule: { id: string; code: string; name: string }; responsibleDepartment: string; key: Record<string, unknown> | null;
  status: FindingStatus; resolvedBy: string | null; resolvedAt: string | null; occurrences: number; recurring: boolean;
  versions: Record<string, number>; workOrder: { id: string; code: string; status: string } | null;
  firstSeenAt: string; lastSeenAt: string; dismissReason: string | null; evidenceRows: number; evidence?: Record<string, unknown>[] | null;
}
export interface FindingStats {
  rules: { code: string; name: string; open: number; resolved: number; dismissed: number; recurring: number; orders: Record<string, number> }[];
}
export interface RuleFilters { kind?: string | null; trigger?: string | null; q?: string | null }
export interface FindingFilters { rule?: string | null; status?: string | null; recurring?: boolean }

const at = encodeURIComponent;
/** The server's longest page of rules. */
const RULE_PAGE_MAX = 200;

export const rulesApi = {
  list: (f: RuleFilters, limit: number, offset: number) => api.get<PageResult<Rule>>('/rules', { ...f, limit, offset }),
  /** The rules of a kind the caller sees (up to a page's most), for pickers; none when they cannot be read. */
  all: (kind: RuleKind) => api.get<PageResult<Rule>>('/rules', { kind, limit: RULE_PAGE_MAX }, { quiet: true }).then((r) => r.items, () => [] as Rule[]),
  get: (id: string) => api.get<Rule>(`/rules/${at(id)}`, undefined, { quiet: true }),
  create: (body: RuleInput) => api.post<Rule>('/rules', body, { quiet: true }),
  update: (id: string, body: RuleInput) => api.put<Rule>(`/rules/${at(id)}`, body, { quiet: true }),
  dryRun: (body: RuleInput) => api.post<DryRun>('/rules/dry-run', body, { quiet: true }),
  run: (id: string) => api.post<RuleRun>(`/rules/${at(id)}/run`),
  runs: (id: string, limit: number, offset: number) => api.get<PageResult<RuleRun>>(`/rules/${at(id)}/runs`, { limit, offset }),
};

export const findingsApi = {
  list: (f: FindingFilters, limit: number, offset: number) => api.get<PageResult<Finding>>('/findings', { ...f, recurring: f.recurring || undefined, limit, offset }),
  get: (id: string) => api.get<Finding>(`/findings/${at(id)}`, undefined, { quiet: true }),
  stats: () => api.get<FindingStats>('/findings/stats', undefined, { quiet: true }),
  dismiss: (id: string, reason: string) => api.post<Finding>(`/findings/${at(id)}/dismiss`, { reason }),
};

export const KIND_TAG: Record<RuleKind, TagType> = { collide: 'warning', push: 'success' };
export const RUN_TAG: Record<RunStatus, TagType> = { running: 'primary', done: 'success', failed: 'danger' };
export const FINDING_TAG: Record<FindingStatus, TagType> = { open: 'danger', resolved: 'success', dismissed: 'info' };

/** A run's counts in the order people read them (collide: new, recurring, unchanged, resolved, dismissed; push: candidates…). */
export const countEntries = (counts: Record<string, number>): [string, number][] => Object.entries(counts).filter(([, n]) => n !== 0);

/** The key of a finding as text: `fsdz=示范路3号`. */
export const keyText = (key: Record<string, unknown> | null): string =>
  key ? Object.entries(key).map(([k, v]) => `${k}=${v === null || v === undefined ? '' : String(v)}`).join('，') : '';

/** Dataset versions as text: `GA_JQ v1 · MZ_ZL v3`. */
export const versionsText = (v: Record<string, number>): string => Object.entries(v).map(([c, n]) => `${c} v${n}`).join(' · ');

// ---- the editor's form

export interface SideForm {
  dataset: string; where: FilterRow[];
  ageOn: boolean; ageField: string; ageGte: number | null; ageLt: number | null; ageAt: string;
  recentOn: boolean; recentField: string; recentDays: number;
}
export interface RuleForm {
  code: string; name: string; description: string; kind: RuleKind; enabled: boolean;
  /** Department ids (the pickers'); sent as codes. */
  ownerId: string; responsibleId: string;
  trigger: RuleTrigger; schedule: string; asOf: string; key: string[];
  mode: 'builder' | 'sql'; sql: string; shape: Shape; a: SideForm; b: SideForm; on: Pair[]; compare: Pair[];
  windowOn: boolean; windowA: string; windowB: string; windowOp: 'after' | 'before'; windowDays: number | null;
  groupBy: string[]; measure: 'count' | 'sum'; measureField: string; thresholdOp: '>' | '>='; thresholdValue: number;
  fields: string[];
  workOrder: boolean; priority: 'normal' | 'urgent'; workingDays: number | null; webhook: string;
  noticeTitle: string; noticeBody: string; channel: Channel; grantWithoutApplication: boolean; subjectField: string; subjectKind: SubjectKind;
}

export const blankSide = (): SideForm => ({
  dataset: '', where: [], ageOn: false, ageField: '', ageGte: null, ageLt: null, ageAt: '', recentOn: false, recentField: '', recentDays: 30,
});

export const blankRuleForm = (departmentId = ''): RuleForm => ({
  code: '', name: '', description: '', kind: 'collide', enabled: true, ownerId: departmentId, responsibleId: departmentId,
  trigger: 'manual', schedule: '', asOf: '', key: [],
  mode: 'builder', sql: '', shape: 'anti', a: blankSide(), b: blankSide(), on: [{ a: '', b: '' }], compare: [{ a: '', b: '' }],
  windowOn: false, windowA: '', windowB: '', windowOp: 'after', windowDays: null,
  groupBy: [], measure: 'count', measureField: '', thresholdOp: '>=', thresholdValue: 2, fields: [],
  workOrder: true, priority: 'normal', workingDays: null, webhook: '',
  noticeTitle: '', noticeBody: '', channel: 'inbox', grantWithoutApplication: false, subjectField: '', subjectKind: 'person',
});

const filled = (pairs: Pair[]) => pairs.filter((p) => p.a && p.b);
const numberOrUndefined = (n: number | null) => (n === null || n === undefined || Number.isNaN(n) ? undefined : n);

function toSide(s: SideForm): Side {
  const side: Side = { dataset: s.dataset };
  const where = toRowFilter(s.where);
  if (where) side.where = where;
  if (s.ageOn && s.ageField) side.age = { field: s.ageField, gte: numberOrUndefined(s.ageGte), lt: numberOrUndefined(s.ageLt), ...(s.ageAt ? { at: s.ageAt } : {}) };
  if (s.recentOn && s.recentField) side.recent = { field: s.recentField, days: s.recentDays };
  return side;
}

function fromSide(s: Side | undefined): SideForm {
  if (!s) return blankSide();
  return {
    dataset: s.dataset, where: fromRowFilter(s.where),
    ageOn: !!s.age, ageField: s.age?.field ?? '', ageGte: s.age?.gte ?? null, ageLt: s.age?.lt ?? null, ageAt: s.age?.at ?? '',
    recentOn: !!s.recent, recentField: s.recent?.field ?? '', recentDays: s.recent?.days ?? 30,
  };
}

function toQuery(f: RuleForm): BuilderQuery | SqlQuery {
  if (f.mode === 'sql') return { mode: 'sql', sql: f.sql };
  const q: BuilderQuery = { mode: 'builder', shape: f.shape, a: toSide(f.a) };
  if (hasB(f.shape)) {
    q.b = toSide(f.b);
    q.on = filled(f.on);
  }
  if (f.shape === 'disagree') q.compare = filled(f.compare);
  if ((f.shape === 'semi' || f.shape === 'disagree') && f.windowOn && f.windowA && f.windowB) {
    q.window = { a: f.windowA, b: f.windowB, op: f.windowOp, ...(numberOrUndefined(f.windowDays) !== undefined ? { days: f.windowDays! } : {}) };
  }
  if (f.shape === 'threshold') {
    q.threshold = { groupBy: f.groupBy, measure: f.measure, op: f.thresholdOp, value: f.thresholdValue, ...(f.measure === 'sum' ? { field: f.measureField } : {}) };
  }
  if (f.fields.length) q.fields = f.fields;
  return q;
}

/** The form as the API takes it (department ids to codes through `codeOf`). */
export function toRuleInput(f: RuleForm, codeOf: (departmentId: string) => string): RuleInput {
  // no webhook: left out (a null is coerced to "" by the server's schema and then refused as an address)
  const action: RuleAction = f.webhook.trim() ? { webhook: f.webhook.trim() } : {};
  if (f.kind === 'collide') {
    action.workOrder = f.workOrder;
    action.priority = f.priority;
    if (numberOrUndefined(f.workingDays) !== undefined) action.workingDays = f.workingDays!;
  } else {
    action.notice = { title: f.noticeTitle, body: f.noticeBody, channel: f.channel };
    action.grantWithoutApplication = f.grantWithoutApplication;
  }
  return {
    code: f.code.trim().toUpperCase(), name: f.name.trim(), description: f.description, kind: f.kind, query: toQuery(f), key: f.key,
    ...(f.kind === 'push' ? { subject: { field: f.subjectField, kind: f.subjectKind } } : {}),
    ownerDepartment: codeOf(f.ownerId), responsibleDepartment: codeOf(f.responsibleId),
    trigger: f.trigger, schedule: f.trigger === 'schedule' ? f.schedule.trim() : null, asOf: f.asOf || null, action, enabled: f.enabled,
  };
}

/** A saved rule as the editor's form. */
export function ruleForm(r: Rule): RuleForm {
  const f = blankRuleForm();
  const a = r.action ?? {};
  Object.assign(f, {
    code: r.code, name: r.name, description: r.description ?? '', kind: r.kind, enabled: r.enabled, ownerId: r.ownerDepartment.id, responsibleId: r.responsibleDepartment.id,
    trigger: r.trigger, schedule: r.schedule ?? '', asOf: r.asOf ?? '', key: [...r.key],
    workOrder: a.workOrder ?? true, priority: a.priority ?? 'normal', workingDays: a.workingDays ?? null, webhook: a.webhook ?? '',
    noticeTitle: a.notice?.title ?? '', noticeBody: a.notice?.body ?? '', channel: a.notice?.channel ?? 'inbox', grantWithoutApplication: a.grantWithoutApplication ?? false,
    subjectField: r.subject?.field ?? '', subjectKind: r.subject?.kind ?? 'person',
  });
  const q = r.query;
  if (q.mode === 'sql') return { ...f, mode: 'sql', sql: q.sql };
  return {
    ...f, mode: 'builder', shape: q.shape, a: fromSide(q.a), b: fromSide(q.b),
    on: q.on?.length ? q.on.map((p) => ({ ...p })) : f.on, compare: q.compare?.length ? q.compare.map((p) => ({ ...p })) : f.compare,
    windowOn: !!q.window, windowA: q.window?.a ?? '', windowB: q.window?.b ?? '', windowOp: q.window?.op ?? 'after', windowDays: q.window?.days ?? null,
    groupBy: q.threshold?.groupBy ?? [], measure: q.threshold?.measure ?? 'count', measureField: q.threshold?.field ?? '',
    thresholdOp: q.threshold?.op ?? '>=', thresholdValue: q.threshold?.value ?? 2, fields: q.fields ?? [],
  };
}
