import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import rateLimit from '@fastify/rate-limit';
import helmet from '@fastify/helmet';
import { type Ctx, rateLimitKey, problem, ProblemSchema, ROOT, VERSION } from '../kernel/index.ts';
import { authPlugin } from './auth.ts';
import { installErrorHandler } from './errorHandler.ts';
import { CSP_DIRECTIVES, HELMET } from './headers.ts';
import { installInputGuard } from './inputGuard.ts';
import { registerRootRoutes, registerRoutes } from './routes.ts';

export const WEB_DIST = path.join(ROOT, 'web', 'dist');

export interface AppOptions {
  /** Serve the built console from web/dist (default: when it exists). */
  web?: boolean;
  logger?: boolean;
  rateLimitPerMinute?: number;
}

/** The HTTP API and console. Routes live in each module; this only assembles them. */
export async function buildApp(ctx: Ctx, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger === false ? undefined : (ctx.log as unknown as FastifyBaseLogger),
    bodyLimit: ctx.config.bodyLimitBytes,
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  installErrorHandler(app);
  app.addSchema(ProblemSchema);
  // Security headers first, so that every answer carries them, errors included.
  await app.register(helmet, HELMET);
  installInputGuard(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'govhub API', description: '政务大数据平台 API / government data platform API', version: VERSION },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    hideUntagged: false,
    // shared schemas ($id) are components of the document, named by their $id
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  // The docs page answers with the platform's own policy (no inline script), and offline: no validator badge.
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list', validatorUrl: null }, staticCSP: CSP_DIRECTIVES });

  // The caller is resolved first (onRequest); the limiter's per-route onRequest hook runs after every
  // app-wide one, so it counts the request against the user, whatever the spelling of the token.
  await app.register(authPlugin, { ctx });
  await app.register(rateLimit, {
    max: opts.rateLimitPerMinute ?? ctx.config.rateLimitPerMinute,
    timeWindow: '1 minute',
    keyGenerator: rateLimitKey,
  });

  app.get('/api/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  await app.register(registerRoutes(ctx), { prefix: '/api/v1' });
  await app.register(registerRootRoutes(ctx));

  const serveWeb = opts.web ?? fs.existsSync(path.join(WEB_DIST, 'index.html'));
  if (serveWeb) {
    await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: ['index.html'] });
  }
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || !serveWeb || req.method !== 'GET') throw problem('not-found', `${req.method} ${req.url.split('?')[0]}`);
    return reply.type('text/html').sendFile('index.html');
  });
  return app as unknown as FastifyInstance;
}
