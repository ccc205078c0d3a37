/**
 * Cases under attack: another department, a grid worker or another citizen trying to read, list,
 * count or change a case not given to them; the public follow-up as an oracle (a wrong phone and a
 * missing number must answer alike); channels that need a role; photos that lie about their type,
 * over-size photos, an upload key for another case; a LIKE pattern in the search; and an Open311
 * media_url, which is recorded and never fetched (no request to a host a reporter names).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../helpers/platform.ts';
import { openCaseCity, type CaseCity } from '../helpers/caseCity.ts';
import { upload } from '../helpers/upload.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d1c2a40000000049454e44ae426082', 'hex');

for (const driver of drivers()) {
  describe(`cases under attack (${driver})`, () => {
    let c: CaseCity;
    let k: { id: string; code: string; uploadKey: string };
    let other: { id: string; code: string; uploadKey: string };
    before(async () => {
      c = await openCaseCity(driver);
      k = await c.report(c.as.citizen, { text: '公安局门口停车场收费过高，乱收费', reporterPhone: '13811112222' });
      await c.ok('POST', `/cases/${k.id}/dispatch`, c.as.rx, { category: await c.category('公安政法'), departmentId: c.dept.GA });
      other = await c.report(undefined, { text: '路边井盖缺失，晚上很危险', reporterPhone: '13833334444' });
    });
    after(() => c.close());

    test('another department neither reads, lists, counts nor changes a case it was not given', async () => {
      for (const [m, url, body] of [
        ['GET', `/cases/${k.id}`, undefined], ['GET', `/cases/${k.id}/duplicates`, undefined], ['POST', `/cases/${k.id}/accept`, {}],
        ['POST', `/cases/${k.id}/answer`, { answer: '已处理，谢谢反映' }], ['POST', `/cases/${k.id}/return`, { reason: '不归我们管' }],
        ['POST', `/cases/${k.id}/category`, { category: 'RX01' }], ['POST', `/cases/${k.id}/extensions`, { days: 3, reason: '需要时间' }],
      ] as const) {
        const r = await c.req(m, url, c.as.mz, body);
        assert.equal(r.statusCode, 404, `${m} ${url}: ${r.body}`);
      }
      assert.equal((await c.req('GET', '/cases?scope=all', c.as.mz)).statusCode, 403);
      const filtered = await c.ok('GET', `/cases?scope=department&department=${c.dept.GA}`, c.as.mz);
      assert.equal(filtered.total, 0, 'filtering on another department lists nothing');
      const stats = await c.ok('GET', `/cases/stats?by=department&department=${c.dept.GA}`, c.officers.MZ);
      assert.equal(stats.total.cases, 0, 'nor counts it');
      const spots = await c.ok('GET', `/cases/stats/hotspots?department=${c.dept.GA}`, c.officers.MZ);
      assert.deepEqual([spots.grid.length, spots.district.length, spots.points.length], [0, 0, 0]);
      assert.equal((await c.req('GET', '/cases/callers?phone=13811112222', c.as.mz)).statusCode, 403, 'no caller history outside the centre');
      assert.equal((await c.req('GET', `/cases/${k.id}`, c.as.ga)).statusCode, 200, 'the department it was given reads it');
    });

    test('a citizen or grid worker sees only their own reports', async () => {
      const r = await c.req('POST', '/users', c.admin, { username: 'citizen_li', displayName: '李四', password: 'officer-pass-2026', role: 'citizen' });
      assert.equal(r.statusCode, 201, r.body);
      const { login } = await import('../helpers/server.ts');
      const li = await login(c.app, 'citizen_li', 'officer-pass-2026');
      assert.equal((await c.req('GET', `/cases/${k.id}`, li)).statusCode, 404);
      assert.equal((await c.req('POST', `/cases/${k.id}/rate`, li, { satisfaction: 'unsatisfied' })).statusCode, 404);
      assert.equal((await c.ok('GET', '/cases', li)).total, 0, 'a citizen lists only their own');
      assert.equal((await c.req('GET', '/cases?scope=all', li)).statusCode, 403);
      assert.equal((await c.req('GET', `/cases/${k.id}`, c.as.mz)).statusCode, 404, 'a handler of another department');
    });

    test('the public follow-up is no oracle: a wrong phone answers as a missing number does', async () => {
      const wrong = await c.req('GET', `/cases/track?code=${k.code}&phone=13800000000`);
      const missing = await c.req('GET', '/cases/track?code=AJ-20000101-00001&phone=13800000000');
      assert.equal(wrong.statusCode, 404);
      assert.equal(missing.statusCode, 404);
      const strip = (b: string) => JSON.stringify({ ...JSON.parse(b), instance: undefined, detail: (JSON.parse(b).detail as string).replace(/AJ-\d{8}-\d{5}/g, 'CODE') });
      assert.equal(strip(wrong.body), strip(missing.body));
      const rate = await c.req('POST', '/cases/track/rate', undefined, { code: k.code, phone: '13800000000', satisfaction: 'unsatisfied' });
      assert.equal(rate.statusCode, 404);
      const t = await c.ok('GET', `/cases/track?code=${k.code}&phone=13811112222`, undefined);
      assert.ok(!JSON.stringify(t).includes('13811112222'));
    });

    test('channels that need a role refuse others', async () => {
      for (const channel of ['hotline', 'grid', 'import', 'open311']) {
        const anon = await c.req('POST', '/cases', undefined, { channel, text: '测试渠道权限的反映内容', reporterPhone: '13800000001' });
        assert.equal(anon.statusCode, 401, `${channel}: ${anon.body}`);
      }
      const citizenHotline = await c.req('POST', '/cases', c.as.citizen, { channel: 'hotline', text: '测试渠道权限的反映内容' });
      assert.equal(citizenHotline.statusCode, 403);
      const gaHotline = await c.req('POST', '/cases', c.officers.GA, { channel: 'hotline', text: '测试渠道权限的反映内容' });
      assert.equal(gaHotline.statusCode, 403, 'only the centre takes hotline calls');
      const noPhone = await c.req('POST', '/cases', undefined, { channel: 'web', text: '匿名反映但没有留电话' });
      assert.equal(noPhone.statusCode, 400);
      assert.equal(noPhone.json().errors[0].field, 'reporterPhone');
    });

    test('photos: content that lies, over-size files, another case\'s key, traversal in the name', async () => {
      const put = (id: string, key: string, name: string, data: Buffer) => upload(c.app, `/cases/${id}/photos?key=${encodeURIComponent(key)}`, undefined as never, name, data);
      assert.equal((await put(other.id, other.uploadKey, 'x.png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))).statusCode, 415);
      assert.equal((await put(other.id, other.uploadKey, 'x.pdf', Buffer.from('%PDF-1.4\n%%EOF\n'))).statusCode, 415, 'only images');
      assert.equal((await put(other.id, other.uploadKey, 'x.jpg', PNG)).statusCode, 415, 'the extension must match the content');
      assert.equal((await put(other.id, k.uploadKey, 'x.png', PNG)).statusCode, 401, 'a key opens only its own case');
      assert.equal((await put(other.id, other.uploadKey, 'big.png', Buffer.concat([PNG, Buffer.alloc(11 * 1024 * 1024)]))).statusCode, 413);
      const ok = await put(other.id, other.uploadKey, '../../../../etc/passwd.png', PNG);
      assert.equal(ok.statusCode, 201, ok.body);
      assert.equal(ok.json().name, 'passwd.png');
      const rows = await c.t.p.db.query<{ n: number }>('SELECT count(*)::int AS n FROM case_photos WHERE case_id = $1', [other.id]);
      assert.equal(rows[0]!.n, 1, 'only the good photo was kept');
    });

    test('a LIKE pattern in the search is text, not a wildcard', async () => {
      const all = await c.ok('GET', '/cases?q=%25', c.as.rx);
      assert.equal(all.total, 0, '"%" matches only a literal percent sign');
      const inj = await c.ok('GET', `/cases?q=${encodeURIComponent("' OR 1=1 --")}`, c.as.rx);
      assert.equal(inj.total, 0);
    });

    test('an Open311 media_url is recorded, never fetched', async () => {
      let hits = 0;
      const srv = http.createServer((_q, s) => {
        hits++;
        s.end('x');
      });
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
      const port = (srv.address() as { port: number }).port;
      try {
        const t = await c.ok('POST', '/tokens', c.officers.GA, { name: 'open311 client', expiresInDays: 30 }, 201);
        const form = new URLSearchParams({ api_key: t.token, service_code: 'RX01', description: '小区门口道路破损严重', lat: '30.25', long: '120.17', media_url: `http://127.0.0.1:${port}/photo.jpg` });
        const r = await c.app.inject({ method: 'POST', url: '/open311/v2/requests.json', payload: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        assert.equal(r.statusCode, 201, r.body);
        await new Promise((res) => setTimeout(res, 500));
        assert.equal(hits, 0, 'the platform made no request to the reporter\'s host');
        const row = await c.t.p.db.one<{ media_url: string }>('SELECT media_url FROM cases WHERE code = $1', [r.json()[0].service_request_id]);
        assert.equal(row!.media_url, `http://127.0.0.1:${port}/photo.jpg`);
      } finally {
        srv.close();
      }
    });
  });
}
