import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Caller, Ctx, Role } from '../context.ts';
import { problem } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
    /** A bearer token was sent but resolves to no caller (unknown, expired, revoked, disabled user). */
    tokenRejected: boolean;
  }
  interface FastifyContextConfig {
    /** Route answers without a bearer token. */
    public?: boolean;
  }
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

interface TokenRow {
  token_id: string;
  last_used_at: Date | null;
  id: string;
  username: string;
  display_name: string;
  role: Role;
  department_id: string | null;
}

/** Resolve a bearer token to its caller; null when missing, unknown, expired, revoked or disabled. */
export async function callerFromToken(ctx: Ctx, token: string): Promise<Caller | null> {
  const row = await ctx.db.one<TokenRow>(
    `SELECT t.id AS token_id, t.last_used_at, u.id, u.username, u.display_name, u.role, u.department_id
       FROM tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now() AND NOT u.disabled`,
    [hashToken(token)],
  );
  if (!row) return null;
  if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > 60_000) {
    await ctx.db.query('UPDATE tokens SET last_used_at = now() WHERE id = $1', [row.token_id]);
  }
  return { id: row.id, username: row.username, displayName: row.display_name, role: row.role, departmentId: row.department_id, tokenId: row.token_id };
}

const BEARER = /^\s*bearer\s+(\S+)\s*$/i;

/**
 * The token of an `Authorization: Bearer …` header: the one place that reads it. The scheme is
 * case-insensitive (RFC 9110) and surrounding whitespace is ignored, so every spelling of one token
 * is one caller. Anything else (another scheme, several words) is no bearer token.
 */
export function bearerToken(header: string | string[] | undefined): string | null {
  const h = Array.isArray(header) ? header[0] : header;
  return h ? (BEARER.exec(h)?.[1] ?? null) : null;
}

/**
 * The bucket a request is counted in: the authenticated user (every token and session of one user
 * share it, so minting tokens or logging in again gives no fresh allowance), else the client address.
 */
export function rateLimitKey(req: FastifyRequest): string {
  const c = req.caller;
  if (c?.id) return `user:${c.id}`;
  if (c?.tokenId) return `token:${c.tokenId}`;
  return `ip:${req.ip}`;
}

/**
 * Sets request.caller from the bearer token (onRequest, before the rate limiter counts the request
 * against it); a rejected token answers 401 before the body is read, a missing one 401 on
 * protected routes.
 */
export const authPlugin = fp(async (app: FastifyInstance, opts: { ctx: Ctx }) => {
  app.decorateRequest('caller', null);
  app.decorateRequest('tokenRejected', false);
  app.addHook('onRequest', async (req) => {
    const token = bearerToken(req.headers.authorization);
    req.caller = token ? await callerFromToken(opts.ctx, token) : null;
    req.tokenRejected = !!token && !req.caller;
  });
  // preParsing runs after every onRequest hook, the rate limiter's included: guessed tokens are counted (per address).
  app.addHook('preParsing', async (req) => {
    if (req.tokenRejected && !req.routeOptions.config?.public) throw problem('unauthorized', '令牌无效、已过期或已吊销 / token invalid, expired or revoked');
  });
  app.addHook('preHandler', async (req) => {
    if (req.routeOptions.config?.public) return;
    // The console's static files and the offline API docs are public; the API is not.
    if (!req.url.startsWith('/api/') || req.url.startsWith('/api/docs')) return;
    if (!req.caller) throw problem('unauthorized', '需要登录 / a bearer token is required');
  });
});

/** The authenticated caller of a protected route. */
export function callerOf(req: FastifyRequest): Caller {
  if (!req.caller) throw problem('unauthorized');
  return req.caller;
}
