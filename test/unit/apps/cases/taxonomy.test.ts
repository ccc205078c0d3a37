/** The built-in case categories: unique codes, parents that exist, sane time limits, the seven 12345 names of the shared data. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILTIN_CATEGORIES, HOTLINE_SEVEN, routeHint } from '../../../../src/apps/cases/taxonomy.ts';

test('codes are unique, parents exist and come first, levels and kinds agree', () => {
  const seen = new Map<string, (typeof BUILTIN_CATEGORIES)[number]>();
  for (const c of BUILTIN_CATEGORIES) {
    assert.ok(!seen.has(c.code), `${c.code} twice`);
    if (c.parent) {
      const p = seen.get(c.parent);
      assert.ok(p, `${c.code}: parent ${c.parent} missing or listed after it`);
      assert.equal(p.level, 1);
      assert.equal(c.level, 2);
      assert.equal(p.kind, c.kind);
      assert.ok(c.code.startsWith(c.parent), c.code);
    } else assert.equal(c.level, 1, c.code);
    seen.set(c.code, c);
    const pattern = { component: /^BJ\d{2}(\d{2})?$/, event: /^SJ\d{2}(\d{2})?$/, hotline: /^RX\d{2}$/ }[c.kind];
    assert.match(c.code, pattern);
    assert.ok(c.days.urgent >= 1 && c.days.urgent <= c.days.normal && c.days.normal <= 365, c.code);
    assert.ok(c.answer.includes('{{title}}') && c.answer.includes('{{department}}') && c.answer.includes('{{date}}'), c.code);
    assert.ok(c.keywords.length > 0 && c.keywords.every((k) => k.trim() === k && k.length > 0), c.code);
    assert.match(c.departmentHint, /^([A-Z]{2})?$/, c.code);
  }
  // the standard's major categories (大类)
  const majors = (prefix: string) => BUILTIN_CATEGORIES.filter((c) => c.level === 1 && c.code.startsWith(prefix)).map((c) => `${c.code} ${c.name}`);
  assert.deepEqual(majors('BJ'), ['BJ01 公用设施', 'BJ02 道路交通', 'BJ03 市容环境', 'BJ04 园林绿化', 'BJ05 房屋土地', 'BJ06 其他设施']);
  assert.deepEqual(majors('SJ'), ['SJ01 市容环境', 'SJ02 宣传广告', 'SJ03 施工管理', 'SJ04 突发事件', 'SJ05 街面秩序', 'SJ06 其他事件']);
  assert.equal(seen.get('BJ0101')?.name, '上水井盖');
  assert.equal(seen.get('SJ0101')?.name, '暴露垃圾');
  assert.equal(seen.get('SJ0501')?.name, '无照经营游商');
  assert.equal(routeHint('SJ0504'), 'GA');
  assert.equal(routeHint('nope'), undefined);
});

test('the seven 12345 categories the classifier predicts are there by these exact names', () => {
  const hotline = BUILTIN_CATEGORIES.filter((c) => c.kind === 'hotline').map((c) => c.name);
  for (const name of HOTLINE_SEVEN) assert.ok(hotline.includes(name), name);
  assert.equal(new Set(hotline).size, hotline.length);
  for (const name of ['公安政法', '民政', '市场监管', '农业农村', '其他']) assert.ok(hotline.includes(name), name);
});

// the hotline taxonomy's level-2/3 terms travel with the platform (copied into taxonomy.ts): a few of them, by category
test('the seven carry the hotline taxonomy\'s terms as keywords', () => {
  const terms: Record<string, string[]> = { 城乡建设: ['安全生产', '事故处理', '城市建设和市政管理', '园林绿化环卫'] };
  for (const name of HOTLINE_SEVEN) {
    const c = BUILTIN_CATEGORIES.find((x) => x.kind === 'hotline' && x.name === name)!;
    assert.ok(c.keywords.length >= 5, `${name}: ${c.keywords.length} keywords`);
    for (const t of terms[name] ?? []) assert.ok(c.keywords.includes(t), `${name}: ${t}`);
  }
});
