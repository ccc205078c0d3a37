/** The working-day calendar over the API: the built-in year, the admin's corrections, who may change it. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../../helpers/platform.ts';
import { openCity, type City } from '../../helpers/city.ts';
import { calendar } from '../../../src/calendar/index.ts';

type Day = { day: string; kind: 'holiday' | 'workday'; name: string; source: 'builtin' | 'custom' };

for (const driver of drivers()) {
  describe(`working-day calendar (${driver})`, () => {
    let c: City;
    before(async () => { c = await openCity(driver); });
    after(() => c.close());

    const year = async (y: number, who = c.admin) => {
      const r = await c.req('GET', `/calendar/${y}`, who);
      assert.equal(r.statusCode, 200, r.body);
      return r.json() as { year: number; days: Day[]; workingDays: number };
    };

    test('a year shows the built-in arrangement to every signed-in user', async () => {
      const y = await year(2026, c.officers.GA);
      assert.equal(y.year, 2026);
      assert.equal(y.workingDays, 248);
      assert.deepEqual(y.days.find((d) => d.day === '2026-02-14'), { day: '2026-02-14', kind: 'workday', name: '春节', source: 'builtin' });
      assert.equal(y.days.filter((d) => d.name === '春节' && d.kind === 'holiday').length, 9);
      assert.ok(y.days.every((d) => d.source === 'builtin'));
      const none = await year(2031);
      assert.deepEqual(none.days, []);
      assert.equal(none.workingDays, 261); // Monday to Friday only
      assert.equal((await c.req('GET', '/calendar/2026')).statusCode, 401);
      assert.equal((await c.req('GET', '/calendar/99999', c.admin)).statusCode, 400);
    });

    test('the admin saves a year whole; the table wins for that year, and the deadlines follow', async () => {
      const filed = new Date('2026-10-09T10:00:00+08:00');
      const before = (await calendar.load(c.t.p)).addWorkingDays(filed, 1); // 10/10 is a make-up Saturday
      assert.equal(before.toISOString(), '2026-10-10T15:59:59.999Z');
      const days = (await year(2026)).days
        .filter((d) => d.day !== '2026-10-10') // the make-up Saturday dropped
        .map(({ day, kind, name }) => ({ day, kind, name }));
      days.push({ day: '2026-10-12', kind: 'holiday', name: '国庆节' });
      const r = await c.req('PUT', '/calendar/2026', c.admin, { days });
      assert.equal(r.statusCode, 200, r.body);
      const saved = r.json() as { days: Day[]; workingDays: number };
      assert.equal(saved.workingDays, 248 - 2);
      assert.deepEqual(saved.days.find((d) => d.day === '2026-10-12'), { day: '2026-10-12', kind: 'holiday', name: '国庆节', source: 'custom' });
      assert.equal(saved.days.find((d) => d.day === '2026-02-14')?.source, 'builtin');
      assert.equal(saved.days.find((d) => d.day === '2026-10-10'), undefined);
      assert.equal((await calendar.load(c.t.p)).addWorkingDays(filed, 1).toISOString(), '2026-10-13T15:59:59.999Z');
      // other years keep the built-in arrangement
      assert.equal((await year(2025)).workingDays, 248);

      const events = (await c.req('GET', '/audit/events?action=calendar.set', c.admin)).json().items as { objectId: string; details: Record<string, unknown> }[];
      assert.equal(events.length, 1);
      assert.equal(events[0].objectId, '2026');

      // an empty list gives the year back to the built-in arrangement
      const reset = await c.req('PUT', '/calendar/2026', c.admin, { days: [] });
      assert.equal(reset.statusCode, 200, reset.body);
      assert.equal(reset.json().workingDays, 248);
      assert.ok((reset.json().days as Day[]).every((d) => d.source === 'builtin'));
    });

    test('a year nobody published yet can be added', async () => {
      const r = await c.req('PUT', '/calendar/2031', c.admin, { days: [{ day: '2031-01-01', kind: 'holiday', name: ' 元旦 ' }] });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json().days, [{ day: '2031-01-01', kind: 'holiday', name: '元旦', source: 'custom' }]);
    });

    test('only admins change it, and bad days are refused with field errors', async () => {
      const one = [{ day: '2027-01-01', kind: 'holiday', name: '元旦' }];
      assert.equal((await c.req('PUT', '/calendar/2027', c.officers.GA, { days: one })).statusCode, 403);
      const bad = async (days: unknown[], field: string) => {
        const r = await c.req('PUT', '/calendar/2027', c.admin, { days });
        assert.equal(r.statusCode, 400, r.body);
        assert.ok(JSON.stringify(r.json().errors ?? []).includes(field), r.body);
      };
      await bad([{ day: '2026-01-01', kind: 'holiday', name: '元旦' }], 'days[0].day'); // another year
      await bad([{ day: '2027-02-30', kind: 'holiday', name: 'x' }], 'days[0].day'); // no such day
      await bad([...one, ...one], 'days[1].day'); // twice
      await bad([{ day: '2027-01-04', kind: 'workday', name: '元旦' }], 'days[0].kind'); // a Monday cannot be a make-up day
      await bad([{ day: '2027-01-01', kind: 'holiday', name: '   ' }], 'days[0].name');
      await bad([{ day: '2027-01-01', kind: 'off', name: 'x' }], 'kind');
      assert.deepEqual((await year(2027)).days, []);
    });
  });
}
