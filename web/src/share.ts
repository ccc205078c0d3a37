// Helpers shared by the sharing pages (转 · 共享): the shapes of requests and grants, status tags,
// masks, row filters as the console edits them, and working days left until a decision is due.
import { shallowRef } from 'vue';
import { api } from './api.ts';
import { i18n } from './i18n/index.ts';
import { joinList } from './ingest.ts';
import type { DatasetField } from './types.ts';

type TagType = 'success' | 'warning' | 'info' | 'danger' | 'primary';

/** One condition of a row filter, as the API takes it: `{"qx":{"eq":"西湖区"},"nl":{"gte":60}}`. */
export interface Condition { eq?: Scalar; in?: Scalar[]; gt?: Scalar; gte?: Scalar; lt?: Scalar; lte?: Scalar; prefix?: string; isNull?: boolean }
export type Scalar = string | number | boolean;
export type RowFilter = Record<string, Condition>;

export interface DeptRef { id: string; code: string; name: string }
export type RequestStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';
export type GrantStatus = 'active' | 'scheduled' | 'expired' | 'revoked';

export interface ShareRequest {
  id: string;
  dataset: { code: string; name: string; shareType: string; departmentCode: string; departmentName: string };
  consumerDepartment: DeptRef | null; requestedBy: string; purpose: string; fields: string[]; filter: RowFilter | null; masks: Record<string, string>;
  validFrom: string; validUntil: string; status: RequestStatus; dueAt: string | null; overdue: boolean;
  decidedBy: string | null; decidedAt: string | null; reason: string | null; grantId: string | null; createdAt: string;
}

export interface Grant {
  id: string; requestId: string | null;
  dataset: { id: string; code: string; name: string; departmentId: string; departmentCode: string; departmentName: string };
  consumerDepartment: DeptRef | null; consumerUser: { id: string; username: string } | null;
  purpose: string; fields: string[]; filter: RowFilter | null; masks: Record<string, string>;
  loosened: { field: string; from: string; to: string }[]; tokenIds: string[] | null;
  validFrom: string; validUntil: string; ratePerMinute: number | null; rowsPerDay: number | null; automatic: boolean;
  grantedBy: string; reason: string | null; createdAt: string; revokedAt: string | null; revokedBy: string | null; revokeReason: string | null; status: GrantStatus;
}

export interface UsageDay { day: string; reads: number; rows: number }

export interface AccessAlert {
  id: string; kind: string; grantId: string | null; dataset: string | null; department: string | null; actor: string;
  details: Record<string, unknown>; createdAt: string; acknowledgedAt: string | null; acknowledgedBy: string | null;
}

export interface DataUse {
  seq: number; at: string; reader: string; department: string; application: string | null; dataset: string; datasetName: string | null;
  owner: string | null; purpose: string | null; grantId: string | null; via: string | null; fields: string[]; hash: string;
}

/** A column of the data service: masked ones carry their mask. */
export interface DataColumn { name: string; title: string; type: string; sensitivity: string; masked: boolean; mask?: string }
/** One page of `GET /data/{code}` as JSON. */
export interface DataPage { dataset: string; version: number; grantId: string | null; columns: DataColumn[]; rows: Record<string, unknown>[]; nextCursor: string | null }

export const REQUEST_TAG: Record<RequestStatus, TagType> = { pending: 'warning', approved: 'success', rejected: 'danger', withdrawn: 'info' };
export const GRANT_TAG: Record<GrantStatus, TagType> = { active: 'success', scheduled: 'primary', expired: 'info', revoked: 'danger' };
export const SENSITIVITY_TAG: Record<string, TagType> = { L1: 'success', L2: 'primary', L3: 'warning', L4: 'danger' };

/** Every mask a grant may set on a field (the server's MASK_KINDS). */
export const MASK_KINDS = ['name', 'id', 'phone', 'address', 'email', 'bankcard', 'year', 'month', 'ageband', 'keep', 'pseudonym', 'null', 'none'] as const;

/** The operators the filter builder offers; `range` is a lower and/or an upper bound. */
export const FILTER_OPS = ['eq', 'in', 'range', 'prefix', 'isNull'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];
/** One line of the filter builder. */
export interface FilterRow { field: string; op: FilterOp; value: string; high: string; isNull: boolean; lowOp: 'gt' | 'gte'; highOp: 'lt' | 'lte' }

export const blankFilterRow = (field = ''): FilterRow => ({ field, op: 'eq', value: '', high: '', isNull: true, lowOp: 'gte', highOp: 'lte' });

/** `a, b、c` → [a, b, c]: the values of an `in` condition as people type them. */
const splitValues = (s: string) => s.split(/[,，、\n]/).map((x) => x.trim()).filter(Boolean);

/**
 * The builder's lines as the API's filter (null when empty). Values stay text: the server casts each
 * to its column's type. Lines on the same field add up (all must hold).
 */
export function toRowFilter(rows: FilterRow[]): RowFilter | null {
  const out: RowFilter = {};
  for (const r of rows) {
    if (!r.field) continue;
    const c: Condition = out[r.field] ?? {};
    if (r.op === 'eq' && r.value.trim()) c.eq = r.value.trim();
    else if (r.op === 'in' && splitValues(r.value).length) c.in = splitValues(r.value);
    else if (r.op === 'prefix' && r.value.trim()) c.prefix = r.value.trim();
    else if (r.op === 'isNull') c.isNull = r.isNull;
    else if (r.op === 'range') {
      if (r.value.trim()) c[r.lowOp] = r.value.trim();
      if (r.high.trim()) c[r.highOp] = r.high.trim();
    }
    if (Object.keys(c).length) out[r.field] = c;
  }
  return Object.keys(out).length ? out : null;
}

/** A filter from the API as builder lines (to narrow a request's filter when approving it). */
export function fromRowFilter(filter: RowFilter | null | undefined): FilterRow[] {
  const rows: FilterRow[] = [];
  for (const [field, c] of Object.entries(filter ?? {})) {
    const line = (patch: Partial<FilterRow>) => rows.push({ ...blankFilterRow(field), ...patch });
    if (c.eq !== undefined) line({ op: 'eq', value: String(c.eq) });
    if (c.in) line({ op: 'in', value: c.in.join(', ') });
    if (c.prefix !== undefined) line({ op: 'prefix', value: c.prefix });
    if (c.isNull !== undefined) line({ op: 'isNull', isNull: c.isNull });
    const low = c.gte !== undefined ? 'gte' : c.gt !== undefined ? 'gt' : null;
    const high = c.lte !== undefined ? 'lte' : c.lt !== undefined ? 'lt' : null;
    if (low || high) line({ op: 'range', value: low ? String(c[low]) : '', high: high ? String(c[high]) : '', lowOp: low ?? 'gte', highOp: high ?? 'lte' });
  }
  return rows;
}

const SYMBOL: Record<string, string> = { eq: '=', gt: '>', gte: '≥', lt: '<', lte: '≤' };

/** A filter in words, field titles where known: `区县 = 西湖区；年龄 ≥ 60`. */
export function filterText(filter: RowFilter | null | undefined, fields: Pick<DatasetField, 'name' | 'title'>[] = []): string {
  const t = i18n.global.t;
  const title = (n: string) => fields.find((f) => f.name === n)?.title || n;
  const parts: string[] = [];
  for (const [name, c] of Object.entries(filter ?? {})) {
    for (const [op, v] of Object.entries(c)) {
      if (op in SYMBOL) parts.push(`${title(name)} ${SYMBOL[op]} ${String(v)}`);
      else if (op === 'in') parts.push(t('share.filter.inText', { field: title(name), values: joinList((v as Scalar[]).map(String)) }));
      else if (op === 'prefix') parts.push(t('share.filter.prefixText', { field: title(name), value: String(v) }));
      else if (op === 'isNull') parts.push(t(v ? 'share.filter.nullText' : 'share.filter.notNullText', { field: title(name) }));
    }
  }
  return parts.length ? parts.join(t('share.filter.and')) : t('share.filter.all');
}

/** YYYY-MM-DD of an instant in Beijing time (the working calendar's days). */
export function shanghaiDay(d: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

interface SpecialDay { day: string; kind: 'holiday' | 'workday' }
/** Special days of each year asked for so far (holidays and make-up workdays), shared by every page. */
const specialYears = shallowRef<Record<number, Record<string, SpecialDay['kind']>>>({});
const loading = new Set<number>();

function loadYear(year: number): void {
  if (specialYears.value[year] || loading.has(year)) return;
  loading.add(year);
  void api.get<{ days: SpecialDay[] }>(`/calendar/${year}`, undefined, { quiet: true })
    .then((r) => { specialYears.value = { ...specialYears.value, [year]: Object.fromEntries(r.days.map((d) => [d.day, d.kind])) }; })
    .catch(() => { /* without the calendar, the due date alone is shown */ })
    .finally(() => loading.delete(year));
}

/**
 * Working days left from today (Beijing time) to `due`, by the platform's working calendar
 * (weekends and holidays off, make-up workdays on); negative once overdue. Null until the years it
 * spans are loaded.
 */
export function workingDaysLeft(due: string, now = new Date()): number | null {
  const from = shanghaiDay(now);
  const to = shanghaiDay(new Date(due));
  const [a, b] = from <= to ? [from, to] : [to, from];
  const years = [Number(a.slice(0, 4)), Number(b.slice(0, 4))];
  for (let y = years[0]; y <= years[1]; y++) loadYear(y);
  if (years.some((y) => !specialYears.value[y])) return null;
  let n = 0;
  // calendar days counted in UTC, so the browser's own time zone never shifts them
  for (let d = new Date(`${a}T00:00:00Z`); ; d.setUTCDate(d.getUTCDate() + 1)) {
    const day = d.toISOString().slice(0, 10);
    if (day >= b) break;
    const next = new Date(d.getTime() + 86_400_000).toISOString().slice(0, 10);
    const special = specialYears.value[Number(next.slice(0, 4))]?.[next];
    const weekday = new Date(`${next}T00:00:00Z`).getUTCDay();
    if (special === 'workday' || (special !== 'holiday' && weekday !== 0 && weekday !== 6)) n++;
  }
  return from <= to ? n : -n;
}

/** A field's title with its name: `姓名 (xm)`. */
export const fieldLabel = (f: Pick<DatasetField, 'name' | 'title'>) => (f.title && f.title !== f.name ? `${f.title} (${f.name})` : f.name);

/** A date-only picker value (YYYY-MM-DD) as the end of that day in Beijing time, for validUntil. */
export const endOfDay = (day: string) => new Date(`${day}T23:59:59+08:00`).toISOString();
/** …and as its start, for validFrom. */
export const startOfDay = (day: string) => new Date(`${day}T00:00:00+08:00`).toISOString();

/** Where a sharing notice (bell) leads: the request list on the right side, the grant, or the alerts. */
export function shareNoticeTarget(n: { kind: string; objectId: string | null }, admin: boolean): { path: string; query?: Record<string, string> } | null {
  switch (n.kind) {
    case 'share.request':
    case 'share.due': return { path: '/share/requests', query: { side: 'incoming', status: 'pending' } };
    case 'share.overdue': return { path: '/share/requests', query: admin ? { side: 'all', overdue: 'true' } : { side: 'incoming', status: 'pending' } };
    case 'share.decided': return { path: '/share/requests', query: { side: 'mine' } };
    case 'share.revoked': return { path: '/share/grants', query: { side: 'mine', ...(n.objectId ? { grant: n.objectId } : {}) } };
    case 'share.alert': return { path: '/share/alerts' };
    default: return null;
  }
}
