import { randomBytes } from 'node:crypto';
import { Filter } from '../control/index.ts';
import { hashToken } from '../identity/index.ts';
import { type Caller, type Ctx, fieldProblem, newId, notFound, problem, requireRole, iso } from '../kernel/index.ts';

/** The terms an applicant accepts for conditional open data (有条件开放); their version is kept with each application. */
export const OPEN_TERMS_VERSION = '2026-1';

export interface OpenKeyApplication {
  name: string;
  organisation?: string;
  email: string;
  phone?: string;
  purpose: string;
  acceptTerms: boolean;
}

export interface OpenKey {
  id: string; name: string; organisation: string; email: string; phone: string | null; purpose: string; termsVersion: string;
  acceptedAt: string; status: 'pending' | 'approved' | 'rejected' | 'revoked'; keyPrefix: string | null; decidedAt: string | null;
  reason: string | null; lastUsedAt: string | null; createdAt: string;
}

interface Row {
  id: string; name: string; organisation: string; email: string; phone: string | null; purpose: string; terms_version: string; accepted_at: Date;
  status: OpenKey['status']; key_prefix: string | null; decided_at: Date | null; reason: string | null; last_used_at: Date | null; created_at: Date;
}
const toKey = (r: Row): OpenKey => ({
  id: r.id, name: r.name, organisation: r.organisation, email: r.email, phone: r.phone, purpose: r.purpose, termsVersion: r.terms_version,
  acceptedAt: iso(r.accepted_at)!, status: r.status, keyPrefix: r.key_prefix, decidedAt: iso(r.decided_at), reason: r.reason,
  lastUsedAt: iso(r.last_used_at), createdAt: iso(r.created_at)!,
});

/** Who reads open data: the public, or the holder of an approved key (audited under the key). */
export interface OpenReader {
  caller: Caller;
  keyId: string | null;
}

/** Anyone on the open portal without a key. */
export const PUBLIC_READER: OpenReader = { caller: { id: null, username: 'public', displayName: '公众', role: 'citizen', departmentId: null }, keyId: null };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * API keys to conditional open data: anyone applies (accepting the terms) and gets the key at once,
 * shown only then; it opens conditional datasets once the admin approves it. Keys are kept hashed.
 */
export const openKeys = {
  async apply(ctx: Ctx, input: OpenKeyApplication): Promise<OpenKey & { key: string }> {
    if (input.acceptTerms !== true) throw fieldProblem('acceptTerms', '须同意开放数据使用条款 / the terms must be accepted');
    if (!EMAIL.test(input.email)) throw fieldProblem('email', '邮箱格式不正确 / not an e-mail address');
    const id = newId();
    const key = `gho_${randomBytes(24).toString('base64url')}`;
    await ctx.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO open_keys (id, name, organisation, email, phone, purpose, terms_version, accepted_at, key_hash, key_prefix)
         VALUES ($1,$2,$3,$4,$5,$6,$7,now(),$8,$9)`,
        [id, input.name, input.organisation ?? '', input.email, input.phone ?? null, input.purpose, OPEN_TERMS_VERSION, hashToken(key), key.slice(0, 10)],
      );
      await ctx.audit.append(tx, PUBLIC_READER.caller, { action: 'openkey.apply', objectType: 'openKey', objectId: id, departmentId: null, details: { name: input.name, organisation: input.organisation ?? '', terms: OPEN_TERMS_VERSION } });
    });
    return { ...(await openKeys.get(ctx, id)), key };
  },

  async get(ctx: Ctx, id: string): Promise<OpenKey> {
    const r = await ctx.db.one<Row>('SELECT * FROM open_keys WHERE id = $1', [id]);
    if (!r) throw notFound('openKey', id);
    return toKey(r);
  },

  list(ctx: Ctx, caller: Caller, q: { limit: number; offset: number; status?: OpenKey['status'] }) {
    requireRole(caller, 'admin');
    return new Filter().eq('status', q.status).page(ctx.db, 'SELECT * FROM open_keys', 'created_at DESC', q, toKey);
  },

  /** The admin approves, rejects (with a reason) or revokes an application. */
  async decide(ctx: Ctx, caller: Caller, id: string, decision: 'approved' | 'rejected' | 'revoked', reason?: string): Promise<OpenKey> {
    requireRole(caller, 'admin');
    if (decision !== 'approved' && !reason?.trim()) throw fieldProblem('reason', '须说明原因 / a reason is required');
    const allowed = { approved: ['pending', 'rejected'], rejected: ['pending'], revoked: ['approved'] }[decision];
    await ctx.db.transaction(async (tx) => {
      const cur = await tx.one<Row>('SELECT * FROM open_keys WHERE id = $1 FOR UPDATE', [id]);
      if (!cur) throw notFound('openKey', id);
      if (!allowed.includes(cur.status)) throw problem('conflict', `申请当前为 ${cur.status} / application is ${cur.status}`, [{ field: 'status', message: `is ${cur.status}` }]);
      await tx.query('UPDATE open_keys SET status = $2, reason = $3, decided_by = $4, decided_at = now() WHERE id = $1', [id, decision, reason?.trim() || null, caller.id]);
      await ctx.audit.append(tx, caller, { action: `openkey.${decision}`, objectType: 'openKey', objectId: id, departmentId: null, details: { from: cur.status, ...(reason ? { reason } : {}) } });
    });
    return openKeys.get(ctx, id);
  },

  /** The reader a key stands for: null when no key is given; a 401 when it is unknown, not (yet) approved or revoked. */
  async reader(ctx: Ctx, key: string | undefined): Promise<OpenReader> {
    if (!key) return PUBLIC_READER;
    const r = await ctx.db.one<{ id: string; name: string; status: string; last_used_at: Date | null }>(
      'SELECT id, name, status, last_used_at FROM open_keys WHERE key_hash = $1', [hashToken(key)]);
    if (!r || r.status !== 'approved') throw problem('unauthorized', r?.status === 'pending' ? '密钥尚待审核 / the key awaits approval' : '密钥无效或已吊销 / key unknown or revoked');
    if (!r.last_used_at || Date.now() - new Date(r.last_used_at).getTime() > 60_000) await ctx.db.query('UPDATE open_keys SET last_used_at = now() WHERE id = $1', [r.id]);
    return { caller: { id: null, username: `openkey:${r.id}`, displayName: r.name, role: 'citizen', departmentId: null }, keyId: r.id };
  },
};
