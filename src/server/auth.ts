import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { callerFromToken } from '../identity/index.ts';
import { bearerToken, problem, type Ctx } from '../kernel/index.ts';

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
