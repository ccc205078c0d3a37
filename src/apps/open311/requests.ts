/**
 * Cases as GeoReport v2 service requests: a POST is a report to the case intake on the `open311`
 * channel; GET reads the cases' public fields — never the reporter's name or phone, and phone and
 * ID-card numbers or the reporter's name inside the texts are masked. The service_request_id is the
 * case number (AJ-YYYYMMDD-NNNNN); the token is the case's id.
 */
import { Filter } from '../../control/index.ts';
import type { Caller, Ctx } from '../../kernel/index.ts';
import { maskValue } from '../../lake/index.ts';
import { intake } from '../cases/index.ts';
import { open311Error, type Value } from './format.ts';
import { checkAttributes, describeAttributes, findService } from './services.ts';

/** The most requests one GET answers, and the longest window it spans (days), as the spec sets them. */
export const REQUESTS_MAX = 1000;
export const WINDOW_DAYS = 90;

/** A POST's fields, as form fields (`attribute[CODE]` gathered into `attribute`). */
export interface PostFields {
  service_code?: string; lat?: string; long?: string; address_string?: string; address_id?: string;
  email?: string; device_id?: string; account_id?: string; first_name?: string; last_name?: string; phone?: string;
  description?: string; media_url?: string;
  attribute?: Record<string, string | string[]>;
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

function coordinate(name: 'lat' | 'long', raw: string, limit: number): number {
  const n = Number(raw);
  if (!/^[+-]?\d+(\.\d+)?$/.test(raw) || !Number.isFinite(n) || Math.abs(n) > limit) {
    throw open311Error(400, `${name}: 须为 −${limit} 到 ${limit} 之间的十进制度数（WGS84）/ decimal degrees (WGS84) between −${limit} and ${limit}`);
  }
  return n;
}

/** The reporter's name from the spec's first and last name: 姓名 in Chinese order, "First Last" in Latin letters. */
function nameOf(first: string, last: string): string {
  if (!first && !last) return '';
  return /^[\x20-\x7e]*$/.test(first + last) ? [first, last].filter(Boolean).join(' ') : `${last}${first}`;
}

/** A phone number as the intake reads it: no spaces, no +86. */
const phoneOf = (raw: string) => raw.replace(/[\s()]/g, '').replace(/^(\+86|0086)-?/, '');

/** Take a request in: the service, the place, the attributes, checked; then the case intake. */
export async function postRequest(ctx: Ctx, caller: Caller, f: PostFields): Promise<Value[]> {
  const serviceCode = text(f.service_code);
  if (!serviceCode) throw open311Error(400, 'service_code: 必填 / required');
  const service = await findService(ctx, serviceCode, 400);
  const [latRaw, longRaw] = [text(f.lat), text(f.long)];
  if (!!latRaw !== !!longRaw) throw open311Error(400, `${latRaw ? 'long' : 'lat'}: 经纬度须同时给出 / lat and long go together`);
  const lat = latRaw ? coordinate('lat', latRaw, 90) : undefined;
  const lng = longRaw ? coordinate('long', longRaw, 180) : undefined;
  const address = text(f.address_string) || text(f.address_id);
  if (lat === undefined && !address) throw open311Error(400, 'lat/long, address_string or address_id: 须给出位置 / a location is required');
  const attributes = checkAttributes(service.category.kind, f.attribute ?? {});
  const urgent = attributes.URGENT === 'yes';
  const given = text(f.description);
  const composed = [service.category.name, describeAttributes(service.category.kind, attributes), address].filter(Boolean).join('；');
  const accountId = text(f.account_id).slice(0, 100);
  const deviceId = text(f.device_id).slice(0, 100);
  const mediaUrl = text(f.media_url);
  const r = await intake.report(ctx, caller, {
    channel: 'open311',
    text: given || `报告：${composed}`,
    category: service.category.code,
    urgency: urgent ? 'urgent' : 'normal',
    address: address || undefined,
    lng, lat,
    reporterName: nameOf(text(f.first_name), text(f.last_name)) || undefined,
    reporterPhone: text(f.phone) ? phoneOf(text(f.phone)) : undefined,
    attributes: { ...attributes, ...(accountId ? { account_id: accountId } : {}), ...(deviceId ? { device_id: deviceId } : {}) },
    mediaUrl: mediaUrl || undefined,
  }, { skipDuplicates: true });
  // the case is taken in by now: a failed look for similar reports must not answer an error (the client would report again)
  const duplicates = await intake.duplicates(ctx, r.id).catch((err: unknown) => {
    ctx.log.warn({ err, case: r.id }, 'Open311: looking for similar reports failed');
    return [];
  });
  const days = urgent ? service.category.days.urgent : service.category.days.normal;
  const duplicate = duplicates[0] ? `；附近已有类似报告 ${duplicates[0].code}，可能合并办理 / a similar report nearby (${duplicates[0].code}) may be handled with it` : '';
  return [{
    service_request_id: r.code,
    token: r.id,
    service_notice: `已受理，编号 ${r.code}，将在 ${days} 个工作日内办理 / received as ${r.code}, to be handled within ${days} working days${duplicate}`,
    account_id: accountId || null,
  }];
}

interface RequestRow {
  id: string; code: string; status: string; text: string; category_code: string | null; service_name: string | null; agency: string | null;
  address: string; lng: number | null; lat: number | null; media_url: string | null; reported_at: Date; updated_at: Date; due_at: Date | null;
  answer: string | null; merged_code: string | null; client_token_id: string | null; attributes: Record<string, unknown> | null;
  // read only to mask them where the texts repeat them; never answered
  reporter_name: string; reporter_phone: string;
}

const SELECT = `SELECT c.id, c.code, c.status, c.text, c.category_code, cc.name AS service_name, d.name AS agency, c.address, c.lng, c.lat, c.media_url,
    c.reported_at, c.updated_at, c.due_at, c.answer, m.code AS merged_code, c.client_token_id, c.attributes, c.reporter_name, c.reporter_phone
  FROM cases c LEFT JOIN case_categories cc ON cc.code = c.category_code LEFT JOIN departments d ON d.id = c.department_id LEFT JOIN cases m ON m.id = c.merged_into`;

/** The case states Open311 calls closed; every other is open. */
export const CLOSED_STATES = ['closed', 'merged', 'invalid'] as const;

const STATUS_LINE: Record<string, string> = {
  pending: '已受理，等待分拨 / received, waiting to be dispatched',
  dispatched: '已派发至承办单位 / sent to the responsible department',
  handling: '承办单位正在办理 / being handled by the responsible department',
  returned: '承办单位退回，正在重新分拨 / returned by the department, being dispatched again',
  suspended: '暂停办理 / on hold',
  answered: '已答复 / answered',
  closed: '已办结 / closed',
  invalid: '经核实不属于受理范围或无效，不予办理 / found not valid, closed without action',
};

/** Times as the spec wants them: ISO 8601 with the offset, here Asia/Shanghai's (+08:00). */
export function shanghaiTime(d: Date | string | null): string | null {
  if (!d) return null;
  const t = new Date(d).getTime();
  return `${new Date(t + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

/** A text with the phone and ID-card numbers in it, and the reporter's own name and phone, masked. */
export function scrub(s: string, r: Pick<RequestRow, 'reporter_name' | 'reporter_phone'>): string {
  let out = s
    .replace(/(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g, (m) => String(maskValue('id', m)))
    .replace(/(?<!\d)1[3-9]\d{9}(?!\d)/g, (m) => String(maskValue('phone', m)))
    .replace(/(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)/g, (m) => String(maskValue('phone', m)));
  for (const [value, kind] of [[r.reporter_phone, 'phone'], [r.reporter_name, 'name']] as const) {
    if (value && value.length >= 2) out = out.split(value).join(String(maskValue(kind, value)));
  }
  return out;
}

function toRequest(r: RequestRow, caller: Caller | null): Value {
  const closed = (CLOSED_STATES as readonly string[]).includes(r.status);
  const notes = r.status === 'merged'
    ? `已并入案件 ${r.merged_code ?? ''} 一并办理 / merged into ${r.merged_code ?? 'another request'} and handled with it`
    : r.answer && ['answered', 'closed'].includes(r.status) ? scrub(r.answer, r) : STATUS_LINE[r.status] ?? r.status;
  const own = !!caller?.tokenId && caller.tokenId === r.client_token_id;
  const account = own && typeof r.attributes?.account_id === 'string' ? r.attributes.account_id : null;
  return {
    service_request_id: r.code,
    ...(own ? { token: r.id, account_id: account } : {}),
    status: closed ? 'closed' : 'open',
    status_notes: notes,
    service_name: r.service_name ?? '',
    service_code: r.category_code ?? '',
    description: scrub(r.text, r),
    agency_responsible: r.agency ?? '',
    service_notice: '',
    requested_datetime: shanghaiTime(r.reported_at),
    updated_datetime: shanghaiTime(r.updated_at),
    expected_datetime: shanghaiTime(r.due_at),
    address: scrub(r.address, r),
    address_id: '',
    zipcode: '',
    lat: r.lat,
    long: r.lng,
    media_url: r.media_url ?? '',
  };
}

export interface RequestQuery {
  service_request_id?: string; service_code?: string; start_date?: string; end_date?: string; status?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function dateOf(name: string, raw: string | undefined): Date | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const v = raw.trim();
  // a date-time without its offset is Beijing time; a bare date its midnight
  const withZone = /T/.test(v) && !/(Z|[+-]\d{2}:?\d{2})$/.test(v) ? `${v}+08:00` : /T/.test(v) ? v : `${v}T00:00:00+08:00`;
  const t = Date.parse(withZone);
  if (!DATE.test(v) || Number.isNaN(t)) throw open311Error(400, `${name}: 须为 ISO 8601 时间，如 / an ISO 8601 date-time such as 2026-03-01T00:00:00+08:00`);
  return new Date(t);
}

/**
 * GET requests: by a list of ids (which overrides every other filter, as the spec says), else by
 * service, status and a window of at most 90 days (the last 90 days by default); the newest first,
 * 1000 at most.
 */
export async function listRequests(ctx: Ctx, caller: Caller | null, q: RequestQuery): Promise<Value[]> {
  const f = new Filter();
  const ids = (q.service_request_id ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length) {
    if (ids.length > REQUESTS_MAX) throw open311Error(400, `service_request_id: 最多 ${REQUESTS_MAX} 个 / ${REQUESTS_MAX} at most`);
    if (ids.some((id) => id.length > 64)) throw open311Error(400, 'service_request_id: 编号过长 / an id is too long');
    f.add(`c.code IN (SELECT jsonb_array_elements_text(${f.param(JSON.stringify(ids))}::jsonb))`);
  } else {
    const codes = (q.service_code ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (codes.length > 100 || codes.some((c) => c.length > 64)) throw open311Error(400, 'service_code: 最多 100 个服务代码 / 100 service codes at most');
    if (codes.length) f.add(`c.category_code IN (SELECT jsonb_array_elements_text(${f.param(JSON.stringify(codes))}::jsonb))`);
    const statuses = new Set((q.status ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
    for (const s of statuses) if (s !== 'open' && s !== 'closed') throw open311Error(400, `status: 须为 open 或 closed / open or closed, not ${s}`);
    const finished = CLOSED_STATES.map((s) => `'${s}'`).join(',');
    if (statuses.size === 1) f.add(`c.status ${statuses.has('open') ? 'NOT IN' : 'IN'} (${finished})`);
    let start = dateOf('start_date', q.start_date);
    let end = dateOf('end_date', q.end_date);
    const span = WINDOW_DAYS * 86_400_000;
    if (!end) end = start ? new Date(start.getTime() + span) : new Date();
    if (!start) start = new Date(end.getTime() - span);
    if (start > end) throw open311Error(400, 'start_date: 不能晚于 end_date / after end_date');
    if (end.getTime() - start.getTime() > span) throw open311Error(400, `end_date: 时间窗口最长 ${WINDOW_DAYS} 天 / the window spans ${WINDOW_DAYS} days at most`);
    f.add(`c.reported_at >= ${f.param(start.toISOString())}`).add(`c.reported_at <= ${f.param(end.toISOString())}`);
  }
  const rows = await ctx.db.query<RequestRow>(`${SELECT} ${f.where} ORDER BY c.reported_at DESC, c.code DESC LIMIT ${REQUESTS_MAX}`, f.params);
  return rows.map((r) => toRequest(r, caller));
}

/** GET requests/{id}: one request by its number; 404 when there is none. */
export async function getRequest(ctx: Ctx, caller: Caller | null, code: string): Promise<Value[]> {
  const r = code.length <= 64 ? await ctx.db.one<RequestRow>(`${SELECT} WHERE c.code = $1`, [code]) : undefined;
  if (!r) throw open311Error(404, `service_request_id: 没有这个请求 / no service request ${code}`);
  return [toRequest(r, caller)];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** GET tokens/{token}: the request a POST's token stands for. */
export async function requestOfToken(ctx: Ctx, token: string): Promise<Value[]> {
  const r = UUID.test(token) ? await ctx.db.one<{ code: string; id: string }>(`SELECT code, id FROM cases WHERE id = $1`, [token]) : undefined;
  if (!r) throw open311Error(404, `token: 没有这个令牌 / no request for token ${token}`);
  return [{ service_request_id: r.code, token: r.id }];
}
