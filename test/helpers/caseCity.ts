/**
 * A city for the case tests: the attack city (GA, MZ, CL) plus a dispatch centre RX (市民热线服务中心)
 * with a dispatcher (officer) and a hotline operator (handler), handlers in GA and MZ, and a citizen.
 */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { openCity, OFFICER_PASSWORD, type Auth, type City } from './city.ts';
import type { TestDriver } from './platform.ts';
import { login } from './server.ts';

export interface CaseCity extends City {
  /** rx: the centre's dispatcher; operator: its hotline operator; ga/mz: handlers; citizen: a citizen account. */
  as: Record<'rx' | 'operator' | 'ga' | 'mz' | 'citizen', Auth>;
  users: Record<string, string>;
  /** Category codes by name (level-1 12345 categories and GB/T 30428.2 items). */
  category(name: string): Promise<string>;
  /** POST and insist on the status: the JSON answer. */
  ok(method: string, url: string, as: Auth | undefined, body?: unknown, status?: number): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  report(as: Auth | undefined, body: Record<string, unknown>): Promise<{ id: string; code: string; duplicates: { id: string; code: string }[]; uploadKey: string }>;
}

export async function openCaseCity(driver: TestDriver): Promise<CaseCity> {
  const c = await openCity(driver);
  const r = await c.req('POST', '/departments', c.admin, { code: 'RX', name: '市民热线服务中心', regionCode: '330102' });
  assert.equal(r.statusCode, 201, r.body);
  c.dept.RX = r.json().id;
  const make = async (username: string, role: string, dept?: string) => {
    const u = await c.req('POST', '/users', c.admin, { username, displayName: `${username}用户`, password: OFFICER_PASSWORD, role, departmentId: dept ? c.dept[dept] : undefined });
    assert.equal(u.statusCode, 201, u.body);
    return login(c.app, username, OFFICER_PASSWORD);
  };
  const as = {
    rx: await make('dispatcher_rx', 'officer', 'RX'),
    operator: await make('operator_rx', 'handler', 'RX'),
    ga: await make('handler_ga', 'handler', 'GA'),
    mz: await make('handler_mz', 'handler', 'MZ'),
    citizen: await make('citizen_zhang', 'citizen'),
  };
  const centre = await c.req('PUT', '/cases/centre', c.admin, { departmentId: c.dept.RX });
  assert.equal(centre.statusCode, 204, centre.body);
  const users: Record<string, string> = {};
  for (const u of await c.t.p.db.query<{ id: string; username: string }>('SELECT id, username FROM users')) users[u.username] = u.id;
  let cats: { code: string; name: string }[] | undefined;
  const ok = async (method: string, url: string, who: Auth | undefined, body?: unknown, status = method === 'POST' && url === '/cases' ? 201 : 200) => {
    const res: LightMyRequestResponse = await c.req(method, url, who, body);
    assert.equal(res.statusCode, status, `${method} ${url}: ${res.body}`);
    return res.body ? res.json() : null;
  };
  return {
    ...c, as, users, ok,
    async category(name) {
      cats ??= (await c.req('GET', '/case-categories', c.admin)).json();
      const hit = cats!.find((x) => x.name === name);
      assert.ok(hit, `no category named ${name}`);
      return hit.code;
    },
    report: (who, body) => ok('POST', '/cases', who, { channel: 'web', ...body }, 201),
  };
}
