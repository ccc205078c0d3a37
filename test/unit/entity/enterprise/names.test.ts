import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeAddress, normalizeEnterpriseName, normalizePersonName } from '../../../../src/entity/enterprise/index.ts';
import { registerDemoCity } from '../../../../src/demo/index.ts';
import { toSimplified } from '../../../../src/standards/index.ts';

const norm = (s: string) => normalizeEnterpriseName(s)!;

before(() => registerDemoCity());

describe('variants of one name normalise to one key', () => {
  const cases: Array<[string, string[]]> = [
    ['恒达科技有限公司', [
      '示范市恒达科技有限公司', '示范市恒达科技有限责任公司', '恒达科技有限公司', '示范恒达科技有限公司',
      '恒达科技（示范）有限公司', '恒达科技(示范市)有限公司', '恒达科技【示范】有限责任公司', ' 示范市 恒达 科技 有限公司 ',
      '示範市恆達科技有限責任公司', '恒达科技（中国）有限公司',
    ]],
    ['恒达科技有限公司', ['厦门恒达科技有限公司', '恒达科技（厦门）有限公司', '福建省厦门市思明区恒达科技有限公司', '厦门市恒达科技有限公司']],
    ['恒达控股集团有限公司', ['恒达控股（集团）有限公司', '恒达控股(集团)有限公司', '示范市恒达控股集团有限责任公司']],
    ['恒达实业股份有限公司', ['示范市恒达实业股份有限公司', '恒达实业（示范）股份有限公司']],
    ['恒达投资管理有限合伙企业', ['恒达投资管理合伙企业(有限合伙)', '示范市恒达投资管理合伙企业（有限合伙）']],
    ['恒达茶叶农民专业合作社', ['示范市西湖区恒达茶叶专业合作社', '西湖区恒达茶叶农民专业合作社']],
  ];
  for (const [key, variants] of cases) {
    for (const v of variants) test(`${v} → ${key}`, () => assert.equal(norm(v).name_norm, key));
  }
});

describe('the parts of a name', () => {
  test('trade name, industry, form, place', () => {
    const f = norm('浙江省示范市西湖区恒达网络科技有限责任公司');
    assert.deepEqual({ core: f.core, industry: f.industry, form: f.form, region: f.region, district: f.district, branch: f.branch, group: f.group },
      { core: '恒达', industry: '网络科技', form: '有限公司', region: '示范', district: '西湖区', branch: '', group: false });
  });
  test('the place in brackets is the region of the name', () => {
    assert.equal(norm('恒达科技（厦门）有限公司').region, '厦门');
    assert.equal(norm('厦门恒达科技有限公司').region, '厦门');
  });
  test('a 个体工商户 has no legal form in its name', () => {
    const f = norm('示范市西湖区张伟便利店');
    assert.deepEqual([f.name_norm, f.core, f.industry, f.form, f.district], ['张伟便利店', '张伟', '便利店', '个体工商户', '西湖区']);
  });
  test('a trade name that is also a place name is kept (中山科技, 金华科技)', () => {
    assert.equal(norm('中山科技有限公司').core, '中山');
    assert.equal(norm('示范市金华科技有限公司').name_norm, '金华科技有限公司');
  });
  test('a blank name gives null', () => {
    assert.equal(normalizeEnterpriseName('  '), null);
    assert.equal(normalizeEnterpriseName(null), null);
  });
});

describe('hard negatives keep distinct features', () => {
  test('a branch keeps its branch part and is not its head office', () => {
    const head = norm('示范市恒达科技有限公司');
    const branch = norm('示范市恒达科技有限公司西湖分公司');
    assert.equal(branch.branch, '西湖分公司');
    assert.equal(head.branch, '');
    assert.notEqual(branch.name_norm, head.name_norm);
    assert.equal(branch.core, head.core);
  });
  test('branch variants: the city before the district is dropped, the city alone is kept', () => {
    assert.equal(norm('恒达科技有限公司杭州市西湖区分公司').branch, '西湖分公司');
    assert.equal(norm('恒达科技有限责任公司西湖分公司').name_norm, '恒达科技有限公司西湖分公司');
    assert.notEqual(norm('恒达科技有限公司杭州分公司').branch, norm('恒达科技有限公司宁波分公司').branch);
  });
  test('every branch suffix is a branch after the head office form', () => {
    for (const s of ['第一营业部', '文三路分店', '上海办事处', '门市部']) assert.equal(norm(`恒达科技有限公司${s}`).branch, s);
  });
  test('a shop ending in 门市部 without a head office is a shop, not a branch', () => {
    assert.equal(norm('张伟五金门市部').branch, '');
  });
  test('同名不同地: the same name in two cities differs in region only', () => {
    const a = norm('示范市恒达科技有限公司');
    const b = norm('宁波市恒达科技有限公司');
    assert.equal(a.name_norm, b.name_norm);
    assert.deepEqual([a.region, b.region], ['示范', '宁波']);
  });
  test('科技 vs 贸易: the same trade name in another industry differs', () => {
    const a = norm('示范市恒达科技有限公司');
    const b = norm('示范市恒达贸易有限公司');
    assert.equal(a.core, b.core);
    assert.notEqual(a.name_norm, b.name_norm);
    assert.deepEqual([a.industry, b.industry], ['科技', '贸易']);
  });
});

test('addresses: province and city dropped, the district found', () => {
  const want = { addr_norm: '西湖区文三路100号', region: '示范', district: '西湖区' };
  assert.deepEqual(normalizeAddress('示范市西湖区文三路１００号'), want);
  assert.deepEqual(normalizeAddress('西湖区 文三路100号'), { ...want, region: null });
  assert.equal(normalizeAddress('浙江省杭州市西湖区文三路100号')!.addr_norm, '西湖区文三路100号');
});

test('people and traditional characters', () => {
  assert.equal(normalizePersonName(' 欧阳 明 '), '欧阳明');
  assert.equal(normalizePersonName('阿依·买买提'), '阿依买买提');
  assert.equal(toSimplified('廈門國際貿易'), '厦门国际贸易');
});
