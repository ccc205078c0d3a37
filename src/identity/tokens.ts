import { type Caller, type Ctx, type Role, newId, newSecret, fieldProblem, problem, notFound, isAdmin, iso } from '../kernel/index.ts';
import { hashToken } from './callers.ts';
import { paged } from '../control/index.ts';
import { dummyHash, verifyPassword } from './passwords.ts';

export interface ApiToken {
  id: string;
  name: string | null;
  prefix: string;
  userId: string;
  username: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

interface Row {
  id: string; name: string | null; prefix: string; user_id: string; username: string; created_at: Date; expires_at: Date;
  revoked_at: Date | null; last_used_at: Date | null;
}
const toToken = (r: Row): ApiToken => ({
  id: r.id, name: r.name, prefix: r.prefix, userId: r.user_id, username: r.username, createdAt: iso(r.created_at)!,
  expiresAt: iso(r.expires_at)!, revokedAt: iso(r.revoked_at), lastUsedAt: iso(r.last_used_at),
});
const SELECT = `SELECT t.id, t.name, t.prefix, t.user_id, u.username, t.created_at, t.expires_at, t.revoked_at, t.last_used_at
  FROM tokens t JOIN users u ON u.id = t.user_id`;

async function issue(ctx: Ctx, q: Parameters<Ctx['audit']['append']>[0], userId: string, kind: 'session' | 'api', name: string | null, expiresAt: Date) {
  const token = newSecret(kind === 'session' ? 'ghs' : 'gha');
  const id = newId();
  await q.query(`INSERT INTO tokens (id, kind, name, user_id, token_hash, prefix, expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
    [id, kind, name, userId, hashToken(token), token.slice(0, 8), expiresAt.toISOString()]);
  return { id, token };
}

export interface LoginResult {
  token: string;
  expiresAt: string;
  user: { id: string; username: string; displayName: string; role: Role; departmentId: string | null };
}

export const auth = {
  /** Username + password → session bearer token. Failures are audited and answer alike. */
  async login(ctx: Ctx, input: { username: string; password: string }, meta: { ip?: string } = {}): Promise<LoginResult> {
    const u = await ctx.db.one<{ id: string; username: string; display_name: string; role: Role; department_id: string | null; password_hash: string; disabled: boolean }>(
      'SELECT * FROM users WHERE username = $1', [input.username]);
    const ok = await verifyPassword(u?.password_hash ?? (await dummyHash()), input.password);
    if (!u || !ok || u.disabled) {
      const anon: Caller = { id: null, username: input.username.slice(0, 64), displayName: '', role: 'citizen', departmentId: null };
      await ctx.audit.record(anon, { action: 'auth.login_failed', objectType: 'user', objectId: u?.id ?? null, details: { ip: meta.ip ?? null, reason: !u ? 'unknown user' : u.disabled ? 'disabled' : 'bad password' } });
      throw problem('unauthorized', '用户名或密码错误 / wrong username or password');
    }
    const expiresAt = new Date(Date.now() + ctx.config.sessionHours * 3600_000);
    const caller: Caller = { id: u.id, username: u.username, displayName: u.display_name, role: u.role, departmentId: u.department_id };
    const { token } = await ctx.db.transaction(async (tx) => {
      const t = await issue(ctx, tx, u.id, 'session', null, expiresAt);
      await tx.query('UPDATE users SET last_login_at = now() WHERE id = $1', [u.id]);
      await ctx.audit.append(tx, caller, { action: 'auth.login', objectType: 'user', objectId: u.id, departmentId: u.department_id, details: { ip: meta.ip ?? null } });
      return t;
    });
    return { token, expiresAt: expiresAt.toISOString(), user: { id: u.id, username: u.username, displayName: u.display_name, role: u.role, departmentId: u.department_id } };
  },

  async logout(ctx: Ctx, caller: Caller): Promise<void> {
    if (!caller.tokenId) return;
    await ctx.db.transaction(async (tx) => {
      await tx.query('UPDATE tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [caller.tokenId]);
      await ctx.audit.append(tx, caller, { action: 'auth.logout', objectType: 'user', objectId: caller.id });
    });
  },
};

export const MAX_TOKEN_DAYS = 366;

/** API tokens for applications: shown once, stored hashed, revocable, always expiring. */
export const apiTokens = {
  list(ctx: Ctx, caller: Caller, q: { limit: number; offset: number; all?: boolean }) {
    const mine = !(q.all && isAdmin(caller));
    return paged(ctx.db, `${SELECT} WHERE t.kind = 'api' ${mine ? 'AND t.user_id = $1' : ''}`, mine ? [caller.id] : [], 't.created_at DESC', q, toToken);
  },

  async create(ctx: Ctx, caller: Caller, input: { name: string; expiresInDays?: number }): Promise<ApiToken & { token: string }> {
    if (!caller.id) throw problem('forbidden');
    const days = input.expiresInDays ?? 90;
    if (!(days >= 1 && days <= MAX_TOKEN_DAYS)) throw fieldProblem('expiresInDays', `1–${MAX_TOKEN_DAYS}`);
    const expiresAt = new Date(Date.now() + days * 86400_000);
    return ctx.db.transaction(async (tx) => {
      const { id, token } = await issue(ctx, tx, caller.id!, 'api', input.name, expiresAt);
      await ctx.audit.append(tx, caller, { action: 'token.create', objectType: 'token', objectId: id, departmentId: caller.departmentId, details: { name: input.name, expiresAt: expiresAt.toISOString() } });
      const r = (await tx.one<Row>(`${SELECT} WHERE t.id = $1`, [id]))!;
      return { ...toToken(r), token };
    });
  },

  async revoke(ctx: Ctx, caller: Caller, id: string): Promise<ApiToken> {
    return ctx.db.transaction(async (tx) => {
      const r = await tx.one<Row>(`${SELECT} WHERE t.id = $1 AND t.kind = 'api'`, [id]);
      if (!r || (r.user_id !== caller.id && !isAdmin(caller))) throw notFound('token', id);
      await tx.query('UPDATE tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1', [id]);
      await ctx.audit.append(tx, caller, { action: 'token.revoke', objectType: 'token', objectId: id, departmentId: caller.departmentId, details: { name: r.name } });
      return toToken((await tx.one<Row>(`${SELECT} WHERE t.id = $1`, [id]))!);
    });
  },
};
