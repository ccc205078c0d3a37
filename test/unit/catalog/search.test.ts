/** Catalog search: Chinese and pinyin terms, ranking, facets, visibility and paging of the in-memory index. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Caller } from '../../../src/kernel/index.ts';
import { audienceOf, indexTerms, pinyinTerms, queryTerms, SearchIndex, type Dataset, type Field } from '../../../src/catalog/index.ts';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const field = (name: string, title: string, extra: Partial<Field> = {}): Field => ({ name, title, type: 'string', sensitivity: 'L1', ...extra });
let n = 0;
function ds(code: string, name: string, extra: Partial<Dataset> = {}): Dataset {
  n++;
  return {
    id: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`, code, name, description: '', departmentId: 'dept-mz', departmentCode: 'MZ', departmentName: '民政局',
    theme: null, layer: 'base', primaryKey: [], updateCycle: '每月', shareType: 'conditional', openType: 'open', important: false, core: false,
    fields: [field('id', '编号')], currentVersion: 0, rowCount: 0, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
    category: 'department', resourceFormat: 'database', shareCondition: null, shareMethod: null, shareBasis: null, openCondition: null, keywords: [],
    contact: null, licence: null, status: 'published', reviewNote: null, publishedAt: null, quality: null, dataUpdatedAt: null, ...extra,
  };
}
const admin: Caller = { id: 'a', username: 'admin', displayName: '管理员', role: 'admin', departmentId: null };
const officer = (departmentId: string): Caller => ({ id: 'o', username: 'o', displayName: '专员', role: 'officer', departmentId });
const codes = (r: { items: { dataset: Dataset }[] }) => r.items.map((h) => h.dataset.code);

describe('tokenizer', () => {
  test('search-mode terms hold the words inside compounds; a query keeps its words whole', () => {
    const t = indexTerms('城乡居民养老保险参保信息');
    for (const w of ['城乡居民', '居民', '养老', '养老保险', '保险', '参保', '信息']) assert.ok(t.includes(w), `${w} in ${t.join(' ')}`);
    assert.deepEqual(queryTerms('城乡居民 养老保险！'), ['城乡居民', '养老保险']);
    assert.deepEqual(indexTerms('ＧＡ_RK01 营业执照'), ['ga', 'rk01', '营业', '执照', '营业执照']);
  });

  test('pinyin of a title: full syllables and initials from the start of each word', () => {
    const p = pinyinTerms('城乡居民养老保险');
    for (const w of ['chengxiangjuminyanglaobaoxian', 'cxjmylbx', 'yanglaobaoxian', 'ylbx', 'baoxian', 'bx']) assert.ok(p.includes(w), `${w} in ${p.join(' ')}`);
    assert.ok(!p.includes('laobaoxian'), '老 starts no word');
  });
});

describe('SearchIndex', () => {
  const idx = SearchIndex.build([
    ds('RS_YLBX', '城乡居民养老保险参保信息', { departmentCode: 'RS', departmentName: '人社局', departmentId: 'dept-rs', keywords: ['社保'] }),
    ds('MZ_YLY', '养老机构名录', { description: '全市登记的养老院', fields: [field('jgmc', '机构名称')] }),
    ds('MZ_DB', '最低生活保障对象', { fields: [field('sfzh', '身份证号', { sensitivity: 'L4' }), field('ylbz', '养老补贴标准')], description: '低保家庭' }),
    ds('GA_HJ', '户籍人口信息', { departmentCode: 'GA', departmentName: '公安局', departmentId: 'dept-ga', description: '含养老保险参保标志', layer: 'standard', status: 'draft' }),
    ds('SC_QY', '企业登记信息', { departmentCode: 'SC', departmentName: '市场监管局', departmentId: 'dept-sc', openType: 'none', layer: 'standard' }),
  ], { now: NOW });

  test('"养老" finds the compound 城乡居民养老保险参保信息; titles rank before fields before descriptions', () => {
    const r = idx.search({ q: '养老' }, audienceOf(admin));
    assert.equal(r.mode, 'and');
    assert.deepEqual(codes(r).slice(0, 2).sort(), ['MZ_YLY', 'RS_YLBX']);
    assert.deepEqual(codes(r).slice(2), ['MZ_DB', 'GA_HJ']);
    assert.deepEqual(r.items.map((h) => h.matched[0]), ['title', 'title', 'fields', 'description']);
    assert.ok(r.items[1]!.score > r.items[2]!.score && r.items[2]!.score > r.items[3]!.score);
  });

  test('pinyin initials and full-pinyin prefixes find titles; short Chinese words match by prefix', () => {
    assert.deepEqual(codes(idx.search({ q: 'ylbx' }, audienceOf(admin))), ['RS_YLBX']);
    assert.deepEqual(codes(idx.search({ q: 'YangLao' }, audienceOf(admin))).sort(), ['MZ_YLY', 'RS_YLBX']);
    assert.deepEqual(codes(idx.search({ q: 'cxjm' }, audienceOf(admin))), ['RS_YLBX']);
    assert.deepEqual(codes(idx.search({ q: '户' }, audienceOf(admin))), ['GA_HJ']);
    assert.deepEqual(codes(idx.search({ q: 'rs_ylbx' }, audienceOf(admin))), ['RS_YLBX']);
    assert.deepEqual(codes(idx.search({ q: 'MZ_' }, audienceOf(admin))).sort(), ['MZ_DB', 'MZ_YLY']); // a code by its beginning
  });

  test('all words must match; when none matches them all, any word (and the answer says so)', () => {
    const and = idx.search({ q: '养老 低保' }, audienceOf(admin));
    assert.equal(and.mode, 'and');
    assert.deepEqual(codes(and), ['MZ_DB']);
    const or = idx.search({ q: '户籍 企业' }, audienceOf(admin));
    assert.equal(or.mode, 'or');
    assert.deepEqual(codes(or).sort(), ['GA_HJ', 'SC_QY']);
    const all = idx.search({}, audienceOf(admin));
    assert.equal(all.mode, 'all');
    assert.equal(all.total, 5);
  });

  test('disjunctive facets: a facet counts what the other filters leave, before its own filter', () => {
    const r = idx.search({ q: '信息', filters: { department: ['RS', 'SC'], layer: ['standard'] } }, audienceOf(admin));
    assert.deepEqual(codes(r), ['SC_QY']);
    // department counts under layer=standard: GA_HJ and SC_QY; layer counts under department RS|SC: base (RS) and standard (SC)
    assert.deepEqual(r.facets.department, [{ value: 'GA', label: '公安局', count: 1 }, { value: 'SC', label: '市场监管局', count: 1 }]);
    assert.deepEqual(r.facets.layer, [{ value: 'base', label: '基础库', count: 1 }, { value: 'standard', label: '标准库', count: 1 }]);
    assert.deepEqual(r.facets.status, [{ value: 'published', label: '已发布', count: 1 }]);
    const none = idx.search({ filters: { status: ['returned'] } }, audienceOf(admin));
    assert.equal(none.total, 0);
    assert.equal(none.facets.status.find((f) => f.value === 'draft')?.count, 1);
  });

  test('visibility: the admin sees drafts, another department does not, the public sees published open entries only', () => {
    assert.ok(codes(idx.search({ q: '户籍' }, audienceOf(admin))).includes('GA_HJ'));
    assert.ok(codes(idx.search({ q: '户籍' }, audienceOf(officer('dept-ga')))).includes('GA_HJ'));
    assert.deepEqual(codes(idx.search({ q: '户籍' }, audienceOf(officer('dept-mz')))), []);
    assert.equal(idx.search({}, audienceOf(officer('dept-mz'))).facets.status.length, 1);
    const pub = idx.search({}, audienceOf(null));
    assert.deepEqual(codes(pub).sort(), ['MZ_DB', 'MZ_YLY', 'RS_YLBX']);
    assert.equal(idx.search({}, audienceOf({ ...admin, role: 'citizen' })).total, 3);
    // a field open data drops (L4 身份证号) does not match for the public; it does for government roles
    assert.deepEqual(codes(idx.search({ q: '身份证号' }, audienceOf(null))), []);
    assert.deepEqual(codes(idx.search({ q: '身份证号' }, audienceOf(officer('dept-ga')))), ['MZ_DB']);
  });

  test('fresher data and higher quality break ties; sort by name and by update', () => {
    const t = SearchIndex.build([
      ds('A', '低保对象甲', { dataUpdatedAt: '2025-01-01T00:00:00Z' }),
      ds('B', '低保对象乙', { dataUpdatedAt: '2026-05-30T00:00:00Z' }),
      ds('C', '低保对象丙', { dataUpdatedAt: '2025-01-01T00:00:00Z', quality: 60 }),
    ], { now: NOW });
    assert.deepEqual(codes(t.search({ q: '低保' }, audienceOf(admin))), ['B', 'C', 'A']);
    assert.deepEqual(codes(t.search({ q: '低保', sort: 'name' }, audienceOf(admin))), ['C', 'A', 'B']); // bǐng, jiǎ, yǐ
    assert.deepEqual(codes(t.search({ q: '低保', sort: 'updated' }, audienceOf(admin))), ['B', 'C', 'A']); // A and C alike: by name
  });

  test('pages: limit and offset, at most 100 entries a page', () => {
    const many = SearchIndex.build(Array.from({ length: 250 }, (_, i) => ds(`D${String(i).padStart(3, '0')}`, `低保台账${i}`)), { now: NOW });
    const r = many.search({ q: '低保', limit: 1000, sort: 'name' }, audienceOf(admin));
    assert.equal(r.total, 250);
    assert.equal(r.limit, 100);
    assert.equal(r.items.length, 100);
    const p = many.search({ q: '低保', limit: 10, offset: 245 }, audienceOf(admin));
    assert.equal(p.items.length, 5);
  });
});
