import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { callerFromToken } from '../../identity/index.ts';
import { bearerToken, type Ctx, fieldProblem } from '../../kernel/index.ts';
import { ACTIONS, type ActionCall, type CkanDatastore, readOnly, WRITE_ACTIONS } from './actions.ts';
import { badRequest, ckanDenied, ckanFailure } from './errors.ts';

/** Where CKAN serves its Action API: version 3 explicitly, and the unversioned path (also version 3). */
export const CKAN_PREFIXES = ['/api/3/action', '/api/action'] as const;

const baseOf = (req: FastifyRequest) => `${req.protocol}://${req.host}`;
const helpOf = (req: FastifyRequest) => {
  const name = (req.params as { name?: string } | undefined)?.name ?? '';
  return `${baseOf(req)}/api/3/action/help_show?name=${encodeURIComponent(name)}`;
};
const first = (h: string | string[] | undefined) => (Array.isArray(h) ? h[0] : h)?.trim() || undefined;

/**
 * Who calls: a govhub API token in `Authorization` or `X-CKAN-API-Key` (CKAN clients send it bare,
 * often in both; `Bearer` is accepted too) is its user; an open-data key (`gho_…`) may come in
 * either of those, in `X-Api-Key` or as `apikey`. A token that resolves to nobody is refused, not
 * read as anonymous.
 */
async function whoCalls(ctx: Ctx, req: FastifyRequest, params: Record<string, unknown>) {
  let openKey: string | undefined;
  let token: string | undefined;
  for (const v of [first(req.headers.authorization), first(req.headers['x-ckan-api-key'])]) {
    const t = v && (bearerToken(v) ?? v);
    if (!t) continue;
    if (t.startsWith('gho_')) openKey ??= t;
    else token ??= t;
  }
  openKey ??= first(req.headers['x-api-key']) ?? (typeof params.apikey === 'string' ? params.apikey : undefined);
  let caller = req.caller;
  if (token && !caller) {
    caller = await callerFromToken(ctx, token);
    if (!caller) throw ckanDenied('API 令牌无效、已过期或已吊销 / API token invalid, expired or revoked');
  }
  return { caller, openKey };
}

/** The action's parameters: the query string on GET; the JSON (or form) body on POST, over the query string. */
function paramsOf(req: FastifyRequest): Record<string, unknown> {
  const query = { ...(req.query as Record<string, unknown>) };
  if (req.method !== 'POST' || req.body === undefined || req.body === null || req.body === '') return query;
  if (typeof req.body !== 'object' || Array.isArray(req.body)) throw badRequest('JSON Error: Request data JSON decoded to a value that is not a dictionary');
  const body = req.body as Record<string, unknown>;
  const nul = Object.entries(body).find(([k, v]) => k.includes('\u0000') || JSON.stringify(v ?? null).includes('\\u0000'));
  if (nul) throw fieldProblem(nul[0].replace(/\u0000/g, ''), '不得包含 NUL 字符 / must not contain NUL characters');
  return { ...query, ...body };
}

/** The simple (text, number, boolean) parameters as text: what DataStore `_links` repeat. */
const simple = (p: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(p).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v)).map(([k, v]) => [k, String(v)]));

/**
 * CKAN's Action API (2.10), read-only, at `/api/3/action/<name>` and `/api/action/<name>`, GET and
 * POST: the envelope `{help, success, result}`, CKAN's errors, the catalog as packages,
 * organizations, groups and tags, and the DataStore of open data (through `datastore`, share's
 * open-data guard).
 */
export function ckanRoutes(ctx: Ctx, datastore: CkanDatastore): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.setErrorHandler((err, req, reply) => {
      const { status, body, internal } = ckanFailure(err, helpOf(req));
      if (internal) req.log.error({ err }, 'CKAN action failed');
      return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
    });
    // CKAN clients may post JSON without saying so (a form content type): read it as CKAN does, JSON first.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      const text = String(body).trim();
      if (text.startsWith('{')) {
        try {
          return done(null, JSON.parse(text));
        } catch (err) {
          return done(badRequest(`JSON Error: ${(err as Error).message}`), undefined);
        }
      }
      return done(null, Object.fromEntries(new URLSearchParams(text)));
    });

    app.get('/api/3', { config: { public: true }, schema: { tags: ['ckan'], summary: 'CKAN API 版本 / CKAN API version' } }, async () => ({ version: 3 }));

    for (const prefix of CKAN_PREFIXES) {
      app.route({
        method: ['GET', 'POST'],
        url: `${prefix}/:name`,
        config: { public: true },
        schema: {
          tags: ['ckan'], summary: 'CKAN 2.10 Action API（只读）/ CKAN 2.10 Action API (read-only)',
          description: `${Object.keys(ACTIONS).join(', ')}`,
          params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }),
        },
        handler: async (req) => {
          const { name } = req.params as { name: string };
          const action = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
          if (!action) {
            if (WRITE_ACTIONS.test(name)) throw readOnly(name);
            throw badRequest(`Action name not known: ${name}`);
          }
          const params = paramsOf(req);
          const who = await whoCalls(ctx, req, params);
          const call: ActionCall = { ctx, datastore, ...who, params, base: baseOf(req), path: req.url.split('?')[0]!, query: simple(params) };
          return { help: helpOf(req), success: true, result: await action(call) };
        },
      });
    }
  };
}
