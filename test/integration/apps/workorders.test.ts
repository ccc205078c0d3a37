/**
 * Work orders end to end through the API: the whole life of an order (assign, start, done, verify,
 * close) with its timeline and audit; returning and re-dispatching, reopening, suspending (which
 * moves the due date), who sees and who acts, and the hourly ticker's reminder and supervision (督办).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { calendar } from '../../../src/calendar/index.ts';
import { extendDue, workOrders } from '../../../src/apps/workorders/index.ts';
import { drivers } from '../../helpers/platform.ts';
import { login } from '../../helpers/server.ts';
import { openCity, OFFICER_PASSWORD, type Auth, type City } from '../../helpers/city.ts';

for (const driver of drivers()) {
  describe(`work orders (${driver})`, () => {
    let c: City;
    const users: Record<string, string> = {};
    const auth: Record<string, Auth> = {};

    before(async () => {
      c = await openCity(driver);
      for (const [name, dept] of [['handler_mz', 'MZ'], ['handler_mz2', 'MZ'], ['handler_cl', 'CL']]) {
        const u = await c.req('POST', '/users', c.admin, { username: name, displayName: `${name}处理人`, password: OFFICER_PASSWORD, role: 'handler', departmentId: c.dept[dept] });
        assert.equal(u.statusCode, 201, u.body);
        auth[name] = await login(c.app, name, OFFICER_PASSWORD);
      }
      for (const r of await c.t.p.db.query<{ id: string; username: string }>('SELECT id, username FROM users')) users[r.username] = r.id;
    });
    after(() => c.close());

    const open = async (as: Auth, body: Record<string, unknown> = {}) => {
      const r = await c.req('POST', '/workorders', as, { title: '核查低保对象名下车辆', description: '碰撞发现 3 人名下有车', departmentId: c.dept.MZ, ...body });
      assert.equal(r.statusCode, 201, r.body);
      return r.json();
    };
    const act = (as: Auth, id: string, action: string, body: Record<string, unknown> = {}) => c.req('POST', `/workorders/${id}/actions/${action}`, as, body);
    const ok = async (as: Auth, id: string, action: string, body: Record<string, unknown> = {}) => {
      const r = await act(as, id, action, body);
      assert.equal(r.statusCode, 200, `${action}: ${r.body}`);
      return r.json();
    };
    const notices = async (user: string, kind: string, objectId: string) =>
      (await c.t.p.db.one<{ n: number; total: number }>('SELECT count(*)::int AS n, coalesce(sum(count), 0)::int AS total FROM notices WHERE user_id = $1 AND kind = $2 AND object_id = $3', [users[user], kind, objectId]))!;

    test('created → assigned → in progress → done → verified → closed, with its timeline and audit', async () => {
      const o = await open(c.officers.GA, { sourceRef: { note: '人工' } });
      assert.match(o.code, /^GD-\d{8}-\d{4}$/);
      assert.equal(o.status, 'new');
      assert.equal(o.source, 'manual');
      assert.equal(o.sla, 'ok');
      assert.deepEqual(o.department, { id: c.dept.MZ, code: 'MZ', name: '民政局' });
      assert.deepEqual(o.actions, [], 'the opening department waits for the result');
      assert.equal((await notices('officer_mz', 'workorder.new', o.id)).n, 1, 'the department is told');
      assert.deepEqual((await c.req('GET', `/workorders/${o.id}`, c.officers.MZ)).json().actions, ['assign', 'return', 'suspend']);

      const bad = await act(c.officers.MZ, o.id, 'assign', { handlerId: users.handler_cl });
      assert.equal(bad.statusCode, 400, 'the handler must belong to the department');
      const a = await ok(c.officers.MZ, o.id, 'assign', { handlerId: users.handler_mz });
      assert.deepEqual([a.status, a.handler.id], ['assigned', users.handler_mz]);
      const mine = (await c.req('GET', '/workorders?mine=true', auth.handler_mz)).json();
      assert.ok(mine.items.some((x: { id: string }) => x.id === o.id), 'on the handler\'s own list');
      assert.deepEqual((await ok(auth.handler_mz, o.id, 'start')).status, 'in_progress');
      const done = await ok(auth.handler_mz, o.id, 'done', { note: '已核实，2 人车辆已过户' });
      assert.equal(done.status, 'done');
      assert.deepEqual(done.actions, [], 'the handler cannot verify');
      assert.equal((await act(auth.handler_mz, o.id, 'verify')).statusCode, 403);
      assert.equal((await notices('officer_ga', 'workorder.done', o.id)).n, 1, 'the opener is told it is done');
      assert.deepEqual((await c.req('GET', `/workorders/${o.id}`, c.officers.GA)).json().actions, ['verify', 'reopen']);
      assert.equal((await ok(c.officers.GA, o.id, 'verify')).status, 'verified');
      const closed = await ok(c.officers.GA, o.id, 'close');
      assert.equal(closed.status, 'closed');
      assert.deepEqual(closed.events.map((e: { action: string; from: string | null; to: string | null }) => `${e.action}:${e.from ?? ''}>${e.to ?? ''}`),
        ['create:>new', 'assign:new>assigned', 'start:assigned>in_progress', 'done:in_progress>done', 'verify:done>verified', 'close:verified>closed']);
      assert.equal(closed.events[3].note, '已核实，2 人车辆已过户');
      assert.equal(closed.events[1].actor, '民政局专员');
      for (const action of ['create', 'assign', 'start', 'done', 'verify', 'close']) assert.equal((await c.events(`workorder.${action}`, o.id)).length, 1, action);
      const assigned = (await c.events('workorder.assign', o.id))[0]!;
      assert.equal(assigned.details.handler, users.handler_mz);
      assert.equal(assigned.departmentId, c.dept.MZ);
      // a closed order is final
      const again = await act(c.admin, o.id, 'reopen', { reason: '再看看' });
      assert.equal(again.statusCode, 409);
      assert.match(again.body, /reopen/);
      assert.match(again.body, /closed/);
    });

    test('an illegal move is a conflict naming the action and the state; a reason is required where the table says so', async () => {
      const o = await open(c.officers.GA);
      const r = await act(c.officers.MZ, o.id, 'done');
      assert.equal(r.statusCode, 409, r.body);
      assert.match(r.json().detail, /done/);
      assert.match(r.json().detail, /new/);
      assert.equal((await act(c.officers.MZ, o.id, 'suspend')).statusCode, 400, 'suspending needs a reason');
      assert.equal((await act(c.officers.MZ, o.id, 'fly')).statusCode, 400, 'no such action');
      const bare = await c.req('POST', `/workorders/${o.id}/actions/verify`, c.officers.GA);
      assert.equal(bare.statusCode, 409, `an action without a body is read as one without options: ${bare.body}`);
    });

    test('returned with a reason, then re-dispatched by the opener to another department', async () => {
      const o = await open(c.officers.GA);
      await ok(c.officers.MZ, o.id, 'assign', { handlerId: users.handler_mz });
      assert.equal((await act(auth.handler_mz, o.id, 'return')).statusCode, 400, 'a reason is required');
      const back = await ok(auth.handler_mz, o.id, 'return', { reason: '不属于本部门职责，应由残联核查' });
      assert.equal(back.status, 'returned');
      assert.equal((await notices('officer_ga', 'workorder.return', o.id)).n, 1, 'the opener is told');
      assert.equal((await act(c.officers.MZ, o.id, 'assign', { handlerId: users.handler_mz2 })).statusCode, 403, 'the returning department does not re-dispatch');
      const moved = await ok(c.officers.GA, o.id, 'assign', { departmentId: c.dept.CL, handlerId: users.handler_cl });
      assert.deepEqual([moved.status, moved.department.code, moved.handler.id], ['assigned', 'CL', users.handler_cl]);
      assert.equal((await c.req('GET', `/workorders/${o.id}`, c.officers.MZ)).statusCode, 404, 'the former department no longer sees it');
      assert.equal((await c.req('GET', `/workorders/${o.id}`, auth.handler_cl)).statusCode, 200);
      assert.equal(moved.events.find((e: { action: string }) => e.action === 'return').note, '不属于本部门职责，应由残联核查');
      assert.equal((await notices('officer_cl', 'workorder.assign', o.id)).n, 1, 'the new department is told');
    });

    test('a result not accepted is reopened (with a reason) back to in progress', async () => {
      const o = await open(c.officers.GA, { handlerId: users.handler_mz });
      assert.equal(o.status, 'assigned');
      await ok(auth.handler_mz, o.id, 'start');
      await ok(auth.handler_mz, o.id, 'done');
      assert.equal((await act(c.officers.GA, o.id, 'reopen')).statusCode, 400);
      const re = await ok(c.officers.GA, o.id, 'reopen', { reason: '缺少现场照片' });
      assert.equal(re.status, 'in_progress');
      assert.equal((await notices('officer_mz', 'workorder.reopen', o.id)).n, 1);
      await ok(auth.handler_mz, o.id, 'done');
      await ok(c.officers.GA, o.id, 'verify');
      assert.equal((await ok(c.officers.GA, o.id, 'reopen', { reason: '复核不通过' })).status, 'in_progress', 'a verified order may be reopened too');
    });

    test('suspended time does not count: resuming moves the due date by the working days suspended', async () => {
      const o = await open(c.officers.GA, { handlerId: users.handler_mz });
      await ok(auth.handler_mz, o.id, 'start');
      const s = await ok(auth.handler_mz, o.id, 'suspend', { reason: '等待车管所回函' });
      assert.equal(s.status, 'suspended');
      assert.deepEqual(s.actions, ['resume']);
      // suspended a week ago
      await c.t.p.db.query(`UPDATE workorders SET suspended_at = suspended_at - interval '7 days' WHERE id = $1`, [o.id]);
      const since = (await c.t.p.db.one<{ at: Date }>('SELECT suspended_at AS at FROM workorders WHERE id = $1', [o.id]))!.at;
      const cal = await calendar.load(c.t.p);
      const before = extendDue(cal, new Date(o.dueAt), new Date(since), new Date()).toISOString();
      const r = await ok(auth.handler_mz, o.id, 'resume');
      const after = extendDue(cal, new Date(o.dueAt), new Date(since), new Date()).toISOString();
      assert.equal(r.status, 'in_progress', 'back to the state it was suspended from');
      assert.ok([before, after].includes(r.dueAt), `${r.dueAt} ∉ {${before}, ${after}}`);
      assert.ok(new Date(r.dueAt) > new Date(o.dueAt), 'a week suspended holds working days');
      assert.equal(cal.workingDaysBetween(new Date(o.dueAt), new Date(r.dueAt)), cal.workingDaysBetween(new Date(since), new Date()));
      assert.equal((await c.events('workorder.resume', o.id))[0]!.details.dueAt, r.dueAt);
    });

    test('another department neither sees nor acts on an order; the opening department sees what it opened', async () => {
      const o = await open(c.officers.GA);
      assert.equal((await c.req('GET', `/workorders/${o.id}`, c.officers.CL)).statusCode, 404);
      assert.equal((await c.req('GET', `/workorders/${o.id}`, auth.handler_cl)).statusCode, 404);
      assert.equal((await act(c.officers.CL, o.id, 'assign', { handlerId: users.handler_cl })).statusCode, 404);
      assert.equal((await act(c.officers.CL, o.id, 'verify')).statusCode, 404);
      const listCL = (await c.req('GET', '/workorders?limit=200', c.officers.CL)).json();
      assert.ok(!listCL.items.some((x: { id: string }) => x.id === o.id));
      const listGA = (await c.req('GET', `/workorders?q=${encodeURIComponent(o.code)}`, c.officers.GA)).json();
      assert.deepEqual(listGA.items.map((x: { id: string }) => x.id), [o.id]);
      assert.equal((await act(c.officers.GA, o.id, 'assign', { handlerId: users.handler_mz })).statusCode, 403, 'the opener does not dispatch for another department');
      assert.equal((await c.req('GET', `/workorders/${o.id}`, c.admin)).json().actions.includes('assign'), true, 'admins may do everything');
      const stats = (await c.req('GET', '/workorders/stats', c.officers.CL)).json();
      const all = (await c.req('GET', '/workorders/stats', c.admin)).json();
      assert.ok(all.byStatus.new > stats.byStatus.new);
      assert.equal(Object.values(all.bySla as Record<string, number>).reduce((a, b) => a + b, 0), Object.values(all.byStatus as Record<string, number>).reduce((a, b) => a + b, 0));
      assert.equal((await c.req('POST', '/workorders', auth.handler_mz, { title: 'x', departmentId: c.dept.MZ })).statusCode, 403, 'handlers do not open orders');
    });

    test('a handler of the department cannot verify the order they handled; another officer of the opening department can', async () => {
      const o = await open(c.officers.MZ, { handlerId: users.handler_mz });
      await ok(auth.handler_mz, o.id, 'start');
      await ok(auth.handler_mz, o.id, 'done');
      assert.equal((await act(auth.handler_mz, o.id, 'verify')).statusCode, 403);
      assert.equal((await act(auth.handler_mz2, o.id, 'verify')).statusCode, 403, 'handlers are not the opening side');
      assert.equal((await ok(c.officers.MZ, o.id, 'verify')).status, 'verified');
    });

    test('comments are on the timeline and audited', async () => {
      const o = await open(c.officers.GA);
      const r = await c.req('POST', `/workorders/${o.id}/comments`, c.officers.MZ, { text: '已联系车管所' });
      assert.equal(r.statusCode, 201, r.body);
      assert.equal((await c.req('POST', `/workorders/${o.id}/comments`, c.officers.MZ, { text: 'x'.repeat(2001) })).statusCode, 400);
      const d = (await c.req('GET', `/workorders/${o.id}`, c.officers.GA)).json();
      assert.deepEqual(d.comments.map((x: { text: string; author: string }) => [x.text, x.author]), [['已联系车管所', '民政局专员']]);
      assert.ok(d.events.some((e: { action: string }) => e.action === 'comment'));
      assert.equal((await c.events('workorder.comment', o.id)).length, 1);
    });

    test('the ticker reminds the department once before the due date and supervises an overdue order once', async () => {
      const o = await open(c.officers.GA, { priority: 'urgent', title: '紧急：核查疑似冒领' });
      const due = new Date(o.dueAt);
      await workOrders.remind(c.t.p, new Date(due.getTime() - 3600_000));
      await workOrders.remind(c.t.p, new Date(due.getTime() - 1800_000));
      assert.deepEqual(await notices('officer_mz', 'workorder.due', o.id), { n: 1, total: 1 }, 'reminded once');
      assert.equal((await notices('admin', 'workorder.due', o.id)).n, 0, 'not the admins');
      assert.equal((await c.req('GET', `/workorders/${o.id}`, c.admin)).json().supervised, false);

      const late = new Date(due.getTime() + 3600_000);
      await workOrders.remind(c.t.p, late);
      await workOrders.remind(c.t.p, new Date(late.getTime() + 3600_000));
      const d = (await c.req('GET', `/workorders/${o.id}`, c.admin)).json();
      assert.equal(d.supervised, true);
      assert.equal(d.events.filter((e: { action: string }) => e.action === 'supervise').length, 1);
      assert.equal((await c.events('workorder.supervise', o.id)).length, 1);
      assert.deepEqual(await notices('officer_mz', 'workorder.overdue', o.id), { n: 1, total: 1 });
      assert.deepEqual(await notices('admin', 'workorder.overdue', o.id), { n: 1, total: 1 });
      const supervised = (await c.req('GET', '/workorders?supervised=true&limit=200', c.officers.MZ)).json();
      assert.ok(supervised.items.some((x: { id: string }) => x.id === o.id));
    });
  });
}
