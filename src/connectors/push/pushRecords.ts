import { datasets } from '../../catalog/index.ts';
import { type Caller, type Ctx, fieldProblem, problem, isAdmin } from '../../kernel/index.ts';
import type { LakeWriter } from '../../lake/index.ts';
import { reserveKey } from './idempotency.ts';
import { preparePush } from './preparePush.ts';
import { PushBatcher, type PushResult } from './PushBatcher.ts';

const batchers = new WeakMap<LakeWriter, PushBatcher>();

/** Window in which pushes to one dataset coalesce into one version (GOVHUB_PUSH_BATCH_MS, default 200). */
export function pushWindowMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.GOVHUB_PUSH_BATCH_MS);
  return Number.isFinite(n) && n >= 0 && n <= 60_000 ? n : 200;
}

export function pushBatcher(ctx: Ctx): PushBatcher {
  let b = batchers.get(ctx.lake);
  if (!b) batchers.set(ctx.lake, (b = new PushBatcher(ctx, pushWindowMs())));
  return b;
}

/** Is the caller's bearer an API token (an application of its department), not a login session? */
async function isApiToken(ctx: Ctx, caller: Caller): Promise<boolean> {
  if (!caller.tokenId) return false;
  const r = await ctx.db.one<{ kind: string }>('SELECT kind FROM tokens WHERE id = $1', [caller.tokenId]);
  return r?.kind === 'api';
}

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Push records into a dataset (`POST /datasets/{code}/records`): the dataset's department — a
 * data officer, or an API token of one of its users — or an admin. Records go through the same
 * standards, cleaning, checks and quarantine as a file; the answer lists every failed record by
 * index. With an Idempotency-Key the same request (same caller, same body) answers the same
 * without writing again.
 */
export async function pushRecords(ctx: Ctx, caller: Caller, code: string, body: unknown, opts: { idempotencyKey?: string } = {}): Promise<{ result: PushResult; replayed: boolean }> {
  const ds = await datasets.require(ctx.db, code, caller);
  const own = !!caller.departmentId && caller.departmentId === ds.departmentId;
  if (!isAdmin(caller) && !(own && (caller.role === 'officer' || (caller.role !== 'citizen' && (await isApiToken(ctx, caller))))))
    throw problem('forbidden', '只有数据集所属部门（数据专员或其应用令牌）或管理员可以推送 / only the dataset\'s department (its officers or their API tokens) or an admin may push');
  const key = opts.idempotencyKey;
  if (key !== undefined && !KEY.test(key)) throw fieldProblem('Idempotency-Key', '须为 1–255 个可见 ASCII 字符 / 1–255 visible ASCII characters');
  const push = preparePush(body, ds);
  const scope = caller.id ?? caller.username;
  if (key) {
    const r = await reserveKey(ctx.db, ds.id, scope, key, push.hash);
    if (r.state === 'done') return { result: r.response as PushResult, replayed: true };
    if (r.state === 'busy') throw problem('conflict', '相同 Idempotency-Key 的请求正在处理 / a request with this Idempotency-Key is still being processed');
    if (r.state === 'mismatch') throw problem('unprocessable', 'Idempotency-Key 已用于内容不同的请求 / this Idempotency-Key was used for a different request body');
  }
  return { result: await pushBatcher(ctx).submit(caller, ds, push, key ?? null, scope), replayed: false };
}
