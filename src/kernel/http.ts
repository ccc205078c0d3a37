import type { FastifyRequest } from 'fastify';
import type { Config } from './config.ts';
import type { Caller } from './context.ts';
import { problem } from './problems.ts';

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

/** The authenticated caller of a protected route (set by the server's auth plugin). */
export function callerOf(req: FastifyRequest): Caller {
  if (!req.caller) throw problem('unauthorized');
  return req.caller;
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
 * The base of the public links an answer hands out (no trailing slash): the configured public
 * address (GOVHUB_PUBLIC_URL), else the request's own protocol and host. Behind a proxy, or where
 * answers are cached, set the public address: the Host header is the client's to choose.
 */
export function publicBaseUrl(req: FastifyRequest, config: Pick<Config, 'publicUrl'>): string {
  if (config.publicUrl) return config.publicUrl;
  // links are written into documents (Turtle IRIs among them): a host is a name or address and a port, nothing else
  if (!HOST.test(req.host)) throw problem('bad-request', 'Host 请求头无效 / invalid Host header');
  return `${req.protocol}://${req.host}`;
}

const HOST = /^([A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$/;
