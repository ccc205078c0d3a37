import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type pino from 'pino';
import { type Config, ROOT } from '../../src/kernel/index.ts';
import { buildApp, WEB_DIST } from '../../src/server/index.ts';
import { ensureAdmin } from '../../src/identity/index.ts';
import type { DemoLoadResult } from '../../src/demo/index.ts';
import { ADMIN_PASSWORD, openTestPlatform, type TestDriver, type TestPlatform } from './platform.ts';
import { openDemoPlatform, type DemoCity } from './demoCity.ts';

export { ADMIN_PASSWORD };

/**
 * A platform plus its Fastify app (not listening): for app.inject() tests. `demo`: the platform
 * holds that demo city, loaded (a copy of a loaded one on PGlite: test/helpers/demoCity.ts), and
 * `demo` is what loading it returned.
 */
export async function openTestApp(
  driver: TestDriver = 'pglite',
  opts: { rateLimitPerMinute?: number; config?: Partial<Config>; log?: pino.Logger; demo?: DemoCity } = {},
): Promise<{ p: TestPlatform; app: FastifyInstance; demo?: DemoLoadResult; close(): Promise<void> }> {
  const p: TestPlatform & { demo?: DemoLoadResult } = opts.demo
    ? await openDemoPlatform(driver, opts.demo, opts.config, { log: opts.log })
    : await openTestPlatform(driver, opts.config, { log: opts.log });
  await ensureAdmin(p);
  const app = await buildApp(p, { web: false, logger: false, rateLimitPerMinute: opts.rateLimitPerMinute });
  await app.ready();
  return { p, app, demo: p.demo, async close() { await app.close(); await p.close(); } };
}

/**
 * An API caller for an app that may not exist yet (opened in a `before`): `req('POST', '/users', admin, body)`
 * injects `/api/v1/users` with those headers and that JSON body.
 */
export function apiCaller(app: () => FastifyInstance) {
  return (method: string, url: string, headers?: Record<string, string>, payload?: unknown, remoteAddress?: string) =>
    app().inject({ method: method as 'GET', url: `/api/v1${url}`, headers, payload: payload as object, remoteAddress });
}

/** Log in through the API and return the bearer header. */
export async function login(app: FastifyInstance, username = 'admin', password = ADMIN_PASSWORD): Promise<{ authorization: string }> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  return { authorization: `Bearer ${res.json().token}` };
}

/**
 * The real server on a free port, serving the built console (built first if missing). `city`: it
 * starts with that demo city loaded (a copy: test/helpers/demoCity.ts), `demo` being what loading
 * it returned; `demo`: a function that fills the platform before the server starts.
 */
export async function startTestServer(opts: { city?: DemoCity; demo?: (p: TestPlatform) => Promise<void> } = {}) {
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) execFileSync('npm', ['run', 'build:web', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const p: TestPlatform & { demo?: DemoLoadResult } = opts.city ? await openDemoPlatform('pglite', opts.city) : await openTestPlatform('pglite');
  await ensureAdmin(p);
  if (opts.demo) await opts.demo(p);
  const app = await buildApp(p, { web: true, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}`, adminPassword: ADMIN_PASSWORD, p, app, demo: p.demo, async close() { await app.close(); await p.close(); } };
}

/** Call the API of `app` (inject, no port) and insist on success: the JSON answer; a failure names the call, its status and body. */
export function apiJson(app: FastifyInstance) {
  return async <T = any>(method: 'GET' | 'POST', url: string, as: { authorization: string }, payload?: object): Promise<T> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await app.inject({ method, url: `/api/v1${url}`, headers: as, payload });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json() as T;
  };
}

/**
 * Give `reader` a share grant on dataset `code` (every field, a year): requested as `reader`, and,
 * when the dataset is shared on conditions, approved by `approver` (an officer of its department).
 */
export async function grantFor(app: FastifyInstance, reader: { authorization: string }, code: string, approver?: { authorization: string }): Promise<string> {
  const inject = apiJson(app);
  const ds = await inject('GET', `/datasets/${code}`, reader);
  const req = await inject('POST', '/share/requests', reader, {
    dataset: code, purpose: '测试：控制台浏览', fields: (ds.fields as { name: string }[]).map((f) => f.name), validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString(),
  });
  if (req.status === 'approved') return req.grantId;
  if (!approver) throw new Error(`${code} is shared on conditions: an approver is needed`);
  return (await inject('POST', `/share/requests/${req.id}/approve`, approver, { reason: '测试：同意' })).grantId;
}
