// 工单: the shapes the work-order API answers and the calls the console makes (all under /workorders).
import { onBeforeUnmount, ref, type Ref } from 'vue';
import { ElMessageBox } from 'element-plus';
import { api, type PageResult } from './api.ts';
import { t } from './i18n/index.ts';

export const WO_STATUSES = ['new', 'assigned', 'in_progress', 'done', 'verified', 'closed', 'returned', 'suspended'] as const;
export type WoStatus = typeof WO_STATUSES[number];
export const WO_ACTIONS = ['assign', 'start', 'done', 'return', 'verify', 'reopen', 'close', 'suspend', 'resume'] as const;
export type WoAction = typeof WO_ACTIONS[number];
export type Sla = 'ok' | 'warning' | 'overdue';
export const WO_SLAS: Sla[] = ['ok', 'warning', 'overdue'];
export const WO_PRIORITIES = ['normal', 'urgent'] as const;
export type Priority = typeof WO_PRIORITIES[number];
/** Where an order comes from: a collision rule's finding, a push, a case, an alert, or opened by hand. */
export const WO_SOURCES = ['collision', 'push', 'case', 'alert', 'manual'] as const;
export type Source = typeof WO_SOURCES[number];

export interface Named { id: string; name: string }
export interface WorkOrder {
  id: string; code: string; title: string; status: WoStatus; priority: Priority; source: Source;
  department: Named & { code: string }; handler: Named | null;
  dueAt: string; sla: Sla; supervised: boolean; createdAt: string; updatedAt: string;
}
export interface WoEvent { at: string; actor: string; action: string; from: string | null; to: string | null; note: string | null }
export interface WoComment { id: string; at: string; author: string; text: string }
export interface WoAttachment { id: string; name: string; size: number; type: string; at: string; author: string }
export interface WorkOrderDetail extends WorkOrder {
  description: string; sourceRef: unknown; evidence: unknown; createdBy: { id: string | null; name: string };
  actions: WoAction[]; events: WoEvent[]; comments: WoComment[]; attachments: WoAttachment[];
}
export interface WoStats { byStatus: Partial<Record<WoStatus, number>>; bySla: Record<Sla, number>; supervised: number }
export interface WoFilters {
  status?: string | null; department?: string | null; source?: string | null; overdue?: boolean; supervised?: boolean; q?: string | null; mine?: boolean;
}
/** Without `workingDays` the time limit is the priority's: normal 5 working days, urgent 1. */
export interface NewWorkOrder { title: string; description?: string; departmentId: string; priority?: Priority; workingDays?: number }
export interface ActionBody { reason?: string; handlerId?: string; note?: string }

const at = encodeURIComponent;
/** A filter left off is not sent (false booleans included). */
const query = (f: WoFilters) => ({ ...f, overdue: f.overdue || undefined, supervised: f.supervised || undefined, mine: f.mine || undefined });

export const woApi = {
  list: (f: WoFilters, limit: number, offset: number) => api.get<PageResult<WorkOrder>>('/workorders', { ...query(f), limit, offset }),
  stats: () => api.get<WoStats>('/workorders/stats', undefined, { quiet: true }),
  create: (body: NewWorkOrder) => api.post<WorkOrder>('/workorders', body),
  get: (id: string) => api.get<WorkOrderDetail>(`/workorders/${at(id)}`, undefined, { quiet: true }),
  act: (id: string, action: WoAction, body: ActionBody = {}) => api.post<WorkOrder>(`/workorders/${at(id)}/actions/${action}`, body),
  comment: (id: string, text: string) => api.post<unknown>(`/workorders/${at(id)}/comments`, { text }),
  upload: (id: string, file: File, onProgress: (percent: number) => void) => {
    const form = new FormData();
    form.append('file', file);
    return api.upload<WoAttachment>(`/workorders/${at(id)}/attachments`, form, { onProgress });
  },
  download: (id: string, a: WoAttachment) => api.download(`/workorders/${at(id)}/attachments/${at(a.id)}`, a.name),
};

type TagType = 'success' | 'warning' | 'info' | 'danger' | 'primary';
export const STATUS_TAG: Record<WoStatus, TagType> = {
  new: 'primary', assigned: 'primary', in_progress: 'warning', done: 'success', verified: 'success', closed: 'info', returned: 'danger', suspended: 'info',
};
export const SLA_TAG: Record<Sla, TagType> = { ok: 'success', warning: 'warning', overdue: 'danger' };
export const PRIORITY_TAG: Record<Priority, TagType> = { normal: 'info', urgent: 'danger' };
/** How each action's button looks; the actions that end or undo a step stand apart. */
export const ACTION_BUTTON: Record<WoAction, TagType> = {
  assign: 'primary', start: 'primary', done: 'success', verify: 'success', close: 'info', return: 'danger', reopen: 'warning', suspend: 'warning', resume: 'primary',
};
/**
 * Whether taking `action` from `status` asks for a reason (the server's table: returning, suspending and
 * reopening always; closing a returned order too). The console asks for at least MIN_REASON characters.
 */
export const needsReason = (status: WoStatus, action: WoAction): boolean =>
  action === 'return' || action === 'suspend' || action === 'reopen' || (action === 'close' && status === 'returned');
export const MIN_REASON = 4;

/** An i18n word of a group, or the value itself when the console has no word for it. */
export function word(group: string, value: string | null | undefined, has: (key: string) => boolean): string {
  if (!value) return '';
  const key = `workorders.${group}.${value}`;
  return has(key) ? t(key) : value;
}

/** The time left until `dueAt` (negative: late), in words: 剩 2 天 3 小时 / 已超期 5 小时. */
export function countdown(dueAt: string, now = Date.now()): string {
  const ms = new Date(dueAt).getTime() - now;
  const mins = Math.floor(Math.abs(ms) / 60_000);
  const d = Math.floor(mins / 1440);
  const h = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  const span = d ? t('workorders.sla.dh', { d, h }) : h ? t('workorders.sla.hm', { h, m }) : t('workorders.sla.m', { m });
  return ms >= 0 ? t('workorders.sla.left', { span }) : t('workorders.sla.late', { span });
}

/** Ask the reason of a return, a suspension or a reopening; null when cancelled. */
export async function askReason(title: string): Promise<string | null> {
  const long = (v: string | null) => (v ?? '').trim().length >= MIN_REASON;
  try {
    const { value } = await ElMessageBox.prompt(t('workorders.reasonHint', { n: MIN_REASON }), title, {
      inputType: 'textarea', confirmButtonText: t('common.confirm'), cancelButtonText: t('common.cancel'), customClass: 'reason-box',
      inputValidator: (v) => long(v) || t('workorders.reasonShort', { n: MIN_REASON }),
    });
    return (value ?? '').trim();
  } catch {
    return null;
  }
}

/** File size in B / KB / MB. */
export function fmtSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Still being worked on: the SLA clock runs. */
export const isOpen = (s: WoStatus): boolean => s === 'new' || s === 'assigned' || s === 'in_progress' || s === 'returned';

/** The current time, ticking every half minute while the component lives (the SLA countdowns follow it). */
export function useNow(ms = 30_000): Ref<number> {
  const now = ref(Date.now());
  const timer = setInterval(() => { now.value = Date.now(); }, ms);
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}
