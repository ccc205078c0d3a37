// Attacks on the HTTP layer, each kept as it was done: rate-limit evasion by re-spelling the bearer
// header, missing security headers, NUL bytes and out-of-range numbers in any parameter (the whole
// OpenAPI document is walked), dataset codes that read as paths.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { datasetAdmin } from '../../src/catalog/index.ts';
import { SYSTEM, bearerToken } from '../../src/kernel/index.ts';
import { users } from '../../src/identity/index.ts';
import { toProblem } from '../../src/server/errorHandler.ts';
import { drivers } from '../helpers/platform.ts';
import { apiCaller, login, openTestApp } from '../helpers/server.ts';
import { upload } from '../helpers/upload.ts';

type App = Awaited<ReturnType<typeof openTestApp>>;
type Headers = Record<string, string>;

const CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:", "connect-src 'self'",
  "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'",
];

function assertSecurityHeaders(res: LightMyRequestResponse, what: string) {
  const csp = String(res.headers['content-security-policy'] ?? '');
  for (const d of CSP) assert.ok(csp.split(/;\s*/).includes(d), `${what}: CSP lacks "${d}" in "${csp}"`);
  assert.ok(!/script-src[^;]*'unsafe-(inline|eval)'/.test(csp), `${what}: scripts must not run inline: ${csp}`);
  assert.equal(res.headers['x-content-type-options'], 'nosniff', what);
  assert.equal(res.headers['x-frame-options'], 'DENY', what);
  assert.equal(res.headers['referrer-policy'], 'no-referrer', what);
  assert.equal(res.headers['x-powered-by'], undefined, what);
}

const isProblem = (res: LightMyRequestResponse) => /application\/problem\+json/.test(String(res.headers['content-type']));

for (const driver of drivers()) {
  describe(`HTTP hardening (${driver})`, () => {
    let t: App;
    let admin: { authorization: string };
    const req = apiCaller(() => t.app);

    before(async () => {
      // the route fuzz below sends a few thousand requests as one admin: past the default 1,200 a minute
      t = await openTestApp(driver, { rateLimitPerMinute: 100_000 });
      admin = await login(t.app);
    });
    after(() => t.close());

    test('every answer carries the security headers: API, errors, the offline docs', async () => {
      const cases: [string, LightMyRequestResponse][] = [
        ['health', await req('GET', '/health')],
        ['401', await req('GET', '/users')],
        ['404', await req('GET', '/nope', admin)],
        ['400', await req('GET', '/users/not-a-uuid', admin)],
        ['openapi', await t.app.inject({ url: '/api/v1/openapi.json' })],
        ['docs', await t.app.inject({ url: '/api/docs/' })],
        ['docs script', await t.app.inject({ url: '/api/docs/static/swagger-initializer.js' })],
      ];
      for (const [what, res] of cases) assertSecurityHeaders(res, what);
      // The docs page has no inline script for the policy to block, and loads nothing from elsewhere.
      const page = cases.find(([w]) => w === 'docs')![1];
      assert.equal(page.statusCode, 200);
      assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(page.body), 'no inline <script> on /api/docs');
      const init = cases.find(([w]) => w === 'docs script')![1];
      assert.equal(init.statusCode, 200);
      assert.match(init.body, /validatorUrl["']?\s*:\s*null/, 'no validator badge fetched from the internet');
    });

    test('NUL in a query value, a path parameter, a JSON body string or key answers 400 naming the field', async () => {
      const cases: [LightMyRequestResponse, string][] = [
        [await req('GET', '/users?q=%00', admin), 'q'],
        [await req('GET', '/departments?q=a%00b', admin), 'q'],
        [await req('GET', '/datasets/%00', admin), 'code'],
        [await req('GET', '/datasets/a%00b/rows', admin), 'code'],
        [await req('GET', '/users/%00', admin), 'id'],
        [await req('POST', '/departments', admin, { code: 'NUL1', name: 'a\u0000b', regionCode: '330102' }), 'name'],
        [await req('POST', '/standards/validate', admin, { element: 'id_card', value: 'x', params: { 'k\u0000': 'v' } }), 'params.k\u0000'],
        [await req('POST', '/datasets', admin, { code: 'nul_ds', name: 'n', departmentId: randomUUID(), fields: [{ name: 'a', title: 't\u0000', type: 'string', sensitivity: 'L1' }] }), 'fields.0.title'],
      ];
      for (const [res, field] of cases) {
        assert.equal(res.statusCode, 400, `${field}: ${res.body}`);
        assert.ok(isProblem(res));
        assert.equal(res.json().type, '/problems/validation');
        assert.equal(res.json().errors[0].field, field);
      }
      assert.equal((await req('GET', '/departments?q=NUL1', admin)).json().total, 0, 'nothing was written');
      assert.equal((await req('GET', '/health')).statusCode, 200);
    });

    test('the database refusing a value (SQLSTATE class 22) is a 400 that does not echo the database', async () => {
      const refused = [
        await t.p.db.query('SELECT $1::int4 AS n', ['99999999999']).catch((e: Error) => e),
        await t.p.db.query('SELECT $1::int8 AS n', ['99999999999999999999']).catch((e: Error) => e),
        await t.p.db.query('SELECT $1::text AS s', ['a\u0000b']).catch((e: Error) => e),
        await t.p.db.query('SELECT $1::date AS d', ['2026-02-31']).catch((e: Error) => e),
        await t.p.db.query('SELECT $1::uuid AS u', ['nope']).catch((e: Error) => e),
      ];
      for (const err of refused) {
        assert.ok(err instanceof Error, 'the database refused it');
        const p = toProblem(err);
        assert.equal(p.status, 400, `${(err as { code?: string }).code}: ${err.message}`);
        assert.equal(p.slug, 'bad-request');
        assert.ok(!p.detail!.includes(err.message), 'the database message is not echoed');
      }
    });

    test('rate limit: every spelling of one token is one caller, and so is every token of one user', async () => {
      const small = await openTestApp(driver, { rateLimitPerMinute: 5 });
      try {
        const token = (await login(small.app)).authorization.slice('Bearer '.length);
        const apiToken = (await small.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { authorization: `Bearer ${token}` }, payload: { name: 'second' } })).json().token as string;
        const spellings = [`Bearer ${token}`, `Bearer  ${token}`, `bearer ${token}`, `Bearer ${token} `, `BEARER\t${token}`, `  Bearer ${token}`];
        const codes: number[] = [];
        for (const [i, authorization] of spellings.entries()) {
          // each from another address, so nothing but the token ties them together
          const r = await small.app.inject({ url: '/api/v1/auth/me', headers: { authorization }, remoteAddress: `10.0.0.${i + 1}` });
          codes.push(r.statusCode);
          if (r.statusCode === 200) assert.equal(r.json().username, 'admin', `"${authorization}" is the admin`);
          else {
            assert.ok(isProblem(r));
            assert.equal(r.json().type, '/problems/rate-limited');
          }
        }
        // 1 request to create the API token + 6 reads: the limit of 5 is reached within the spellings
        assert.deepEqual(codes, [200, 200, 200, 200, 429, 429]);
        // another token of the same user (a fresh login would do the same) shares the bucket
        assert.equal((await small.app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${apiToken}` }, remoteAddress: '10.0.1.1' })).statusCode, 429);
        // another user from the same address is not affected
        await users.create(small.p, SYSTEM, { username: 'other', displayName: 'o', password: 'password-123', role: 'analyst' });
        const other = await login(small.app, 'other', 'password-123');
        assert.equal((await small.app.inject({ url: '/api/v1/auth/me', headers: other, remoteAddress: '10.0.0.1' })).statusCode, 200);
        // guessed tokens are counted against the address they come from
        const guesses: number[] = [];
        for (let i = 0; i < 7; i++) guesses.push((await small.app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ghs_guess${i}` }, remoteAddress: '10.0.2.1' })).statusCode);
        assert.deepEqual(guesses, [401, 401, 401, 401, 401, 429, 429]);
        // the server still answers
        assert.equal((await small.app.inject({ url: '/api/v1/health', remoteAddress: '10.0.3.1' })).statusCode, 200);
      } finally {
        await small.close();
      }
    });

    test('dataset codes ".", "..", ".hidden", "-x" are refused, by the API and by the service', async () => {
      const dept = (await req('POST', '/departments', admin, { code: 'CODES', name: '代码局', regionCode: '330102' })).json().id;
      const body = (code: string) => ({ code, name: 'x', departmentId: dept, fields: [{ name: 'a', title: 'a', type: 'string', sensitivity: 'L1' }] });
      for (const code of ['.', '..', '.hidden', '-x', '_x']) {
        const r = await req('POST', '/datasets', admin, body(code));
        assert.equal(r.statusCode, 400, `${code}: ${r.body}`);
        assert.equal(r.json().errors[0].field, 'code');
        await assert.rejects(datasetAdmin.create(t.p, SYSTEM, body(code) as never), (e: Error & { status?: number }) => e.status === 400, `service refuses ${code}`);
      }
      assert.equal((await req('POST', '/datasets', admin, body('a.b-c_1'))).statusCode, 201);
    });

    test('fuzz every route of the OpenAPI document: NUL in each parameter, huge numbers in each numeric one, NUL in each JSON body string: never a 5xx', async () => {
      // Objects for the parameters to point at, so that requests get past the lookups.
      const dept = (await req('POST', '/departments', admin, { code: 'FUZZ', name: '模糊测试局', regionCode: '330102' })).json();
      const user = (await req('POST', '/users', admin, { username: 'fuzz_user', displayName: 'f', password: 'password-123', role: 'analyst', departmentId: dept.id })).json();
      const tok = (await req('POST', '/tokens', admin, { name: 'fuzz' })).json();
      const ds = await req('POST', '/datasets', admin, { code: 'fuzz_ds', name: '人口', departmentId: dept.id, fields: [{ name: 'n', title: 'n', type: 'integer', sensitivity: 'L1' }, { name: 's', title: 's', type: 'string', sensitivity: 'L1' }] });
      assert.equal(ds.statusCode, 201, ds.body);
      const up = await upload(t.app, '/datasets/fuzz_ds/ingest', admin, 'rows.csv', 'n,s\n1,a\n2,b\n');
      assert.ok(up.statusCode < 300, up.body);
      const job = up.json();
      const ids: Record<string, string> = { departments: dept.id, users: user.id, tokens: tok.id, jobs: job.id };

      const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
      type Param = { in: string; name: string; required?: boolean; schema?: Record<string, unknown> };
      type Op = { parameters?: Param[]; requestBody?: { content: Record<string, { schema?: Record<string, unknown> }> } };
      const sample = (path: string, p: Param): string => {
        if (p.name === 'code') return 'fuzz_ds';
        if (p.name === 'id') return ids[Object.keys(ids).find((k) => path.includes(`/${k}/`)) ?? ''] ?? randomUUID();
        if (p.schema?.format === 'uuid' || /id$/i.test(p.name)) return randomUUID();
        if (Array.isArray(p.schema?.enum)) return String(p.schema.enum[0]);
        if (p.name === 'format') return 'json';
        return '1';
      };
      const numeric = (p: Param) => ['integer', 'number'].includes(String(p.schema?.type));
      const HUGE = ['1e400', '-1e400', '99999999999999999999', '9999999999', '2147483648', '-9223372036854775809', 'NaN'];
      const failures: string[] = [];
      let sent = 0;
      const send = async (method: string, path: string, params: Param[], values: Record<string, string>, payload?: unknown) => {
        let url = path.replace(/^\/api\/v1/, '');
        const query = new URLSearchParams();
        const headers: Headers = { ...admin };
        for (const p of params) {
          const v = values[p.name];
          if (v === undefined) continue;
          if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(v));
          else if (p.in === 'query') query.set(p.name, v);
          else if (p.in === 'header') headers[p.name] = v;
        }
        const qs = query.toString();
        // routes outside /api/v1 (CKAN, Open311) are called where they live
        const res = path.startsWith('/api/v1/')
          ? await req(method, `${url}${qs ? `?${qs}` : ''}`, headers, payload)
          : await t.app.inject({ method: method as 'GET', url: `${url}${qs ? `?${qs}` : ''}`, headers, payload: payload as object });
        sent++;
        if (res.statusCode >= 500) failures.push(`${method} ${url}?${qs} ${payload ? JSON.stringify(payload) : ''} → ${res.statusCode} ${res.body.slice(0, 200)}`);
        return res;
      };

      for (const [path, ops] of Object.entries<Record<string, Op>>(doc.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          if (path === '/api/v1/auth/logout') continue; // would end the admin's session, has no input
          const params = op.parameters ?? [];
          const base: Record<string, string> = {};
          for (const p of params) if (p.in === 'path' || p.required) base[p.name] = sample(path, p);
          for (const p of params) {
            if (p.in === 'header' && p.name !== 'idempotency-key') continue;
            await send(method.toUpperCase(), path, params, { ...base, [p.name]: 'a\u0000b' });
            if (numeric(p)) for (const n of HUGE) await send(method.toUpperCase(), path, params, { ...base, [p.name]: n });
          }
          const schema = op.requestBody?.content['application/json']?.schema;
          if (!schema) continue; // no JSON body (multipart uploads are the ingest tests' business)
          const body = example(schema);
          for (const leaf of stringLeaves(body)) {
            const res = await send(method.toUpperCase(), path, params, base, setAt(body, leaf, 'x\u0000y'));
            // Open311 answers in its own error format: [{ code, description }], the description naming the field
            const named = path.startsWith('/open311/') ? (res.json()[0]?.description as string | undefined)?.includes(leaf.join('.')) : res.json().errors?.[0]?.field === leaf.join('.');
            if (res.statusCode !== 400 || !named) failures.push(`${method} ${path} body ${leaf.join('.')} → ${res.statusCode} ${res.body.slice(0, 160)}`);
          }
        }
      }
      assert.ok(sent > 150, `walked ${sent} requests`);
      assert.deepEqual(failures, []);
      // a version number beyond what the database holds is refused by name
      const version = await req('GET', '/datasets/fuzz_ds/rows?version=9999999999', admin);
      assert.equal(version.statusCode, 400, version.body);
      assert.equal(version.json().errors[0].field, 'version');
      const infinite = await req('GET', '/datasets/fuzz_ds/rows?limit=1e400', admin);
      assert.equal(infinite.json().errors[0].field, 'limit');
      assert.equal((await req('GET', '/health')).statusCode, 200);
      const owner = await login(t.app, 'fuzz_user', 'password-123');
      assert.equal((await req('GET', '/datasets/fuzz_ds/rows', owner)).json().total, 2, 'the data is intact');
    });

    test('bearer tokens are read in one place, tolerant of case and spacing only', () => {
      assert.equal(bearerToken('Bearer abc'), 'abc');
      assert.equal(bearerToken('  bEaReR \t abc  '), 'abc');
      assert.equal(bearerToken('Basic abc'), null);
      assert.equal(bearerToken('Bearer a b'), null);
      assert.equal(bearerToken('Bearerabc'), null);
      assert.equal(bearerToken(undefined), null);
    });
  });
}

/** A body with every property of the schema filled in (strings "x", numbers 1, first of each choice). */
function example(s: Record<string, unknown>): unknown {
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = s[k] as Record<string, unknown>[] | undefined;
    if (!options) continue;
    if (k === 'allOf') return Object.assign({}, ...options.map((o) => example(o) as object));
    return example(options.find((o) => o.type !== 'null') ?? options[0]);
  }
  switch (s.type) {
    case 'object': {
      const props = Object.entries((s.properties ?? {}) as Record<string, Record<string, unknown>>).map(([k, v]) => [k, example(v)]);
      if (!props.length && typeof s.additionalProperties === 'object') props.push(['k', example(s.additionalProperties as Record<string, unknown>)]);
      if (!props.length && s.patternProperties) props.push(['k', example(Object.values(s.patternProperties as Record<string, Record<string, unknown>>)[0])]);
      return Object.fromEntries(props);
    }
    case 'array': return [example((s.items ?? {}) as Record<string, unknown>)];
    case 'integer': case 'number': return 1;
    case 'boolean': return true;
    case 'null': return null;
    default: return 'x';
  }
}

/** The paths of every string in a value. */
function stringLeaves(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (typeof v === 'string') return [at];
  if (Array.isArray(v)) return v.flatMap((x, i) => stringLeaves(x, [...at, i]));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => stringLeaves(x, [...at, k]));
  return [];
}

/** A copy of `v` with the value at `path` replaced. */
function setAt(v: unknown, path: (string | number)[], value: unknown): unknown {
  if (!path.length) return value;
  const copy = structuredClone(v) as Record<string | number, unknown>;
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  cur[path[path.length - 1]] = value;
  return copy;
}
