/**
 * Cases end to end through the API, on PGlite and PostgreSQL: report → dispatch → accept → answer →
 * rate; a return goes back to the dispatcher and re-dispatching moves the case; 不满意 reopens;
 * merged duplicates each get their answer (and their reporters follow and rate by number and phone);
 * extensions move the due date in working days; caller history and masking; photos; bulk import;
 * another department neither reads nor changes a case it was not given.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import iconv from 'iconv-lite';
import { calendar } from '../../../../src/calendar/index.ts';
import { drivers } from '../../../helpers/platform.ts';
import { openCaseCity, type CaseCity } from '../../../helpers/caseCity.ts';
import { upload } from '../../../helpers/upload.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d1c2a40000000049454e44ae426082', 'hex');
const TEXT = '西湖区文三路与学院路交叉口东北角人行道上垃圾堆积多日无人清运，气味很大，影响行人通行';

for (const driver of drivers()) {
  describe(`cases (${driver})`, () => {
    let c: CaseCity;
    let cx: string; // 城乡建设
    before(async () => {
      c = await openCaseCity(driver);
      cx = await c.category('城乡建设');
    });
    after(() => c.close());

    const dispatch = (id: string, dept = 'GA', body: Record<string, unknown> = {}) => c.ok('POST', `/cases/${id}/dispatch`, c.as.rx, { category: cx, departmentId: c.dept[dept], ...body });

    test('a citizen reports, the centre dispatches, the department accepts and answers, the citizen rates and the case closes', async () => {
      const r = await c.report(c.as.citizen, { text: TEXT, address: '西湖区文三路 100 号' });
      assert.match(r.code, /^AJ-\d{8}-\d{5}$/);
      let k = await c.ok('GET', `/cases/${r.id}`, c.as.rx);
      assert.equal(k.status, 'pending');
      assert.equal(k.channel, 'web');
      assert.deepEqual(k.actions.sort(), ['dispatch', 'invalidate', 'merge', 'recategorize'].sort());
      assert.equal((await c.req('POST', `/cases/${r.id}/dispatch`, c.as.operator, { category: cx, departmentId: c.dept.GA })).statusCode, 403, 'a hotline operator does not dispatch');
      assert.equal((await c.req('GET', `/cases/${r.id}`, c.as.ga)).statusCode, 404, 'not given to GA yet');

      k = await dispatch(r.id);
      assert.equal(k.status, 'dispatched');
      assert.equal(k.department.code, 'GA');
      assert.equal(k.category.code, cx);
      assert.match(k.workOrder, /^GD-/);
      const days = (await c.ok('GET', '/case-categories', c.admin)).find((x: { code: string }) => x.code === cx).days.normal;
      const cal = await calendar.load(c.t.p);
      assert.equal(k.dueAt, cal.addWorkingDays(new Date(k.dispatchedAt), days).toISOString(), 'due after the category\'s working days');

      const list = await c.ok('GET', '/cases?scope=department', c.as.ga);
      assert.ok(list.items.some((x: { id: string }) => x.id === r.id), 'GA lists it');
      assert.equal((await c.req('GET', `/cases/${r.id}`, c.as.mz)).statusCode, 404, 'MZ does not see it');
      assert.equal((await c.req('POST', `/cases/${r.id}/accept`, c.as.mz, {})).statusCode, 404, 'MZ cannot accept it');
      assert.equal((await c.req('POST', `/cases/${r.id}/answer`, c.officers.CL, { answer: '已处理完毕，谢谢' })).statusCode, 404, 'CL cannot answer it');
      assert.equal((await c.req('POST', `/workorders/${(await c.t.p.db.one<{ workorder_id: string }>('SELECT workorder_id FROM cases WHERE id = $1', [r.id]))!.workorder_id}/actions/start`, c.as.ga, {})).statusCode, 409,
        'a case\'s order moves only through the case');

      k = await c.ok('POST', `/cases/${r.id}/accept`, c.as.ga, {});
      assert.equal(k.status, 'handling');
      assert.ok(k.acceptedAt);
      k = await c.ok('POST', `/cases/${r.id}/answer`, c.as.ga, { answer: '已安排环卫人员清运，今后加强巡查。' });
      assert.equal(k.status, 'answered');
      assert.equal((await c.req('POST', `/cases/${r.id}/rate`, c.as.ga, { satisfaction: 'satisfied' })).statusCode, 403, 'the department does not rate itself');
      const mine = await c.ok('GET', '/cases?scope=mine', c.as.citizen);
      assert.deepEqual(mine.items.map((x: { id: string }) => x.id), [r.id], 'the citizen lists their own case');
      const seen = await c.ok('GET', `/cases/${r.id}`, c.as.citizen);
      assert.equal(seen.answer, '已安排环卫人员清运，今后加强巡查。');
      assert.ok(seen.events.every((e: { public: boolean }) => e.public), 'the citizen sees the public timeline only');
      k = await c.ok('POST', `/cases/${r.id}/rate`, c.as.citizen, { satisfaction: 'satisfied' });
      assert.equal(k.status, 'closed');
      assert.equal(k.satisfaction, 'satisfied');
      const order = await c.t.p.db.one<{ status: string }>('SELECT w.status FROM workorders w JOIN cases c ON c.workorder_id = w.id WHERE c.id = $1', [r.id]);
      assert.equal(order!.status, 'closed');
      const notice = await c.t.p.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM notices WHERE user_id = $1 AND kind = 'case.answered' AND object_id = $2`, [c.users.citizen_zhang, r.id]);
      assert.equal(notice!.n, 1, 'the reporter is told of the answer');
      assert.deepEqual((await c.events('case.dispatch', r.id)).length, 1);
    });

    test('a return goes back to the dispatcher; re-dispatching hands the case to another department', async () => {
      const r = await c.report(c.as.operator, { channel: 'hotline', text: '来电反映小区地下车库漏水严重，物业不处理', reporterPhone: '13800138001', reporterName: '王先生' });
      await dispatch(r.id);
      assert.equal((await c.req('POST', `/cases/${r.id}/return`, c.as.ga, { reason: '' })).statusCode, 400, 'a return needs its reason');
      let k = await c.ok('POST', `/cases/${r.id}/return`, c.as.ga, { reason: '不属于公安职责，应由住建部门处理' });
      assert.equal(k.status, 'returned');
      const queue = await c.ok('GET', '/cases?status=returned', c.as.rx);
      assert.ok(queue.items.some((x: { id: string }) => x.id === r.id), 'in the dispatcher\'s returned queue');
      const seen = await c.ok('GET', `/cases/${r.id}`, c.as.rx);
      assert.ok(seen.actions.includes('dispatch'));
      assert.equal(seen.returns, 1);
      assert.ok(seen.events.some((e: { action: string; note: string }) => e.action === 'return' && e.note.includes('住建')));
      const firstOrder = (await c.t.p.db.one<{ workorder_id: string }>('SELECT workorder_id FROM cases WHERE id = $1', [r.id]))!.workorder_id;
      k = await dispatch(r.id, 'MZ');
      assert.equal(k.department.code, 'MZ');
      assert.equal((await c.t.p.db.one<{ status: string }>('SELECT status FROM workorders WHERE id = $1', [firstOrder]))!.status, 'closed', 'the returned order is closed');
      assert.equal((await c.req('GET', `/cases/${r.id}`, c.as.ga)).statusCode, 404, 'GA no longer sees it');
      assert.equal((await c.ok('GET', `/cases/${r.id}`, c.as.mz)).status, 'dispatched');
    });

    test('不满意 reopens the case; a second answer rated 基本满意 closes it', async () => {
      const r = await c.report(c.as.citizen, { text: '楼下餐馆油烟直排，窗户都不敢开' });
      await dispatch(r.id, 'MZ');
      await c.ok('POST', `/cases/${r.id}/accept`, c.as.mz, {});
      await c.ok('POST', `/cases/${r.id}/answer`, c.as.mz, { answer: '已责令餐馆整改。' });
      let k = await c.ok('POST', `/cases/${r.id}/rate`, c.as.citizen, { satisfaction: 'unsatisfied', comment: '还在直排' });
      assert.equal(k.status, 'handling');
      assert.equal(k.reopens, 1);
      await c.ok('POST', `/cases/${r.id}/answer`, c.as.mz, { answer: '已安装油烟净化器并复查合格。' });
      k = await c.ok('POST', `/cases/${r.id}/rate`, c.as.citizen, { satisfaction: 'basic' });
      assert.equal(k.status, 'closed');
      assert.equal(k.answer, '已安装油烟净化器并复查合格。');
    });

    test('duplicates are proposed, merged, and every merged reporter gets the answer and may rate it', async () => {
      const a = await c.report(undefined, { text: TEXT, reporterPhone: '13900000001', lng: 120.1301, lat: 30.2801 });
      const b = await c.report(undefined, { text: `${TEXT}，请尽快处理`, reporterPhone: '13900000002', lng: 120.1305, lat: 30.2808 });
      assert.ok(b.duplicates.some((d) => d.id === a.id), 'the second report is warned of the first');
      const far = await c.report(undefined, { text: TEXT, reporterPhone: '13900000003', lng: 120.3, lat: 30.4 });
      assert.ok(!far.duplicates.some((d) => d.id === a.id), 'the same text 20 km away is no duplicate');
      assert.equal((await c.req('GET', `/cases/track?code=${b.code}&phone=13900000001`)).statusCode, 404, 'another phone cannot follow it');
      let m = await c.ok('POST', `/cases/${b.id}/merge`, c.as.rx, { into: a.id });
      assert.equal(m.status, 'merged');
      assert.equal(m.mergedInto, a.id);
      await dispatch(a.id);
      await c.ok('POST', `/cases/${a.id}/accept`, c.as.ga, {});
      const main = await c.ok('POST', `/cases/${a.id}/answer`, c.as.ga, { answer: '垃圾已清运，并增设了垃圾桶。' });
      assert.deepEqual(main.merged.map((x: { id: string }) => x.id), [b.id]);
      m = await c.ok('GET', `/cases/${b.id}`, c.as.rx);
      assert.equal(m.answer, '垃圾已清运，并增设了垃圾桶。', 'the merged report has the answer');
      const t = await c.ok('GET', `/cases/track?code=${b.code}&phone=13900000002`, undefined);
      assert.equal(t.answer, '垃圾已清运，并增设了垃圾桶。');
      assert.equal(t.canRate, true);
      assert.ok(!JSON.stringify(t).includes('13900000002'), 'the follow-up page shows no phone');
      const rated = await c.req('POST', '/cases/track/rate', undefined, { code: b.code, phone: '13900000002', satisfaction: 'satisfied' });
      assert.equal(rated.statusCode, 204, rated.body);
      const ta = await c.ok('GET', `/cases/track?code=${a.code}&phone=13900000001`, undefined);
      assert.equal(ta.answer, '垃圾已清运，并增设了垃圾桶。', 'the main reporter has it too');
      await c.req('POST', '/cases/track/rate', undefined, { code: a.code, phone: '13900000001', satisfaction: 'satisfied' });
      assert.equal((await c.ok('GET', `/cases/${a.id}`, c.as.rx)).status, 'closed');
      assert.equal((await c.ok('GET', `/cases/${b.id}`, c.as.rx)).satisfaction, 'satisfied');
    });

    test('an extension approved by the centre moves the due date by its working days', async () => {
      const r = await c.report(c.as.citizen, { text: '道路井盖破损，存在安全隐患' });
      const k = await dispatch(r.id);
      await c.ok('POST', `/cases/${r.id}/accept`, c.as.ga, {});
      assert.equal((await c.req('POST', `/cases/${r.id}/extensions`, c.as.ga, { days: 0, reason: '需要采购' })).statusCode, 400);
      const asked = await c.ok('POST', `/cases/${r.id}/extensions`, c.as.ga, { days: 3, reason: '需采购配件' });
      const ext = asked.extensions[0];
      assert.equal(ext.status, 'pending');
      assert.equal((await c.req('POST', `/cases/${r.id}/extensions/${ext.id}/decide`, c.as.ga, { approve: true })).statusCode, 403, 'the department does not approve its own');
      const done = await c.ok('POST', `/cases/${r.id}/extensions/${ext.id}/decide`, c.as.rx, { approve: true });
      const cal = await calendar.load(c.t.p);
      assert.equal(done.dueAt, cal.addWorkingDays(new Date(k.dueAt), 3).toISOString());
      assert.equal(done.extensions[0].status, 'approved');
    });

    test('caller history and masking: the centre sees the reporter; the department only with consent', async () => {
      const a = await c.report(c.as.operator, { channel: 'hotline', text: '反映公交站台广告牌松动', reporterPhone: '13700000009', reporterName: '李女士' });
      const b = await c.report(c.as.operator, { channel: 'hotline', text: '再次反映公交站台广告牌松动', reporterPhone: '13700000009', reporterName: '李女士', consent: true });
      const h = await c.ok('GET', '/cases/callers?phone=13700000009', c.as.operator);
      assert.equal(h.count, 2);
      assert.equal(h.name, '李女士');
      assert.equal((await c.req('GET', '/cases/callers?phone=13700000009', c.as.ga)).statusCode, 403);
      await dispatch(a.id);
      await dispatch(b.id);
      const ka = await c.ok('GET', `/cases/${a.id}`, c.as.ga);
      assert.deepEqual([ka.reporter.phone, ka.reporter.masked], ['137****0009', true]);
      assert.notEqual(ka.reporter.name, '李女士');
      const kb = await c.ok('GET', `/cases/${b.id}`, c.as.ga);
      assert.deepEqual([kb.reporter.phone, kb.reporter.name], ['13700000009', '李女士']);
      assert.equal((await c.ok('GET', `/cases/${a.id}`, c.as.rx)).reporter.phone, '13700000009');
    });

    test('photos: images only, with the upload key when there is no account', async () => {
      const r = await c.report(undefined, { text: '路灯不亮已经一周了', reporterPhone: '13600000001' });
      const put = (key: string, name: string, data: Buffer) => upload(c.app, `/cases/${r.id}/photos?key=${encodeURIComponent(key)}`, undefined as never, name, data);
      assert.equal((await put(r.uploadKey, 'a.png', PNG)).statusCode, 201);
      assert.equal((await put(r.uploadKey, 'a.html', Buffer.from('<html><script>alert(1)</script></html>'))).statusCode, 415);
      assert.equal((await put('1.forged', 'b.png', PNG)).statusCode, 401);
      const k = await c.ok('GET', `/cases/${r.id}`, c.as.rx);
      assert.equal(k.photos.length, 1);
      const p = await c.req('GET', `/cases/${r.id}/photos/${k.photos[0].id}`, c.as.rx);
      assert.equal(p.headers['content-type'], 'image/png');
      assert.equal((await c.req('GET', `/cases/${r.id}/photos/${k.photos[0].id}`, c.as.mz)).statusCode, 404);
    });

    test('bulk import: a file with a bad row imports nothing and names the row; GBK CSV imports', async () => {
      const count = async () => (await c.t.p.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM cases WHERE channel = 'import'`))!.n;
      const bad = await upload(c.app, '/cases/import', c.as.operator, 'a.csv', '标题,内容,电话\n井盖,人行道井盖缺失很危险,13800000000\n短,短,13800000000\n');
      assert.equal(bad.statusCode, 400, bad.body);
      assert.ok(bad.json().errors.some((e: { field: string }) => e.field === 'rows[3].text'), bad.body);
      assert.equal(await count(), 0);
      const gbk = iconv.encode('标题,内容,地址,时间\n井盖缺失,人行道井盖缺失很危险,文三路,2026-03-01 09:00\n噪音扰民,夜间施工噪音扰民严重,学院路,2026-03-02 22:00\n', 'gbk');
      const ok = await upload(c.app, '/cases/import', c.as.operator, 'b.csv', gbk);
      assert.equal(ok.statusCode, 201, ok.body);
      assert.equal(ok.json().imported, 2);
      const t = await c.t.p.db.one<{ text: string }>(`SELECT text FROM cases WHERE channel = 'import' ORDER BY reported_at LIMIT 1`);
      assert.equal(t!.text, '人行道井盖缺失很危险');
      assert.equal((await upload(c.app, '/cases/import', c.as.ga, 'b.csv', gbk)).statusCode, 403, 'only the centre imports');
    });

    test('the classifier trains on the case history and proposes its top three; routing proposes the department', async () => {
      const rule = await c.ok('POST', '/case-routes', c.admin, { category: cx, departmentId: c.dept.GA }, 201);
      assert.equal(rule.department.code, 'GA');
      const m = await c.ok('POST', '/cases/classifier/train', c.admin, {});
      assert.ok(m.categories >= 2);
      const s = await c.ok('POST', '/cases/suggest', c.as.rx, { text: '小区物业违规收取停车费，业主多次反映无果' });
      assert.equal(s.candidates.length, 3);
      assert.ok(s.candidates[0].confidence >= s.candidates[1].confidence);
      const r = await c.report(c.as.citizen, { text: '小区楼道堆放杂物，消防通道被占用，物业不管' });
      const k = await c.ok('GET', `/cases/${r.id}`, c.as.rx);
      assert.ok(k.suggestion.category, 'a category is proposed');
      if (k.suggestion.category === cx) assert.equal(k.suggestion.department, c.dept.GA, 'the routing rule names the department');
      // the dispatcher corrects the category: the correction is on the timeline and counts for training
      const other = await c.category('环境保护');
      await dispatch(r.id, 'MZ', { category: k.suggestion.category === other ? cx : other });
      const after = await c.ok('GET', `/cases/${r.id}`, c.as.rx);
      assert.ok(after.events.some((e: { action: string }) => e.action === 'recategorize'));
      const info = await c.ok('GET', '/cases/classifier', c.admin);
      assert.ok(info.pending >= 1, 'the correction waits for the next training');
    });

    test('the rates match hand-computed figures on a fixed set of cases', async () => {
      // eight cases of 2020, written as they would stand after handling
      const at = (d: string) => `2020-06-${d}+08`;
      const rows: [string, string, string | null, string | null, string | null, string | null, string | null, boolean | null, number][] = [
        // dept, status, dispatched, accepted, due, answered, satisfaction, resolved, returns
        ['GA', 'closed', at('01 09:00'), at('01 15:00'), at('05 23:59'), at('03 10:00'), 'satisfied', true, 0],
        ['GA', 'closed', at('01 09:00'), at('02 12:00'), at('05 23:59'), at('06 10:00'), 'basic', true, 1],
        ['GA', 'answered', at('02 09:00'), at('02 10:00'), at('08 23:59'), at('04 10:00'), null, null, 0],
        ['GA', 'handling', at('02 09:00'), at('02 09:30'), at('08 23:59'), null, null, null, 0],
        ['MZ', 'closed', at('03 09:00'), at('03 11:00'), at('09 23:59'), at('05 10:00'), 'unsatisfied', false, 0],
        ['MZ', 'closed', at('03 09:00'), null, at('04 23:59'), at('05 10:00'), 'satisfied', true, 2],
        ['MZ', 'pending', null, null, null, null, null, null, 0],
        ['MZ', 'invalid', null, null, null, null, null, null, 0],
      ];
      let i = 0;
      for (const [dept, status, dispatched, accepted, due, answered, satisfaction, resolved, returns] of rows) {
        await c.t.p.db.query(
          `INSERT INTO cases (id, code, channel, status, urgency, title, text, department_id, dispatched_at, accepted_at, due_at, answered_at, satisfaction, resolved, rated_at, returns, reported_at, created_at, updated_at)
           VALUES (gen_random_uuid(), $1, 'hotline', $2, 'normal', '统计样本', '统计样本案件', $3, $4, $5, $6, $7, $8, $9, CASE WHEN $8::text IS NULL THEN NULL ELSE $7::timestamptz END, $10, '2020-06-01T00:00:00Z', now(), now())`,
          [`AJ-20200601-9${String(i++).padStart(4, '0')}`, status, status === 'pending' || status === 'invalid' ? null : c.dept[dept], dispatched, accepted, due, answered, satisfaction, resolved, returns],
        );
      }
      const s = await c.ok('GET', '/cases/stats?by=department&from=2020-01-01T00:00:00Z&to=2021-01-01T00:00:00Z', c.as.rx);
      const ga = s.rows.find((r: { name: string }) => r.name === '公安局');
      const mz = s.rows.find((r: { name: string }) => r.name === '民政局');
      // GA: 4 dispatched; responded within 24 h: #1 (6 h), #3, #4 — #2 took 27 h → 3/4; rated 2, resolved 2, satisfied+basic 2;
      // overdue: #2 answered 06-06 after due 06-05, #4 still unanswered long past 06-08 → 2/4; returned: #2 → 1/4
      assert.deepEqual([ga.cases, ga.dispatched, ga.responded, ga.rated, ga.overdue, ga.returned], [4, 4, 3, 2, 2, 1]);
      assert.deepEqual([ga.responseRate, ga.resolutionRate, ga.satisfactionRate, ga.overdueRate, ga.returnRate], [0.75, 1, 1, 0.5, 0.25]);
      // MZ: 2 dispatched; responded 1/2; rated 2, resolved 1/2, satisfied 1/2; overdue: #6 answered 06-05 after due 06-04 → 1/2; returned 1/2
      assert.deepEqual([mz.dispatched, mz.responded, mz.rated, mz.resolved], [2, 1, 2, 1]);
      assert.deepEqual([mz.responseRate, mz.resolutionRate, mz.satisfactionRate, mz.overdueRate, mz.returnRate], [0.5, 0.5, 0.5, 0.5, 0.5]);
      const pending = s.rows.find((r: { key: string | null }) => r.key === null);
      assert.equal(pending.cases, 1, 'the pending case counts, the invalid one does not');
      assert.deepEqual([s.total.cases, s.total.dispatched, s.total.responded], [7, 6, 4]);
      assert.equal(s.total.satisfactionRate, 0.75);
      const x = await c.req('GET', '/cases/stats/export?from=2020-01-01T00:00:00Z&to=2021-01-01T00:00:00Z', c.as.rx);
      assert.equal(x.statusCode, 200);
      assert.equal(x.rawPayload.subarray(0, 2).toString('latin1'), 'PK', 'an XLSX file');
      const dept = await c.ok('GET', '/cases/stats?by=department&from=2020-01-01T00:00:00Z&to=2021-01-01T00:00:00Z', c.officers.GA);
      assert.deepEqual(dept.rows.map((r: { name: string }) => r.name), ['公安局'], 'a department sees its own figures only');
    });
  });
}
