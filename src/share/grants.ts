import type { Dataset, MaskKind } from '../catalog/index.ts';
import { Filter, type PageResult, type Queryable } from '../control/index.ts';
import { type Caller, type Ctx, iso, isAdmin, notFound, problem } from '../kernel/index.ts';
import type { RowFilter } from './filter.ts';

export type GrantStatus = 'active' | 'scheduled' | 'expired' | 'revoked';

/** What a consumer may read of a dataset: fields, rows, masks, period, quotas (共享授权). */
export interface Grant {
  id: string;
  requestId: string | null;
  dataset: { id: string; code: string; name: string; departmentId: string; departmentCode: string; departmentName: string };
  /** The reading department (null for a platform admin outside any department, who is `consumerUser`). */
  consumerDepartment: { id: string; code: string; name: string } | null;
  consumerUser: { id: string; username: string } | null;
  purpose: string;
  fields: string[];
  filter: RowFilter | null;
  masks: Record<string, MaskKind>;
  loosened: { field: string; from: MaskKind; to: MaskKind }[];
  tokenIds: string[] | null;
  validFrom: string;
  validUntil: string;
  ratePerMinute: number | null;
  rowsPerDay: number | null;
  /** Granted on request under unconditional sharing (no one decided it): void once the dataset is no longer unconditional. */
  automatic: boolean;
  grantedBy: string;
  reason: string | null;
  createdAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  revokeReason: string | null;
  status: GrantStatus;
}

interface GrantRow {
  id: string; request_id: string | null; dataset_id: string; dataset_code: string; dataset_name: string; owner_id: string; owner_code: string; owner_name: string;
  consumer_department_id: string | null; consumer_code: string | null; consumer_name: string | null; consumer_user_id: string | null; consumer_username: string | null;
  purpose: string; fields: string[]; filter: RowFilter | null; masks: Record<string, MaskKind>; loosened: Grant['loosened']; token_ids: string[] | null;
  valid_from: Date | string; valid_until: Date | string; rate_per_minute: number | null; rows_per_day: string | number | null; automatic: boolean; granted_by_name: string; reason: string | null;
  created_at: Date | string; revoked_at: Date | string | null; revoked_by_name: string | null; revoke_reason: string | null;
}

export const GRANT_SELECT = `SELECT g.*, d.code AS dataset_code, d.name AS dataset_name, o.id AS owner_id, o.code AS owner_code, o.name AS owner_name,
    c.code AS consumer_code, c.name AS consumer_name, u.username AS consumer_username
  FROM share_grants g JOIN datasets d ON d.id = g.dataset_id JOIN departments o ON o.id = d.department_id
  LEFT JOIN departments c ON c.id = g.consumer_department_id LEFT JOIN users u ON u.id = g.consumer_user_id`;

export function statusOf(g: { revokedAt: string | null; validFrom: string; validUntil: string }, now = Date.now()): GrantStatus {
  if (g.revokedAt) return 'revoked';
  if (Date.parse(g.validFrom) > now) return 'scheduled';
  if (Date.parse(g.validUntil) <= now) return 'expired';
  return 'active';
}

export function toGrant(r: GrantRow): Grant {
  const g: Omit<Grant, 'status'> = {
    id: r.id, requestId: r.request_id,
    dataset: { id: r.dataset_id, code: r.dataset_code, name: r.dataset_name, departmentId: r.owner_id, departmentCode: r.owner_code, departmentName: r.owner_name },
    consumerDepartment: r.consumer_department_id ? { id: r.consumer_department_id, code: r.consumer_code!, name: r.consumer_name! } : null,
    consumerUser: r.consumer_user_id ? { id: r.consumer_user_id, username: r.consumer_username! } : null,
    purpose: r.purpose, fields: r.fields, filter: r.filter, masks: r.masks ?? {}, loosened: r.loosened ?? [], tokenIds: r.token_ids,
    validFrom: iso(r.valid_from)!, validUntil: iso(r.valid_until)!, ratePerMinute: r.rate_per_minute, rowsPerDay: r.rows_per_day == null ? null : Number(r.rows_per_day), automatic: r.automatic,
    grantedBy: r.granted_by_name, reason: r.reason, createdAt: iso(r.created_at)!, revokedAt: iso(r.revoked_at), revokedBy: r.revoked_by_name, revokeReason: r.revoke_reason,
  };
  return { ...g, status: statusOf(g) };
}

/** Does the grant name this caller as its reader (its department, or the admin it was made for; its tokens when bound)? */
export function grantHolds(g: Grant, caller: Caller): boolean {
  const reader = g.consumerDepartment ? g.consumerDepartment.id === caller.departmentId : g.consumerUser?.id === caller.id;
  if (!reader || caller.role === 'citizen') return false;
  return !g.tokenIds || (!!caller.tokenId && g.tokenIds.includes(caller.tokenId));
}

/** Which consumer the caller reads as: their department, or (an admin outside any department) themself. */
export function consumerOf(caller: Caller): { departmentId: string | null; userId: string | null } {
  if (caller.departmentId) return { departmentId: caller.departmentId, userId: null };
  if (isAdmin(caller) && caller.id) return { departmentId: null, userId: caller.id };
  throw problem('forbidden', '只有部门用户或平台管理员可以申请共享数据 / only department users or a platform admin may request shared data');
}

/**
 * The grant under which the caller reads `ds` now: the one named, or else the newest active grant
 * that holds for the caller. None → 403 (deny by default), saying how to get one.
 */
export async function activeGrant(q: Queryable, caller: Caller, ds: Dataset, grantId?: string): Promise<Grant> {
  const rows = await q.query<GrantRow>(
    `${GRANT_SELECT} WHERE g.dataset_id = $1 AND g.revoked_at IS NULL AND g.valid_from <= now() AND g.valid_until > now()
       AND (g.consumer_department_id = $2 OR g.consumer_user_id = $3) ORDER BY g.created_at DESC`,
    [ds.id, caller.departmentId, caller.id],
  );
  // the dataset's sharing rule now: `none` voids every grant, and one granted automatically needs it still unconditional
  const standing = (g: Grant) => ds.shareType !== 'none' && (!g.automatic || ds.shareType === 'unconditional');
  const held = rows.map(toGrant).filter((g) => standing(g) && grantHolds(g, caller) && (!grantId || g.id === grantId));
  if (held[0]) return held[0];
  if (ds.shareType === 'none') throw problem('forbidden', `数据集 ${ds.code} 不予共享${ds.shareBasis ? `（依据：${ds.shareBasis}）` : ''} / not shared`);
  throw problem('forbidden', grantId
    ? `授权 ${grantId} 不存在、已过期或已撤销 / grant not found, expired or revoked`
    : `读取数据集 ${ds.code} 需要共享授权，请先提交共享申请（POST /api/v1/share/requests） / reading ${ds.code} needs a share grant: request one first`);
}

/** One grant, for the consumer, the providing department or the admin. */
export async function grantById(ctx: Ctx, caller: Caller, id: string): Promise<Grant> {
  const r = await ctx.db.one<GrantRow>(`${GRANT_SELECT} WHERE g.id = $1`, [id]);
  const g = r && toGrant(r);
  if (!g || !(isAdmin(caller) || g.dataset.departmentId === caller.departmentId || grantHolds({ ...g, tokenIds: null }, caller))) throw notFound('grant', id);
  return g;
}

export interface GrantListQuery {
  /** `mine`: grants my department holds; `given`: grants on my department's datasets; `all` (admin). */
  side?: 'mine' | 'given' | 'all';
  dataset?: string;
  status?: GrantStatus;
  limit?: number;
  offset?: number;
}

/** How many rows one page of a sharing list holds at most. */
export const SHARE_PAGE_MAX = 500;

/**
 * Which side of a sharing list the caller sees: `mine` — what the caller's department (or an admin
 * outside any department, themself) asked for or holds; `provided` — what concerns the caller's
 * department's datasets; `all` — everything, for an admin. `at` is the table alias with the
 * consumer columns; `d` is the datasets table.
 */
export function sideFilter(caller: Caller, side: 'mine' | 'provided' | 'all', at: string, what: { zh: string; en: string }): Filter {
  const f = new Filter();
  if (side === 'mine') return f.add(caller.departmentId ? `${at}.consumer_department_id = ${f.param(caller.departmentId)}` : `${at}.consumer_user_id = ${f.param(caller.id)}`);
  if (side === 'provided') return f.add(`d.department_id = ${f.param(caller.departmentId)}`);
  if (!isAdmin(caller)) throw problem('forbidden', `只有管理员可以查看全部${what.zh} / only an admin lists every ${what.en}`);
  return f;
}

/** The caller's default side: every grant or request for an admin outside any department, else their own. */
export const defaultSide = (caller: Caller) => (isAdmin(caller) && !caller.departmentId ? 'all' : 'mine');

export function listGrants(ctx: Ctx, caller: Caller, q: GrantListQuery): Promise<PageResult<Grant>> {
  const side = q.side ?? defaultSide(caller);
  const f = sideFilter(caller, side === 'given' ? 'provided' : side, 'g', { zh: '授权', en: 'grant' });
  f.eq('d.code', q.dataset);
  if (q.status === 'revoked') f.add('g.revoked_at IS NOT NULL');
  else if (q.status === 'active') f.add('g.revoked_at IS NULL AND g.valid_from <= now() AND g.valid_until > now()');
  else if (q.status === 'expired') f.add('g.revoked_at IS NULL AND g.valid_until <= now()');
  else if (q.status === 'scheduled') f.add('g.revoked_at IS NULL AND g.valid_from > now()');
  return f.page(ctx.db, GRANT_SELECT, 'g.created_at DESC', { limit: Math.min(q.limit ?? 50, SHARE_PAGE_MAX), offset: q.offset ?? 0 }, toGrant);
}
