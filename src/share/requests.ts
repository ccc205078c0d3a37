import { calendar } from '../calendar/index.ts';
import { datasets, FIELD_TYPES, type Dataset, type MaskKind } from '../catalog/index.ts';
import type { Queryable } from '../control/index.ts';
import { raiseNotice } from '../identity/index.ts';
import { type Caller, type Ctx, iso, isAdmin, newId, notFound, problem, shanghaiDay, SYSTEM } from '../kernel/index.ts';
import { compileFilter, type RowFilter } from './filter.ts';
import { consumerOf, defaultSide, GRANT_SELECT, grantById, SHARE_PAGE_MAX, sideFilter, toGrant, type Grant } from './grants.ts';
import { isOwner } from './guard.ts';
import { chooseMasks } from './levels.ts';

/** Working days the providing department has to decide a conditional request (有条件共享). */
export const DECISION_WORKING_DAYS = 10;
/** The longest period a grant may run. */
const MAX_PERIOD_MS = 3 * 366 * 86_400_000;

export type RequestStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';

export interface ShareRequest {
  id: string;
  dataset: { code: string; name: string; shareType: Dataset['shareType']; departmentCode: string; departmentName: string };
  consumerDepartment: { id: string; code: string; name: string } | null;
  requestedBy: string;
  purpose: string;
  fields: string[];
  filter: RowFilter | null;
  masks: Record<string, MaskKind>;
  validFrom: string;
  validUntil: string;
  status: RequestStatus;
  dueAt: string | null;
  overdue: boolean;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
  grantId: string | null;
  createdAt: string;
}

export interface RequestInput {
  dataset: string;
  purpose: string;
  fields: string[];
  filter?: RowFilter;
  masks?: Record<string, MaskKind>;
  validFrom?: string;
  validUntil: string;
}

export interface Decision {
  reason: string;
  fields?: string[];
  filter?: RowFilter | null;
  masks?: Record<string, MaskKind>;
  validUntil?: string;
  ratePerMinute?: number | null;
  rowsPerDay?: number | null;
  tokenIds?: string[] | null;
}

interface RequestRow {
  id: string; dataset_id: string; code: string; name: string; share_type: Dataset['shareType']; owner_code: string; owner_name: string; owner_id: string;
  consumer_department_id: string | null; consumer_code: string | null; consumer_name: string | null; consumer_user_id: string | null;
  requested_by_name: string; purpose: string; fields: string[]; filter: RowFilter | null; masks: Record<string, MaskKind>;
  valid_from: Date; valid_until: Date; status: RequestStatus; due_at: Date | null; decided_by_name: string | null; decided_at: Date | null; reason: string | null;
  grant_id: string | null; created_at: Date;
}

const SELECT = `SELECT r.*, d.code, d.name, d.share_type, o.id AS owner_id, o.code AS owner_code, o.name AS owner_name, c.code AS consumer_code, c.name AS consumer_name,
    (SELECT g.id FROM share_grants g WHERE g.request_id = r.id) AS grant_id
  FROM share_requests r JOIN datasets d ON d.id = r.dataset_id JOIN departments o ON o.id = d.department_id LEFT JOIN departments c ON c.id = r.consumer_department_id`;

const toRequest = (r: RequestRow): ShareRequest => ({
  id: r.id,
  dataset: { code: r.code, name: r.name, shareType: r.share_type, departmentCode: r.owner_code, departmentName: r.owner_name },
  consumerDepartment: r.consumer_department_id ? { id: r.consumer_department_id, code: r.consumer_code!, name: r.consumer_name! } : null,
  requestedBy: r.requested_by_name, purpose: r.purpose, fields: r.fields, filter: r.filter, masks: r.masks ?? {},
  validFrom: iso(r.valid_from)!, validUntil: iso(r.valid_until)!, status: r.status, dueAt: iso(r.due_at),
  overdue: r.status === 'pending' && !!r.due_at && new Date(r.due_at).getTime() < Date.now(),
  decidedBy: r.decided_by_name, decidedAt: iso(r.decided_at), reason: r.reason, grantId: r.grant_id, createdAt: iso(r.created_at)!,
});

const bad = (field: string, message: string) => problem('validation', `${field}: ${message}`, [{ field, message }]);

/** The DuckDB type of each field, to check filters before any data is read. */
const fieldTypes = (ds: Dataset) => new Map(ds.fields.map((f) => [f.name, FIELD_TYPES[f.type] ?? 'VARCHAR']));

function checkFields(ds: Dataset, fields: string[], at = 'fields'): void {
  if (!fields.length) throw bad(at, '至少申请一个字段 / name at least one field');
  const names = new Set(ds.fields.map((f) => f.name));
  const unknown = fields.filter((f) => !names.has(f));
  if (unknown.length) throw bad(at, `未知字段 / unknown field(s) ${unknown.join(', ')}`);
  if (new Set(fields).size !== fields.length) throw bad(at, '字段重复 / duplicate fields');
}

function period(from: string | undefined, until: string, now = Date.now()): { from: Date; until: Date } {
  const f = from ? new Date(from) : new Date(now);
  const u = new Date(until);
  if (Number.isNaN(f.getTime())) throw bad('validFrom', '不是合法时间 / not a valid time');
  if (Number.isNaN(u.getTime())) throw bad('validUntil', '不是合法时间 / not a valid time');
  if (u.getTime() <= Math.max(f.getTime(), now)) throw bad('validUntil', '须晚于开始时间和当前时间 / must be after validFrom and now');
  if (u.getTime() - f.getTime() > MAX_PERIOD_MS) throw bad('validUntil', '授权期限最长 3 年 / a grant runs 3 years at most');
  return { from: f, until: u };
}

async function insertGrant(tx: Queryable, r: { requestId: string | null; ds: Dataset; consumer: { departmentId: string | null; userId: string | null }; purpose: string; fields: string[]; filter: RowFilter | null; masks: Record<string, MaskKind>; loosened: unknown[]; from: Date; until: Date; by: Caller; reason: string | null; ratePerMinute?: number | null; rowsPerDay?: number | null; tokenIds?: string[] | null; automatic?: boolean }): Promise<string> {
  const id = newId();
  await tx.query(
    `INSERT INTO share_grants (id, request_id, dataset_id, consumer_department_id, consumer_user_id, purpose, fields, filter, masks, loosened, token_ids,
       valid_from, valid_until, rate_per_minute, rows_per_day, granted_by, granted_by_name, reason, automatic, created_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19, now())`,
    [id, r.requestId, r.ds.id, r.consumer.departmentId, r.consumer.userId, r.purpose, r.fields, r.filter ? JSON.stringify(r.filter) : null, JSON.stringify(r.masks),
      JSON.stringify(r.loosened), r.tokenIds ?? null, r.from.toISOString(), r.until.toISOString(), r.ratePerMinute ?? null, r.rowsPerDay ?? null,
      r.by.id, r.by.username, r.reason, r.automatic ?? false],
  );
  return id;
}

async function requestRow(q: Queryable, id: string): Promise<RequestRow | undefined> {
  return q.one<RequestRow>(`${SELECT} WHERE r.id = $1`, [id]);
}

/** May the caller see this request: its consumer, the providing department, or the admin. */
function sees(caller: Caller, r: RequestRow): boolean {
  return isAdmin(caller) || (!!caller.departmentId && (caller.departmentId === r.owner_id || caller.departmentId === r.consumer_department_id)) || (!!caller.id && caller.id === r.consumer_user_id);
}

export const shareRequests = {
  /**
   * A department asks for another's dataset. `unconditional` (无条件共享): granted at once with the
   * levels' masks. `conditional` (有条件共享): pending, due within 10 working days, the providing
   * department told. `none` (不予共享): refused, with its stated basis.
   */
  async create(ctx: Ctx, caller: Caller, input: RequestInput): Promise<ShareRequest> {
    const consumer = consumerOf(caller);
    const ds = await datasets.get(ctx, caller, input.dataset);
    if (isOwner(caller, ds)) throw bad('dataset', '本部门的数据无需申请 / your own department\'s data needs no grant');
    if (ds.status !== 'published') throw problem('conflict', `数据集 ${ds.code} 尚未在目录中发布 / the catalog entry is not published`);
    if (ds.shareType === 'none') throw problem('forbidden', `数据集 ${ds.code} 不予共享 / not shared${ds.shareBasis ? `：${ds.shareBasis}` : ''}`, [{ field: 'dataset', message: `not shared: ${ds.shareBasis ?? ''}` }]);
    const purpose = input.purpose.trim();
    if (purpose.length < 4) throw bad('purpose', '请写明用途（至少 4 个字） / state the purpose');
    checkFields(ds, input.fields);
    if (input.filter) compileFilter(input.filter, fieldTypes(ds));
    const masks = chooseMasks(ds, input.fields, input.masks, false);
    const { from, until } = period(input.validFrom, input.validUntil);
    const pending = await ctx.db.one(
      `SELECT 1 FROM share_requests WHERE dataset_id = $1 AND status = 'pending' AND (consumer_department_id = $2 OR consumer_user_id = $3)`, [ds.id, consumer.departmentId, consumer.userId]);
    if (pending) throw problem('conflict', `已有待审批的 ${ds.code} 共享申请 / a request for ${ds.code} is already pending`);
    const auto = ds.shareType === 'unconditional';
    const cal = auto ? null : await calendar.load(ctx);
    const id = newId();
    await ctx.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO share_requests (id, dataset_id, consumer_department_id, consumer_user_id, requested_by, requested_by_name, purpose, fields, filter, masks,
           valid_from, valid_until, status, due_at, decided_by_name, decided_at, reason, created_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17, now())`,
        [id, ds.id, consumer.departmentId, consumer.userId, caller.id, caller.username, purpose, input.fields, input.filter ? JSON.stringify(input.filter) : null,
          JSON.stringify(input.masks ?? {}), from.toISOString(), until.toISOString(), auto ? 'approved' : 'pending',
          cal ? cal.addWorkingDays(new Date(), DECISION_WORKING_DAYS).toISOString() : null, auto ? SYSTEM.username : null, auto ? new Date().toISOString() : null,
          auto ? '无条件共享，申请即授权 / unconditional sharing: granted on request' : null],
      );
      await ctx.audit.append(tx, caller, { action: 'share.request', objectType: 'share_request', objectId: id, departmentId: ds.departmentId, details: { dataset: ds.code, purpose, fields: input.fields, filter: input.filter ?? null, validUntil: until.toISOString(), shareType: ds.shareType } });
      if (auto) {
        const grantId = await insertGrant(tx, { requestId: id, ds, consumer, purpose, fields: input.fields, filter: input.filter ?? null, masks: masks.masks, loosened: [], from, until, by: SYSTEM, reason: '无条件共享 / unconditional', automatic: true });
        await ctx.audit.append(tx, SYSTEM, { action: 'share.grant', objectType: 'grant', objectId: grantId, departmentId: ds.departmentId, details: { dataset: ds.code, request: id, consumer: caller.departmentId, fields: input.fields, masks: masks.masks, automatic: true } });
      } else {
        await raiseNotice(tx, {
          kind: 'share.request', title: `共享申请待审批：${ds.name}`, body: `${caller.displayName || caller.username} 申请 ${ds.code}，用途：${purpose}`,
          objectType: 'share_request', objectId: id, departmentId: ds.departmentId, admins: false,
        });
      }
    });
    return toRequest((await requestRow(ctx.db, id))!);
  },

  async get(ctx: Ctx, caller: Caller, id: string): Promise<ShareRequest> {
    const r = await requestRow(ctx.db, id);
    if (!r || !sees(caller, r)) throw notFound('shareRequest', id);
    return toRequest(r);
  },

  /** `mine`: requests my department made; `incoming`: requests for my department's datasets; `all`: admin. */
  list(ctx: Ctx, caller: Caller, q: { side?: 'mine' | 'incoming' | 'all'; status?: RequestStatus; overdue?: boolean; limit?: number; offset?: number }) {
    const side = q.side ?? defaultSide(caller);
    const f = sideFilter(caller, side === 'incoming' ? 'provided' : side, 'r', { zh: '申请', en: 'request' });
    f.eq('r.status', q.status);
    if (q.overdue) f.add(`r.status = 'pending' AND r.due_at < now()`);
    return f.page(ctx.db, SELECT, 'r.created_at DESC', { limit: Math.min(q.limit ?? 50, SHARE_PAGE_MAX), offset: q.offset ?? 0 }, toRequest);
  },


  /**
   * The providing department approves, with a written reason; it may narrow the fields, set the row
   * filter, the period, quotas, the tokens — and set masks, loosening a level's default only with the
   * reason recorded on the grant.
   */
  async approve(ctx: Ctx, caller: Caller, id: string, d: Decision): Promise<ShareRequest> {
    const { row, ds } = await decidable(ctx, caller, id, d.reason);
    const fields = d.fields ?? row.fields;
    checkFields(ds, fields);
    const widened = fields.filter((f) => !row.fields.includes(f));
    if (widened.length) throw bad('fields', `不能超出申请的字段 / not requested: ${widened.join(', ')}`);
    const filter = d.filter === undefined ? row.filter : d.filter;
    if (filter) compileFilter(filter, fieldTypes(ds));
    const asked = Object.fromEntries(Object.entries({ ...row.masks, ...d.masks }).filter(([k]) => fields.includes(k)));
    const masks = chooseMasks(ds, fields, asked, true);
    const until = d.validUntil ? new Date(d.validUntil) : new Date(row.valid_until);
    if (Number.isNaN(until.getTime()) || until.getTime() > new Date(row.valid_until).getTime() || until.getTime() <= Date.now()) throw bad('validUntil', '须在当前时间之后、不晚于申请的期限 / must be after now and not after the requested end');
    const consumer = { departmentId: row.consumer_department_id, userId: row.consumer_user_id };
    await ctx.db.transaction(async (tx) => {
      const done = await tx.query(`UPDATE share_requests SET status = 'approved', decided_by = $2, decided_by_name = $3, decided_at = now(), reason = $4 WHERE id = $1 AND status = 'pending' RETURNING id`, [id, caller.id, caller.username, d.reason.trim()]);
      if (!done.length) throw problem('conflict', '申请已被处理 / the request was decided already');
      const grantId = await insertGrant(tx, { requestId: id, ds, consumer, purpose: row.purpose, fields, filter, masks: masks.masks, loosened: masks.loosened, from: new Date(row.valid_from), until, by: caller, reason: d.reason.trim(), ratePerMinute: d.ratePerMinute, rowsPerDay: d.rowsPerDay, tokenIds: d.tokenIds });
      await ctx.audit.append(tx, caller, { action: 'share.approve', objectType: 'share_request', objectId: id, departmentId: ds.departmentId, details: { dataset: ds.code, grant: grantId, reason: d.reason, fields, filter, masks: masks.masks, loosened: masks.loosened } });
      if (consumer.departmentId) await raiseNotice(tx, { kind: 'share.decided', title: `共享申请已批准：${ds.name}`, body: d.reason, objectType: 'share_request', objectId: id, departmentId: consumer.departmentId, admins: false });
    });
    return toRequest((await requestRow(ctx.db, id))!);
  },

  async reject(ctx: Ctx, caller: Caller, id: string, reason: string): Promise<ShareRequest> {
    const { row, ds } = await decidable(ctx, caller, id, reason);
    await ctx.db.transaction(async (tx) => {
      const done = await tx.query(`UPDATE share_requests SET status = 'rejected', decided_by = $2, decided_by_name = $3, decided_at = now(), reason = $4 WHERE id = $1 AND status = 'pending' RETURNING id`, [id, caller.id, caller.username, reason.trim()]);
      if (!done.length) throw problem('conflict', '申请已被处理 / the request was decided already');
      await ctx.audit.append(tx, caller, { action: 'share.reject', objectType: 'share_request', objectId: id, departmentId: ds.departmentId, details: { dataset: ds.code, reason } });
      if (row.consumer_department_id) await raiseNotice(tx, { kind: 'share.decided', title: `共享申请未通过：${ds.name}`, body: reason, objectType: 'share_request', objectId: id, departmentId: row.consumer_department_id, admins: false });
    });
    return toRequest((await requestRow(ctx.db, id))!);
  },

  /** The requester takes back a pending request. */
  async withdraw(ctx: Ctx, caller: Caller, id: string): Promise<ShareRequest> {
    const row = await requestRow(ctx.db, id);
    if (!row || !sees(caller, row)) throw notFound('shareRequest', id);
    const mine = caller.departmentId ? row.consumer_department_id === caller.departmentId : row.consumer_user_id === caller.id;
    if (!mine) throw problem('forbidden', '只有申请方可以撤回 / only the requester withdraws');
    await ctx.db.transaction(async (tx) => {
      const done = await tx.query(`UPDATE share_requests SET status = 'withdrawn', decided_at = now(), decided_by_name = $2 WHERE id = $1 AND status = 'pending' RETURNING id`, [id, caller.username]);
      if (!done.length) throw problem('conflict', '申请已被处理 / the request was decided already');
      await ctx.audit.append(tx, caller, { action: 'share.withdraw', objectType: 'share_request', objectId: id, departmentId: row.owner_id, details: { dataset: row.code } });
    });
    return toRequest((await requestRow(ctx.db, id))!);
  },

  /**
   * Tell the providing department of requests due within 2 working days (once), and the admins of
   * overdue ones. Returns how many notices were raised.
   */
  async remind(ctx: Ctx, now = new Date()): Promise<number> {
    const cal = await calendar.load(ctx);
    const pending = await ctx.db.query<RequestRow & { reminded_at: Date | null }>(`${SELECT} WHERE r.status = 'pending' AND r.due_at IS NOT NULL`);
    let n = 0;
    for (const r of pending) {
      const due = new Date(r.due_at!);
      if (due < now) {
        n += await raiseNotice(ctx.db, { kind: 'share.overdue', title: `共享申请已超期：${r.name}`, body: `${r.consumer_name ?? r.requested_by_name} 申请 ${r.code}，应于 ${iso(due)} 前答复`, objectType: 'share_request', objectId: r.id, departmentId: r.owner_id });
      } else if (!r.reminded_at && cal.remainingWorkingDays(now, due) <= 2) {
        n += await raiseNotice(ctx.db, { kind: 'share.due', title: `共享申请即将到期：${r.name}`, body: `请于 ${iso(due)} 前答复 ${r.consumer_name ?? r.requested_by_name} 的申请`, objectType: 'share_request', objectId: r.id, departmentId: r.owner_id, admins: false });
        await ctx.db.query('UPDATE share_requests SET reminded_at = now() WHERE id = $1', [r.id]);
      }
    }
    return n;
  },
};

/** A pending request the caller may decide: an officer of the providing department, with a reason. */
async function decidable(ctx: Ctx, caller: Caller, id: string, reason: string) {
  const row = await requestRow(ctx.db, id);
  if (!row || !sees(caller, row)) throw notFound('shareRequest', id);
  if (!(caller.role === 'officer' && caller.departmentId === row.owner_id)) throw problem('forbidden', '只有数据提供部门的数据专员可以审批 / only the providing department\'s data officers decide');
  if (row.status !== 'pending') throw problem('conflict', '申请已被处理 / the request was decided already');
  if (!reason?.trim() || reason.trim().length < 2) throw bad('reason', '请写明理由 / give the reason');
  const ds = await datasets.require(ctx.db, row.code);
  return { row, ds };
}

export const shareGrants = {
  get: grantById,
  /** Revoke: the providing department, the admin, or the consumer giving it up; effective at once. */
  async revoke(ctx: Ctx, caller: Caller, id: string, reason: string): Promise<Grant> {
    const g = await grantById(ctx, caller, id);
    if (!reason?.trim()) throw bad('reason', '请写明撤销理由 / give the reason');
    if (g.revokedAt) throw problem('conflict', '授权已撤销 / already revoked');
    await ctx.db.transaction(async (tx) => {
      await tx.query('UPDATE share_grants SET revoked_at = now(), revoked_by_name = $2, revoke_reason = $3 WHERE id = $1 AND revoked_at IS NULL', [id, caller.username, reason.trim()]);
      await ctx.audit.append(tx, caller, { action: 'share.revoke', objectType: 'grant', objectId: id, departmentId: g.dataset.departmentId, details: { dataset: g.dataset.code, reason } });
      if (g.consumerDepartment && g.consumerDepartment.id !== caller.departmentId) await raiseNotice(tx, { kind: 'share.revoked', title: `共享授权已撤销：${g.dataset.name}`, body: reason, objectType: 'grant', objectId: id, departmentId: g.consumerDepartment.id, admins: false });
    });
    return toGrant((await ctx.db.one(`${GRANT_SELECT} WHERE g.id = $1`, [id]))! as never);
  },

  /** Reads and rows per day of a grant (for its charts). */
  async usage(ctx: Ctx, caller: Caller, id: string, days = 30) {
    await grantById(ctx, caller, id);
    const rows = await ctx.db.query<{ day: string; reads: string; rows: string }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, reads, rows FROM share_usage WHERE grant_id = $1 AND day > $2::date - $3::int ORDER BY day`, [id, shanghaiDay(new Date()), Math.min(Math.max(days, 1), 366)]);
    return { grantId: id, days: rows.map((r) => ({ day: r.day, reads: Number(r.reads), rows: Number(r.rows) })) };
  },
};
