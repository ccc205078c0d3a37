/**
 * A small city for the attack tests: departments 公安 (GA, the attacker's), 民政 (MZ) and 残联 (CL),
 * an officer each, the admin, and helpers to register datasets, upload files and read the trail.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { idCardCheckDigit } from '../../src/standards/index.ts';
import type { TestDriver } from './platform.ts';
import { login, openTestApp } from './server.ts';
import { upload } from './upload.ts';

export type Auth = { authorization: string };

/** A valid 18-digit ID number of 东城区: born 1990-03-07 for n < 1000 (sequence n), a day later per further thousand. */
export const id = (n: number) => {
  const day = String(7 + Math.floor(n / 1000)).padStart(2, '0');
  const first17 = `110101199003${day}${String(n % 1000).padStart(3, '0')}`;
  return first17 + idCardCheckDigit(first17);
};

export const OFFICER_PASSWORD = 'officer-pass-2026';

export interface City {
  t: Awaited<ReturnType<typeof openTestApp>>;
  app: FastifyInstance;
  admin: Auth;
  officers: Record<'GA' | 'MZ' | 'CL', Auth>;
  dept: Record<string, string>;
  req(method: string, url: string, auth?: Auth, payload?: unknown): Promise<LightMyRequestResponse>;
  /** Register a dataset and publish its catalog entry (submitted by `as`, published by the admin); `draft: true` leaves it a draft. */
  register(as: Auth, dept: string, code: string, fields: unknown[], extra?: Record<string, unknown> & { draft?: boolean }): Promise<void>;
  upload(as: Auth, code: string, name: string, content: string | Buffer, fields?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** Ask for a share grant (every field, a year, unless `body` says otherwise); the response of `POST /share/requests`. */
  request(as: Auth, code: string, body?: Record<string, unknown>): Promise<LightMyRequestResponse>;
  /** Ask for an unconditional dataset and return the grant's id (granted at once). */
  grant(as: Auth, code: string, body?: Record<string, unknown>): Promise<string>;
  /** Audit events of an action on an object, oldest first. */
  events(action: string, objectId: string): Promise<{ actorName: string; details: Record<string, unknown>; departmentId: string | null }[]>;
  /** The server still answers. */
  healthy(): Promise<void>;
  close(): Promise<void>;
}

export async function openCity(driver: TestDriver): Promise<City> {
  const t = await openTestApp(driver);
  const app = t.app;
  const req = (method: string, url: string, auth?: Auth, payload?: unknown) =>
    app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers: auth, payload: payload as object });
  const admin = await login(app);
  const dept: Record<string, string> = {};
  for (const [code, name] of [['GA', '公安局'], ['MZ', '民政局'], ['CL', '残疾人联合会']]) {
    const r = await req('POST', '/departments', admin, { code, name, regionCode: '330102' });
    assert.equal(r.statusCode, 201, r.body);
    dept[code] = r.json().id;
    const u = await req('POST', '/users', admin, { username: `officer_${code.toLowerCase()}`, displayName: `${name}专员`, password: OFFICER_PASSWORD, role: 'officer', departmentId: dept[code] });
    assert.equal(u.statusCode, 201, u.body);
  }
  const officers = {
    GA: await login(app, 'officer_ga', OFFICER_PASSWORD),
    MZ: await login(app, 'officer_mz', OFFICER_PASSWORD),
    CL: await login(app, 'officer_cl', OFFICER_PASSWORD),
  };
  async function request(as: Auth, code: string, body: Record<string, unknown> = {}) {
    const ds = (await req('GET', `/datasets/${code}`, as)).json();
    return req('POST', '/share/requests', as, {
      dataset: code, purpose: '测试用途：核对数据', fields: (ds.fields as { name: string }[]).map((f) => f.name),
      validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString(), ...body,
    });
  }
  return {
    t, app, admin, officers, dept, req,
    async register(as, d, code, fields, { draft, ...extra } = {}) {
      const shareBasis = extra.shareType === 'none' ? { shareBasis: '《示例条例》第十条 / example regulation, art. 10' } : {};
      const r = await req('POST', '/datasets', as, { code, name: code, departmentId: dept[d], fields, ...shareBasis, ...extra });
      assert.equal(r.statusCode, 201, r.body);
      if (draft) return;
      // published through review, as entries other departments find in the catalog are
      for (const [step, by] of [['submit', as], ['publish', admin]] as const) {
        const s = await req('POST', `/datasets/${code}/${step}`, by);
        assert.equal(s.statusCode, 200, s.body);
      }
    },
    upload: (as, code, name, content, fields = {}) => upload(app, `/datasets/${code}/ingest`, as, name, content, fields),
    request,
    async grant(as, code, body) {
      const r = await request(as, code, body);
      assert.equal(r.statusCode, 201, r.body);
      assert.equal(r.json().status, 'approved', r.body);
      return r.json().grantId as string;
    },
    async events(action, objectId) {
      const r = await req('GET', `/audit/events?action=${encodeURIComponent(action)}&objectId=${encodeURIComponent(objectId)}&limit=1000`, admin);
      assert.equal(r.statusCode, 200, r.body);
      return (r.json().items as { actorName: string; details: Record<string, unknown>; departmentId: string | null; action: string }[]).filter((e) => e.action === action).reverse();
    },
    async healthy() {
      const h = await req('GET', '/health');
      assert.equal(h.statusCode, 200, h.body);
      assert.equal(h.json().status, 'ok');
    },
    close: () => t.close(),
  };
}
