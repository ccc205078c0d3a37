// 一人一档 / 一企一档: the shapes the entity-resolution API answers and the calls the console makes.
// Every path is under /entities/{kind}; `kind` is person (一人一档) or enterprise (一企一档).
import { computed, ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { ElMessageBox, type FormItemRule } from 'element-plus';
import { api } from './api.ts';
import { fmtTime } from './format.ts';
import { i18n, t } from './i18n/index.ts';
import { session } from './session.ts';

export type EntityKind = 'person' | 'enterprise';
export const ENTITY_KINDS: EntityKind[] = ['person', 'enterprise'];
export const isEntityKind = (s: unknown): s is EntityKind => s === 'person' || s === 'enterprise';

export interface DatasetRef { code: string; name: string }

/** `recluster`: after a merge, split or review decision, the clusters are drawn again from the stored pairs. */
export type RunMode = 'full' | 'incremental' | 'recluster';
export type RunStatus = 'queued' | 'running' | 'done' | 'failed';
export interface Run {
  id: string; kind: EntityKind; mode: RunMode; status: RunStatus; retrain?: boolean; createdAt?: string; startedAt: string | null; finishedAt: string | null;
  /** `done` of `total` stages, the one running named. */
  progress: { stage: string; done: number; total: number } | null;
  stats: { records: number; pairs: number; links: number; clusters: number; newClusters: number; seconds: number; changed?: number; merged?: number; review?: number } | null;
  error: string | null;
}

export interface Overview {
  records: number; clusters: number; multiSource: number; pendingReview: number; lastRun: Run | null;
  bySource: { dataset: DatasetRef; records: number }[];
  sizeHistogram: { size: number; count: number }[];
}

/** What a profile is searched by: a person by name, ID number or phone; an enterprise by name or credit code. */
export type SearchBy = 'name' | 'id_number' | 'phone' | 'code';
export const SEARCH_BY: Record<EntityKind, SearchBy[]> = { person: ['name', 'id_number', 'phone'], enterprise: ['name', 'code'] };
/** The inputs a profile is made of, in the order shown (the server's ENTITY_INPUTS). */
export const INPUTS: Record<EntityKind, string[]> = {
  person: ['name', 'id_number', 'sex', 'birth_date', 'phone', 'address'],
  enterprise: ['name', 'code', 'legal_rep', 'address', 'established'],
};
/** What a search hit shows, by input; a key is absent when the caller may not see that field at all. */
export type Display = Record<string, unknown>;
export interface SearchHit { clusterId: string; display: Display; records: number; datasets: DatasetRef[] }
export interface SearchResult { items: SearchHit[]; searched: DatasetRef[]; skipped: (DatasetRef & { reason: string })[] }

export interface GoldenField { field: string; title: string; value: unknown; masked: boolean; rule: string; source: { dataset: string; rid: string } | null }
export interface SourceRecord {
  rid: string; dataset: DatasetRef & { department: string }; version: number; updatedAt: string | null; basis: 'owner' | 'grant';
  columns: { name: string; title: string; masked: boolean }[]; values: Record<string, unknown>;
}
export interface TimelineEvent { at: string; dataset: DatasetRef; rid: string; title: string }
export type ManualMark = 'match' | 'no_match' | null;
export interface Link { left: string; right: string; probability: number; weight: number; manual: ManualMark }
export type DecisionAction = 'merge' | 'split' | 'match' | 'no_match';
export interface Decision { id: string; action: DecisionAction; reason: string; actor: string; at: string; clusterIds?: string[] }
export interface Profile {
  clusterId: string; kind: EntityKind; redirectedFrom: string | null;
  golden: GoldenField[]; records: SourceRecord[]; hidden: number;
  timeline: TimelineEvent[]; links: Link[]; decisions: Decision[];
}

export interface ExplainField { name: string; title?: string; level: number; label: string; weight: number; left: unknown; right: unknown }
export interface Explanation {
  left: string; right: string; prior: number; fields: ExplainField[];
  matchWeight: number; matchProbability: number; deterministic: boolean;
  /** Some values are not shown: a record of the pair is in a dataset the caller may not read. */
  hiddenValues?: boolean;
}

export type ReviewStatus = 'pending' | 'match' | 'no_match';
export interface ReviewSide { rid: string; dataset: DatasetRef }
export interface ReviewItem {
  id: string; left: ReviewSide; right: ReviewSide; probability: number; weight: number; status: ReviewStatus;
  reason: string | null; decidedBy: string | null; decidedAt: string | null;
}

const base = (kind: EntityKind) => `/entities/${kind}`;
const at = encodeURIComponent;

export const entityApi = {
  overview: (kind: EntityKind) => api.get<Overview>(`${base(kind)}/overview`, undefined, { quiet: true }),
  search: (kind: EntityKind, q: string, by: SearchBy, limit = 20) => api.get<SearchResult>(`${base(kind)}/search`, { q, by, limit }, { quiet: true }),
  profile: (kind: EntityKind, clusterId: string) => api.get<Profile>(`${base(kind)}/profiles/${at(clusterId)}`, undefined, { quiet: true }),
  explain: (kind: EntityKind, left: string, right: string) => api.get<Explanation>(`${base(kind)}/explain`, { left, right }, { quiet: true }),
  merge: (kind: EntityKind, clusterIds: [string, string], reason: string) => api.post<{ clusterId: string }>(`${base(kind)}/merge`, { clusterIds, reason }),
  split: (kind: EntityKind, clusterId: string, rids: string[], reason: string) =>
    api.post<{ clusterIds: string[] }>(`${base(kind)}/profiles/${at(clusterId)}/split`, { rids, reason }),
  review: (kind: EntityKind, status: ReviewStatus, limit: number, offset: number) =>
    api.get<{ items: ReviewItem[]; total: number }>(`${base(kind)}/review`, { status, limit, offset }),
  decide: (kind: EntityKind, id: string, decision: 'match' | 'no_match', reason: string) =>
    api.post<unknown>(`${base(kind)}/review/${at(id)}`, { decision, reason }),
  runs: (kind: EntityKind) => api.get<{ items: Run[] }>(`${base(kind)}/runs`, undefined, { quiet: true }),
  startRun: (kind: EntityKind, mode: RunMode, retrain: boolean) => api.post<{ id: string }>(`${base(kind)}/runs`, { mode, retrain }),
};

/** Merge, split and clerical review: admins and department officers; analysts only look. */
export const canCurate = computed(() => session.user?.role === 'admin' || session.user?.role === 'officer');
/** Starting a linkage run re-reads every source: the platform admin's call. */
export const canRun = computed(() => session.user?.role === 'admin');

/** A reason long enough to mean something in the decision history (the server asks the same). */
export const MIN_REASON = 4;

const longEnough = (v: unknown) => typeof v === 'string' && v.trim().length >= MIN_REASON;
/** The form rule of a reason field (merge and split dialogs). */
export const reasonRules = (): FormItemRule[] => [{
  trigger: 'blur',
  validator: (_rule, value, callback) => (longEnough(value) ? callback() : callback(new Error(t('entity.reasonShort', { n: MIN_REASON })))),
}];

/** Ask for the reason of a decision in a message box; null when cancelled. */
export async function askDecisionReason(title: string): Promise<string | null> {
  try {
    const { value } = await ElMessageBox.prompt(t('entity.reasonHint', { n: MIN_REASON }), title, {
      inputType: 'textarea',
      confirmButtonText: t('common.confirm'),
      cancelButtonText: t('common.cancel'),
      inputValidator: (v) => longEnough(v) || t('entity.reasonShort', { n: MIN_REASON }),
      customClass: 'reason-box',
    });
    return (value ?? '').trim();
  } catch {
    return null;
  }
}

type TagType = 'success' | 'warning' | 'info' | 'danger' | 'primary';
export const RUN_TAG: Record<RunStatus, TagType> = { queued: 'info', running: 'primary', done: 'success', failed: 'danger' };
export const REVIEW_TAG: Record<ReviewStatus, TagType> = { pending: 'warning', match: 'success', no_match: 'info' };
export const DECISION_TAG: Record<DecisionAction, TagType> = { merge: 'primary', split: 'warning', match: 'success', no_match: 'info' };
/** Golden-record rules the console names (see ruleKey). */
export const RULE_TAG: Record<'trusted' | 'latest' | 'common', TagType> = { trusted: 'success', latest: 'primary', common: 'warning' };

/**
 * The console's name for a golden-record rule: the server may spell one `most_trusted`, `latest` or
 * `most_common` (or the short forms); anything else is shown as it comes.
 */
export function ruleKey(rule: string): 'trusted' | 'latest' | 'common' | null {
  if (/trust/i.test(rule)) return 'trusted';
  if (/late|recent|new/i.test(rule)) return 'latest';
  if (/common|frequent|mode/i.test(rule)) return 'common';
  return null;
}

/** A probability as a percentage with one decimal: 0.9731 → 97.3%. */
export function fmtProbability(p: number | null | undefined): string {
  if (p === null || p === undefined || Number.isNaN(p)) return '—';
  const s = (p * 100).toFixed(1);
  // 0.9995 is not certain: it must not read as 100%
  if (s === '100.0' && p < 1) return '>99.9%';
  if (s === '0.0' && p > 0) return '<0.1%';
  return `${s}%`;
}
/** A match weight (log2 Bayes factor) with its sign: +6.21 / −3.40. */
export const fmtWeight = (w: number | null | undefined): string => (w === null || w === undefined || Number.isNaN(w) ? '—' : `${w >= 0 ? '+' : '−'}${Math.abs(w).toFixed(2)}`);
/** An input's title for the kind: `姓名` of a person, `企业名称` of an enterprise; an unknown one as named. */
export function inputTitle(kind: EntityKind, input: string): string {
  const key = `entity.inputs.${kind}.${input}`;
  return i18n.global.te(key) ? t(key) : input;
}

/** A date from the timeline (a day, or an instant) as shown: days stay days. */
export const fmtDay = (at: string): string => (/^\d{4}-\d{2}-\d{2}$/.test(at) ? at : fmtTime(at));

/** A value from a record as text; null and empty show as a dash. */
export const valueText = (v: unknown): string => (v === null || v === undefined || v === '' ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * The kind a page shows (一人一档 or 一企一档), kept in the route query (`?kind=enterprise`) so the
 * pages link to each other and a reload stays put; `change()` after the switch writes it back.
 */
export function useEntityKind() {
  const route = useRoute();
  const router = useRouter();
  const kind = ref<EntityKind>(isEntityKind(route.query.kind) ? route.query.kind : 'person');
  function change() {
    void router.replace({ query: { ...route.query, kind: kind.value } });
  }
  return { kind, change };
}
