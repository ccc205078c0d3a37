/**
 * Open311 GeoReport v2 at /open311/v2 on the real app: discovery, services and their definitions,
 * requests posted by an application with its govhub API token (form-encoded, attribute[…], JSON too),
 * read back by filters and by id, tokens — each in JSON and XML, with the spec's errors; the reporter's
 * name and phone are kept but never shown.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import type { LightMyRequestResponse } from 'fastify';
import { drivers } from '../../helpers/platform.ts';
import { openCity, type City } from '../../helpers/city.ts';

const LISTS = ['service', 'request', 'error', 'endpoint', 'format', 'attribute', 'value'];
const xml = new XMLParser({ isArray: (name) => LISTS.includes(name), parseTagValue: false });

const REQUEST_FIELDS = ['service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice',
  'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url'];
const SERVICE_FIELDS = ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'];
const OFFSET_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/;

/** The reporter as posted: kept, never shown. */
const REPORTER = { first_name: '小明', last_name: '王', phone: '13812345678', email: 'wang.xiaoming@example.com' };
const SECRETS = ['王小明', '小明', '13812345678', 'wang.xiaoming@example.com'];

for (const driver of drivers()) {
  describe(`Open311 GeoReport v2 (${driver})`, () => {
    let c: City;
    let apiKey: string;
    let otherKey: string;
    let sessionKey: string;
    const seen: string[] = [];

    const call = async (method: 'GET' | 'POST', path: string, opts: { form?: Record<string, string | string[]>; json?: unknown; raw?: string } = {}) => {
      let payload: string | undefined;
      const headers: Record<string, string> = {};
      if (opts.form) {
        const p = new URLSearchParams();
        for (const [k, v] of Object.entries(opts.form)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
        payload = p.toString();
        headers['content-type'] = 'application/x-www-form-urlencoded';
      } else if (opts.raw !== undefined) {
        payload = opts.raw;
        headers['content-type'] = 'application/x-www-form-urlencoded';
      } else if (opts.json !== undefined) {
        payload = JSON.stringify(opts.json);
        headers['content-type'] = 'application/json';
      }
      const r = await c.app.inject({ method, url: `/open311/v2${path}`, payload, headers });
      seen.push(r.body);
      return r;
    };
    const json = (r: LightMyRequestResponse, status = 200) => {
      assert.equal(r.statusCode, status, r.body);
      assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
      return r.json();
    };
    const parsed = (r: LightMyRequestResponse, status = 200) => {
      assert.equal(r.statusCode, status, r.body);
      assert.equal(r.headers['content-type'], 'text/xml; charset=utf-8');
      assert.match(r.body, /^<\?xml version="1\.0" encoding="UTF-8"\?>/);
      return xml.parse(r.body);
    };
    /** A JSON error of the spec: a list of {code, description}, the code the HTTP status. */
    const jsonError = (r: LightMyRequestResponse, status: number, mentions: RegExp) => {
      const body = json(r, status);
      assert.ok(Array.isArray(body) && body.length >= 1, r.body);
      for (const e of body) assert.deepEqual(Object.keys(e).sort(), ['code', 'description']);
      assert.equal(body[0].code, status);
      assert.match(body.map((e: { description: string }) => e.description).join(' '), mentions);
    };

    const base = (extra: Record<string, string | string[]> = {}) => ({
      api_key: apiKey, service_code: 'BJ0101', lat: '30.2501', long: '120.1702', 'attribute[STATE]': 'damaged',
      description: '解放路与建国路口的上水井盖破损，行人容易踩空', ...extra,
    });
    const post = async (extra: Record<string, string | string[]> = {}) => json(await call('POST', '/requests.json', { form: base(extra) }), 201)[0] as { service_request_id: string; token: string; service_notice: string; account_id: string | null };
    const row = async (code: string) => (await c.t.p.db.one<Record<string, unknown>>('SELECT * FROM cases WHERE code = $1', [code]))!;

    before(async () => {
      c = await openCity(driver);
      const token = async (as: typeof c.admin, name: string) => {
        const r = await c.req('POST', '/tokens', as, { name, expiresInDays: 30 });
        assert.equal(r.statusCode, 201, r.body);
        return r.json().token as string;
      };
      apiKey = await token(c.officers.GA, '随手拍 App');
      otherKey = await token(c.officers.CL, '另一个应用');
      sessionKey = c.officers.GA.authorization.replace(/^Bearer /, '');
    });
    after(() => c.close());

    test('discovery names the GeoReport v2 endpoint, its formats and where keys come from', async () => {
      const d = json(await call('GET', '/discovery.json'));
      assert.deepEqual(Object.keys(d).sort(), ['changeset', 'contact', 'endpoints', 'key_service']);
      assert.match(d.changeset, OFFSET_TIME);
      assert.match(d.key_service, /\/system\/tokens/);
      assert.equal(d.endpoints.length, 1);
      const e = d.endpoints[0];
      assert.deepEqual(Object.keys(e).sort(), ['changeset', 'formats', 'specification', 'type', 'url']);
      assert.equal(e.specification, 'http://wiki.open311.org/GeoReport_v2');
      assert.match(e.url, /\/open311\/v2$/);
      assert.equal(e.type, 'production');
      assert.deepEqual(e.formats.sort(), ['application/json', 'text/xml']);
      const x = parsed(await call('GET', '/discovery.xml'));
      assert.deepEqual(Object.keys(x.discovery).sort(), ['changeset', 'contact', 'endpoints', 'key_service']);
      assert.equal(x.discovery.endpoints.endpoint[0].specification, 'http://wiki.open311.org/GeoReport_v2');
      assert.deepEqual(x.discovery.endpoints.endpoint[0].formats.format.sort(), ['application/json', 'text/xml']);
    });

    test('services: the categories a report can name, in JSON and XML', async () => {
      const list = json(await call('GET', '/services.json')) as Record<string, unknown>[];
      assert.ok(Array.isArray(list) && list.length > 20, 'a list');
      for (const s of list) assert.deepEqual(Object.keys(s).sort(), [...SERVICE_FIELDS].sort());
      const cover = list.find((s) => s.service_code === 'BJ0101')!;
      assert.equal(cover.service_name, '上水井盖');
      assert.equal(cover.group, '公用设施', 'grouped by the parent category');
      assert.equal(cover.type, 'realtime');
      assert.equal(cover.metadata, true);
      assert.match(String(cover.keywords), /井盖/);
      assert.ok(!list.some((s) => s.service_code === 'BJ01'), 'a first-level component is a group, not a service');
      assert.ok(list.some((s) => String(s.service_code).startsWith('SJ')), 'events are services');
      const hotline = list.find((s) => String(s.service_code).startsWith('RX'));
      assert.ok(hotline, '12345 categories are services');
      assert.equal(hotline.group, '12345热线');

      const x = parsed(await call('GET', '/services.xml'));
      assert.deepEqual(Object.keys(x), ['?xml', 'services']);
      assert.deepEqual(Object.keys(x.services), ['service']);
      assert.equal(x.services.service.length, list.length);
      const xc = x.services.service.find((s: Record<string, string>) => s.service_code === 'BJ0101');
      assert.deepEqual(Object.keys(xc).sort(), [...SERVICE_FIELDS].sort());
      assert.equal(xc.metadata, 'true');
      assert.equal(xc.service_name, '上水井盖');
    });

    test('a service definition lists its attributes; an unknown service is a 404 error', async () => {
      const d = json(await call('GET', '/services/BJ0101.json'));
      assert.equal(d.service_code, 'BJ0101');
      const codes = d.attributes.map((a: { code: string }) => a.code);
      assert.deepEqual(codes, ['NOTICE', 'URGENT', 'STATE', 'COUNT']);
      assert.deepEqual(d.attributes.map((a: { order: number }) => a.order), [1, 2, 3, 4]);
      const state = d.attributes.find((a: { code: string }) => a.code === 'STATE');
      assert.deepEqual(Object.keys(state).sort(), ['code', 'datatype', 'datatype_description', 'description', 'order', 'required', 'values', 'variable']);
      assert.deepEqual([state.variable, state.datatype, state.required], [true, 'singlevaluelist', true]);
      assert.deepEqual(state.values.map((v: { key: string }) => v.key), ['damaged', 'missing', 'displaced', 'other']);
      assert.match(state.values[0].name, /破损/);
      assert.equal(d.attributes[0].variable, false, 'the notice is information, not a question');
      const event = json(await call('GET', '/services/SJ0101.json'));
      assert.deepEqual(event.attributes.find((a: { code: string }) => a.code === 'IMPACT').datatype, 'multivaluelist');
      for (const a of event.attributes) assert.ok(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'].includes(a.datatype));

      const x = parsed(await call('GET', '/services/BJ0101.xml'));
      assert.deepEqual(Object.keys(x.service_definition).sort(), ['attributes', 'service_code']);
      const xs = x.service_definition.attributes.attribute.find((a: { code: string }) => a.code === 'STATE');
      assert.equal(xs.required, 'true');
      assert.deepEqual(xs.values.value.map((v: { key: string }) => v.key), ['damaged', 'missing', 'displaced', 'other']);

      jsonError(await call('GET', '/services/NOPE99.json'), 404, /service_code/);
      const xe = parsed(await call('GET', '/services/NOPE99.xml'), 404);
      assert.deepEqual(Object.keys(xe), ['?xml', 'errors']);
      assert.equal(xe.errors.error[0].code, '404');
      assert.match(xe.errors.error[0].description, /NOPE99/);
    });

    test('POST form-encoded with attribute[…] and lat/long: a case of the open311 channel, its number as service_request_id', async () => {
      const r = await post({ ...REPORTER, 'attribute[COUNT]': '2', 'attribute[URGENT]': 'yes', media_url: 'https://img.example.org/cover.jpg', account_id: 'acc-7' });
      assert.match(r.service_request_id, /^AJ-\d{8}-\d{5}$/);
      assert.match(r.token, /^[0-9a-f-]{36}$/);
      assert.equal(r.account_id, 'acc-7');
      assert.match(r.service_notice, /工作日/);
      const k = await row(r.service_request_id);
      assert.equal(k.id, r.token);
      assert.equal(k.channel, 'open311');
      assert.equal(k.category_code, 'BJ0101');
      assert.equal(k.urgency, 'urgent', 'attribute[URGENT]=yes');
      assert.deepEqual([k.lat, k.lng], [30.2501, 120.1702]);
      assert.equal(k.media_url, 'https://img.example.org/cover.jpg');
      assert.deepEqual(k.attributes, { STATE: 'damaged', COUNT: 2, URGENT: 'yes', account_id: 'acc-7' });
      assert.equal(k.reporter_name, '王小明', 'the spec\'s first and last name are the reporter');
      assert.equal(k.reporter_phone, '13812345678');
      assert.ok(k.client_token_id, 'the application that reported');
      assert.ok(!JSON.stringify(k).includes(REPORTER.email), 'the e-mail address is not kept');

      // the same report again at the same spot: the notice points at the earlier one
      const again = await post({ 'attribute[COUNT]': '2' });
      assert.match(again.service_notice, new RegExp(`类似报告 ${r.service_request_id}`), again.service_notice);

      // XML, an event with a list attribute
      const x = parsed(await call('POST', '/requests.xml', { form: base({ service_code: 'SJ0101', 'attribute[STATE]': [], 'attribute[IMPACT][]': ['traffic', 'noise'], 'attribute[DURATION]': 'days' }) }), 201);
      assert.deepEqual(Object.keys(x), ['?xml', 'service_requests']);
      const xr = x.service_requests.request[0];
      assert.match(xr.service_request_id, /^AJ-/);
      assert.deepEqual((await row(xr.service_request_id)).attributes, { IMPACT: ['traffic', 'noise'], DURATION: 'days' });

      // JSON bodies too, with the attributes as an object; an address alone is a location
      const j = json(await call('POST', '/requests.json', { json: { api_key: apiKey, service_code: 'BJ0118', address_string: '上城区解放路 100 号门口', attribute: { STATE: 'other' }, description: '路灯晚上不亮已经三天了' } }), 201);
      const jr = await row(j[0].service_request_id);
      assert.deepEqual([jr.address, jr.lat, jr.category_code], ['上城区解放路 100 号门口', null, 'BJ0118']);
    });

    test('errors in the spec\'s format: no or bad api_key 403, missing or unknown service_code, bad lat, attributes 400', async () => {
      const { api_key: _, ...noKey } = base();
      jsonError(await call('POST', '/requests.json', { form: noKey }), 403, /api_key/);
      jsonError(await call('POST', '/requests.json', { form: base({ api_key: 'gha_notatoken' }) }), 403, /api_key/);
      jsonError(await call('POST', '/requests.json', { form: base({ api_key: sessionKey }) }), 403, /API/);
      const x = parsed(await call('POST', '/requests.xml', { form: noKey }), 403);
      assert.equal(x.errors.error[0].code, '403');
      const { service_code: __, ...noService } = base();
      jsonError(await call('POST', '/requests.json', { form: noService }), 400, /service_code/);
      jsonError(await call('POST', '/requests.json', { form: base({ service_code: 'NOPE99' }) }), 400, /service_code.*NOPE99/);
      jsonError(await call('POST', '/requests.json', { form: base({ service_code: 'BJ01' }) }), 400, /service_code/);
      jsonError(await call('POST', '/requests.json', { form: base({ lat: 'abc' }) }), 400, /^lat/);
      jsonError(await call('POST', '/requests.json', { form: base({ lat: '95' }) }), 400, /^lat/);
      jsonError(await call('POST', '/requests.json', { form: base({ long: '' }) }), 400, /long/);
      const { lat: ___, long: ____, ...nowhere } = base();
      jsonError(await call('POST', '/requests.json', { form: nowhere }), 400, /address_string/);
      jsonError(await call('POST', '/requests.json', { form: base({ 'attribute[STATE]': '' }) }), 400, /attribute\[STATE\]/);
      jsonError(await call('POST', '/requests.json', { form: base({ 'attribute[STATE]': 'melted' }) }), 400, /attribute\[STATE\].*damaged/);
      jsonError(await call('POST', '/requests.json', { form: base({ 'attribute[COUNT]': 'many' }) }), 400, /attribute\[COUNT\]/);
      jsonError(await call('POST', '/requests.json', { form: base({ 'attribute[COLOUR]': 'red' }) }), 400, /attribute\[COLOUR\]/);
      jsonError(await call('POST', '/requests.json', { form: base({ service_code: 'SJ0101', 'attribute[STATE]': [], 'attribute[IMPACT][]': ['traffic', 'floods'] }) }), 400, /attribute\[IMPACT\].*floods/);
      jsonError(await call('POST', '/requests.json', { form: base({ phone: '12345' }) }), 400, /^phone/);
      jsonError(await call('POST', '/requests.json', { form: base({ media_url: 'javascript:alert(1)' }) }), 400, /media_url/);
      const before = (await c.t.p.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM cases`))!.n;
      jsonError(await call('POST', '/requests.json', { form: base({ 'attribute[STATE]': 'melted' }) }), 400, /STATE/);
      assert.equal((await c.t.p.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM cases`))!.n, before, 'nothing written');
      // the platform's own errors are not problem+json here
      const nf = await call('GET', '/nothing-here.json');
      jsonError(nf, 404, /nothing-here/);
      jsonError(await call('GET', '/services.csv'), 400, /format/);
    });

    test('jurisdiction_id: the city\'s code is accepted, another one is a 404 error', async () => {
      json(await call('GET', '/services.json?jurisdiction_id=330100'));
      jsonError(await call('GET', '/services.json?jurisdiction_id=110100'), 404, /jurisdiction_id/);
      jsonError(await call('GET', '/requests.json?jurisdiction_id=110100'), 404, /jurisdiction_id/);
      jsonError(await call('POST', '/requests.json', { form: base({ jurisdiction_id: '110100' }) }), 404, /jurisdiction_id/);
      const ok = await post({ jurisdiction_id: '330100' });
      assert.match(ok.service_request_id, /^AJ-/);
    });

    test('GET requests/{id} in JSON and XML; an unknown id is a 404 error; tokens map to the id', async () => {
      const p = await post({ ...REPORTER, description: '我是王小明，电话13812345678，小区门口井盖丢了' });
      const one = json(await call('GET', `/requests/${p.service_request_id}.json`));
      assert.equal(one.length, 1);
      const r = one[0];
      assert.deepEqual(Object.keys(r).sort(), [...REQUEST_FIELDS].sort(), 'public fields only: no token or account without the api_key');
      assert.equal(r.service_request_id, p.service_request_id);
      assert.deepEqual([r.status, r.service_code, r.service_name], ['open', 'BJ0101', '上水井盖']);
      assert.match(r.status_notes, /受理/);
      assert.match(r.requested_datetime, /\+08:00$/);
      assert.match(r.updated_datetime, OFFSET_TIME);
      assert.deepEqual([r.lat, r.long], [30.2501, 120.1702]);
      assert.match(r.description, /138\*{4}5678/, 'numbers in the text are masked');
      assert.match(r.description, /王\*明/, 'so is the reporter\'s name');

      const x = parsed(await call('GET', `/requests/${p.service_request_id}.xml`));
      assert.deepEqual(Object.keys(x), ['?xml', 'service_requests']);
      const xr = x.service_requests.request[0];
      assert.deepEqual(Object.keys(xr).sort(), [...REQUEST_FIELDS].sort());
      assert.equal(xr.service_request_id, p.service_request_id);
      assert.equal(xr.long, '120.1702');

      const mine = json(await call('GET', `/requests/${p.service_request_id}.json?api_key=${encodeURIComponent(apiKey)}`))[0];
      assert.equal(mine.token, p.token, 'the reporting application sees its token');
      const others = json(await call('GET', `/requests/${p.service_request_id}.json?api_key=${encodeURIComponent(otherKey)}`))[0];
      assert.equal(others.token, undefined, 'another application does not');
      jsonError(await call('GET', `/requests/${p.service_request_id}.json?api_key=gha_bad`), 403, /api_key/);

      jsonError(await call('GET', '/requests/AJ-19990101-00001.json'), 404, /AJ-19990101-00001/);
      assert.equal(parsed(await call('GET', '/requests/AJ-19990101-00001.xml'), 404).errors.error[0].code, '404');

      assert.deepEqual(json(await call('GET', `/tokens/${p.token}.json`)), [{ service_request_id: p.service_request_id, token: p.token }]);
      const xt = parsed(await call('GET', `/tokens/${p.token}.xml`));
      assert.deepEqual(xt.service_requests.request[0], { service_request_id: p.service_request_id, token: p.token });
      jsonError(await call('GET', '/tokens/0190a6a4-0000-7000-8000-000000000000.json'), 404, /token/);
    });

    test('GET requests: by service, status, date window and a list of ids; dispatch, invalid and merged cases', async () => {
      const a = await post({ service_code: 'BJ0118', 'attribute[STATE]': 'damaged', description: '路灯灯杆倾斜，存在倒塌危险' });
      const b = await post({ description: '上水井盖缺了一角，晚上看不清' });
      const m = await post({ description: '上水井盖破了一个洞，小孩容易掉进去' });
      const z = await post({ description: '井盖周边路面塌陷一大块' });
      // the dispatch centre (民政局 here) sends a to 公安局, finds z not valid, merges m into b
      assert.equal((await c.req('PUT', '/cases/centre', c.admin, { departmentId: c.dept.MZ })).statusCode, 204);
      const d = await c.req('POST', `/cases/${a.token}/dispatch`, c.officers.MZ, { category: 'BJ0118', departmentId: c.dept.GA });
      assert.equal(d.statusCode, 200, d.body);
      assert.equal((await c.req('POST', `/cases/${z.token}/invalidate`, c.officers.MZ, { reason: '重复反映，已在其他渠道处理' })).statusCode, 200);
      const mg = await c.req('POST', `/cases/${m.token}/merge`, c.officers.MZ, { into: b.token });
      assert.equal(mg.statusCode, 200, mg.body);

      const byId = async (id: string, query = '') => json(await call('GET', `/requests.json?service_request_id=${id}${query}`))[0];
      const ra = await byId(a.service_request_id);
      assert.equal(ra.status, 'open');
      assert.equal(ra.agency_responsible, '公安局');
      assert.match(ra.status_notes, /承办|department/);
      assert.match(ra.expected_datetime, OFFSET_TIME, 'the time limit of the dispatched case');
      assert.equal((await byId(z.service_request_id)).status, 'closed', 'invalid is closed');
      const rm = await byId(m.service_request_id);
      assert.equal(rm.status, 'closed', 'merged is closed');
      assert.match(rm.status_notes, new RegExp(b.service_request_id), 'naming the main case');

      const ids = [a.service_request_id, z.service_request_id].join(',');
      const listed = json(await call('GET', `/requests.json?service_request_id=${ids}&status=open&service_code=XX`));
      assert.deepEqual(listed.map((r: { service_request_id: string }) => r.service_request_id).sort(), [a.service_request_id, z.service_request_id].sort(), 'ids override the other filters');

      const lamps = json(await call('GET', '/requests.json?service_code=BJ0118'));
      assert.ok(lamps.length >= 2 && lamps.every((r: { service_code: string }) => r.service_code === 'BJ0118'));
      const open = json(await call('GET', '/requests.json?status=open'));
      const closed = json(await call('GET', '/requests.json?status=closed'));
      assert.ok(open.every((r: { status: string }) => r.status === 'open') && open.some((r: { service_request_id: string }) => r.service_request_id === a.service_request_id));
      assert.deepEqual(closed.map((r: { service_request_id: string }) => r.service_request_id).sort(), [m.service_request_id, z.service_request_id].sort());
      const all = json(await call('GET', '/requests.json?status=open,closed'));
      assert.equal(all.length, open.length + closed.length);
      const times = all.map((r: { requested_datetime: string }) => Date.parse(r.requested_datetime));
      assert.deepEqual(times, [...times].sort((x: number, y: number) => y - x), 'newest first');
      jsonError(await call('GET', '/requests.json?status=pending'), 400, /status/);

      // the window: the last 90 days by default; at most 90 days wide
      await c.t.p.db.query(`UPDATE cases SET reported_at = now() - interval '120 days' WHERE code = $1`, [b.service_request_id]);
      const recent = json(await call('GET', '/requests.json'));
      assert.ok(!recent.some((r: { service_request_id: string }) => r.service_request_id === b.service_request_id), 'older than 90 days');
      assert.ok(recent.some((r: { service_request_id: string }) => r.service_request_id === a.service_request_id));
      const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
      const old = json(await call('GET', `/requests.json?start_date=${day(130)}&end_date=${day(110)}`));
      assert.deepEqual(old.map((r: { service_request_id: string }) => r.service_request_id), [b.service_request_id]);
      assert.equal(json(await call('GET', `/requests.json?start_date=${day(-1)}`)).length, 0, 'nothing from tomorrow on');
      jsonError(await call('GET', `/requests.json?start_date=${day(200)}&end_date=${day(1)}`), 400, /90/);
      jsonError(await call('GET', `/requests.json?start_date=${day(1)}&end_date=${day(2)}`), 400, /start_date/);
      jsonError(await call('GET', '/requests.json?start_date=yesterday'), 400, /start_date/);
      const x = parsed(await call('GET', '/requests.xml?status=closed'));
      assert.deepEqual(x.service_requests.request.map((r: { service_request_id: string }) => r.service_request_id).sort(), [m.service_request_id, z.service_request_id].sort());
    });

    test('never the reporter\'s name, phone or e-mail in any answer', async () => {
      const p = await post({ ...REPORTER, description: '楼下井盖松动，车过时响声很大' });
      for (const path of [`/requests/${p.service_request_id}.json`, `/requests/${p.service_request_id}.xml`, '/requests.json', '/requests.xml', `/requests.json?api_key=${encodeURIComponent(apiKey)}`]) {
        const r = await call('GET', path);
        assert.equal(r.statusCode, 200, r.body);
      }
      const k = await row(p.service_request_id);
      assert.deepEqual([k.reporter_name, k.reporter_phone], ['王小明', '13812345678'], 'kept');
      for (const body of seen) for (const s of SECRETS) assert.ok(!body.includes(s), `"${s}" in ${body.slice(0, 200)}`);
    });

    test('listed in the OpenAPI document under open311, public and rate-limited', async () => {
      const doc = (await c.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
      const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/open311/v2/'));
      for (const p of ['/open311/v2/discovery.{format}', '/open311/v2/services.{format}', '/open311/v2/services/{service_code}.{format}', '/open311/v2/requests.{format}', '/open311/v2/requests/{service_request_id}.{format}', '/open311/v2/tokens/{token}.{format}']) {
        assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
      }
      assert.deepEqual(doc.paths['/open311/v2/requests.{format}'].post.tags, ['open311']);
      const r = await call('GET', '/services.json');
      assert.ok(r.headers['x-ratelimit-limit'], 'counted by the rate limiter');
    });
  });
}
