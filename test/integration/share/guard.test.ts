/**
 * The share guard, through the rows API: who reads in clear (the providing department), who reads
 * masked (anyone else, admins included, and only under a grant), who cannot read (no grant, `none`
 * datasets, citizens) — and every mask kind as a grant reader sees it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pseudonym } from '../../../src/lake/index.ts';
import { drivers } from '../../helpers/platform.ts';
import { login } from '../../helpers/server.ts';
import { id, openCity, type City } from '../../helpers/city.ts';

const FIELDS = [
  { name: 'xm', title: '姓名', type: 'string', sensitivity: 'L3', mask: 'name' },
  { name: 'sfzh', title: '身份证号', type: 'string', element: 'id_card', sensitivity: 'L4' },
  { name: 'sj', title: '手机号码', type: 'string', element: 'mobile', sensitivity: 'L3' },
  { name: 'dz', title: '地址', type: 'string', sensitivity: 'L3', mask: 'address' },
  { name: 'yx', title: '邮箱', type: 'string', sensitivity: 'L3', mask: 'email' },
  { name: 'csrq', title: '出生日期', type: 'date', sensitivity: 'L3' },
  { name: 'bz', title: '备注', type: 'string', sensitivity: 'L3', mask: 'keep' },
  { name: 'hm', title: '户号', type: 'string', sensitivity: 'L4', mask: 'pseudonym' },
  { name: 'mm', title: '密语', type: 'string', sensitivity: 'L3', mask: 'null' },
  { name: 'gk', title: '公开说明', type: 'string', sensitivity: 'L3', mask: 'none' },
  { name: 'qy', title: '区域', type: 'string', sensitivity: 'L1' },
];
const HEADER = '姓名,身份证号,手机号码,地址,邮箱,出生日期,备注,户号,密语,公开说明,区域';
const ROW = { xm: '欧阳娜娜', sfzh: id(1), sj: '13812345678', dz: '浙江省杭州市西湖区文三路100号', yx: 'nana@example.com', csrq: '1990-03-07', bz: '备注内容', hm: 'H0001', mm: '秘密', gk: '可以公开', qy: '西湖区' };

for (const driver of drivers()) {
  describe(`the share guard: bases and masks (${driver})`, () => {
    let c: City;
    const rows = (code: string, as: { authorization: string }) => c.req('GET', `/datasets/${code}/rows`, as);

    before(async () => {
      c = await openCity(driver);
      for (const [code, shareType, openType] of [['GA_U', 'unconditional', 'open'], ['GA_C', 'conditional', 'none'], ['GA_N', 'none', 'none']] as const) {
        await c.register(c.officers.GA, 'GA', code, FIELDS, { shareType, openType });
        const r = await c.upload(c.officers.GA, code, 'm.csv', `${HEADER}\n${Object.values(ROW).join(',')}\n`);
        assert.equal(r.json().status, 'succeeded', r.body);
      }
      const u = await c.req('POST', '/users', c.admin, { username: 'citizen_a', displayName: '市民', password: 'citizen-pass-2026', role: 'citizen' });
      assert.equal(u.statusCode, 201, u.body);
    });
    after(() => c.close());

    test('the providing department reads in clear', async () => {
      const r = await rows('GA_U', c.officers.GA);
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().basis, 'owner');
      assert.deepEqual(r.json().rows[0], ROW);
      assert.ok(r.json().columns.every((col: { masked: boolean }) => !col.masked));
    });

    test('without a grant nobody else reads, not even the admin', async () => {
      for (const who of [c.admin, c.officers.MZ]) {
        const r = await rows('GA_U', who);
        assert.equal(r.statusCode, 403, r.body);
        assert.match(r.json().detail, /需要共享授权/);
      }
    });

    test('an admin and another department, each under a grant, see every mask kind applied to L3/L4', async () => {
      await c.grant(c.admin, 'GA_U');
      await c.grant(c.officers.MZ, 'GA_U');
      const expected = {
        xm: '欧**娜', // name
        sfzh: `${ROW.sfzh.slice(0, 6)}********${ROW.sfzh.slice(-4)}`, // id (from the element)
        sj: '138****5678', // phone (from the element)
        dz: '浙江省杭州市西湖区****', // address
        yx: 'n***@example.com', // email
        csrq: 1990, // year (a date)
        bz: '备**容', // keep: first and last character
        hm: pseudonym('H0001', 'test-secret'), // pseudonym (keyed, stable)
        mm: null, // null
        gk: '可以公开', // none: a field marked never masked
        qy: '西湖区', // L1 in clear
      };
      for (const [who, basis] of [[c.admin, 'grant'], [c.officers.MZ, 'grant']] as const) {
        const r = await rows('GA_U', who);
        assert.equal(r.statusCode, 200, r.body);
        assert.equal(r.json().basis, basis);
        assert.deepEqual(r.json().rows[0], expected);
        const masked = r.json().columns.filter((col: { masked: boolean }) => col.masked).map((col: { name: string }) => col.name).sort();
        assert.deepEqual(masked, ['bz', 'csrq', 'dz', 'hm', 'mm', 'sfzh', 'sj', 'xm', 'yx'].sort(), 'gk (mask none) is not masked');
      }
    });

    test('other departments cannot read conditional or unshared datasets; the trail says who read what', async () => {
      for (const code of ['GA_C', 'GA_N']) {
        const r = await rows(code, c.officers.MZ);
        assert.equal(r.statusCode, 403, r.body);
        assert.match(r.json().detail, code === 'GA_C' ? /需要共享授权/ : /不予共享/);
      }
      const reads = await c.events('data.read', 'GA_U');
      assert.deepEqual(reads.map((e) => [e.actorName, e.details.basis]), [['officer_ga', 'owner'], ['admin', 'grant'], ['officer_mz', 'grant']]);
      assert.ok(reads.slice(1).every((e) => typeof e.details.grantId === 'string' && e.details.purpose === '测试用途：核对数据'));
      assert.deepEqual(reads[1]!.details.masked, ['xm', 'sfzh', 'sj', 'dz', 'yx', 'csrq', 'bz', 'hm', 'mm']);
    });

    test('a citizen reads no department data: open datasets only show in the catalog, others do not exist for them', async () => {
      const citizen = await login(c.app, 'citizen_a', 'citizen-pass-2026');
      const open = await rows('GA_U', citizen);
      assert.equal(open.statusCode, 403, open.body);
      assert.match(open.json().detail, /公众只能访问开放数据/);
      assert.equal((await c.req('GET', '/datasets/GA_U', citizen)).statusCode, 200);
      for (const code of ['GA_C', 'GA_N']) {
        assert.equal((await c.req('GET', `/datasets/${code}`, citizen)).statusCode, 404);
        assert.equal((await rows(code, citizen)).statusCode, 404);
      }
      const list = (await c.req('GET', '/datasets?limit=100', citizen)).json();
      assert.deepEqual(list.items.map((d: { code: string }) => d.code), ['GA_U']);
    });
  });
}
