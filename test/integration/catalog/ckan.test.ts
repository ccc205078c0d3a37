/**
 * The CKAN-compatible Action API: each action's CKAN shape (envelope, fields) over GET and POST at
 * both prefixes, paging, facets, fq filters, sort, CKAN's errors, who sees what (anonymous: open
 * data; a bare API token with include_private: its department's drafts and closed entries), the
 * DataStore over open data — and that no L3/L4 value or dropped column reaches any answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../../helpers/platform.ts';
import { openDataCity, PEOPLE, SECRETS, type OpenCity } from '../../helpers/openCity.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PACKAGE_KEYS = ['id', 'name', 'title', 'notes', 'url', 'author', 'maintainer', 'maintainer_email', 'license_id', 'license_title', 'metadata_created',
  'metadata_modified', 'organization', 'groups', 'tags', 'extras', 'resources', 'num_resources', 'num_tags', 'private', 'state', 'type', 'owner_org'];
const RESOURCE_KEYS = ['id', 'package_id', 'name', 'description', 'format', 'mimetype', 'url', 'datastore_active', 'created', 'last_modified', 'position'];

for (const driver of drivers()) {
  describe(`CKAN Action API (${driver})`, () => {
    let c: OpenCity;
    before(async () => {
      c = await openDataCity(driver);
    });
    after(() => c.close());

    /** The result of a successful action (the envelope checked). */
    async function result(method: 'GET' | 'POST', action: string, params: Record<string, unknown> = {}, headers: Record<string, string> = {}, prefix?: string) {
      const r = await c.ckan(method, action, params, headers, prefix);
      assert.equal(r.statusCode, 200, `${action} ${JSON.stringify(params)}: ${r.body}`);
      const body = r.json();
      assert.equal(body.success, true);
      assert.equal(body.help, `http://localhost:80/api/3/action/help_show?name=${action}`);
      return body.result;
    }
    /** CKAN's error answer: status, __type, and the error dictionary. */
    async function failure(method: 'GET' | 'POST', action: string, params: Record<string, unknown>, status: number, type: string, headers: Record<string, string> = {}) {
      const r = await c.ckan(method, action, params, headers);
      assert.equal(r.statusCode, status, `${action} ${JSON.stringify(params)}: ${r.body}`);
      assert.equal(r.json().success, false, r.body);
      assert.equal(r.json().error.__type, type, r.body);
      return r.json().error as Record<string, unknown>;
    }
    const names = (pkgs: { name: string }[]) => pkgs.map((p) => p.name);
    const token = () => ({ authorization: c.gaToken });

    test('envelope, GET and POST, both prefixes; status_show speaks CKAN 2.10', async () => {
      for (const prefix of ['/api/3/action', '/api/action']) {
        for (const method of ['GET', 'POST'] as const) {
          const s = await result(method, 'status_show', {}, {}, prefix);
          assert.equal(s.ckan_version, '2.10.0');
          assert.equal(s.locale_default, 'zh_CN');
          assert.deepEqual(s.extensions, ['datastore']);
          assert.equal(s.site_url, 'http://localhost:80');
          assert.ok(s.site_title);
        }
      }
      const v = await c.app.inject({ method: 'GET', url: '/api/3' });
      assert.deepEqual(v.json(), { version: 3 });
      // CKAN clients that post JSON under a form content type are read as CKAN reads them
      const form = await c.app.inject({ method: 'POST', url: '/api/3/action/package_show', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: JSON.stringify({ id: 'ga_rk' }) });
      assert.equal(form.statusCode, 200, form.body);
      assert.equal(form.json().result.name, 'ga_rk');
      assert.match((await result('GET', 'help_show', { name: 'package_search' })), /facet\.field/);
    });

    test('unknown actions answer 400 as CKAN does; write actions 403', async () => {
      const r = await c.ckan('GET', 'no_such_action');
      assert.equal(r.statusCode, 400);
      assert.equal(r.json(), 'Bad request - Action name not known: no_such_action');
      for (const action of ['package_create', 'package_update', 'package_patch', 'package_delete', 'resource_create', 'datastore_create', 'datastore_upsert', 'organization_create']) {
        await failure('POST', action, { name: 'x' }, 403, 'Authorization Error', token());
      }
      await failure('GET', 'help_show', { name: 'package_create' }, 404, 'Not Found Error');
    });

    test('package_list: open data only, paged', async () => {
      assert.deepEqual(await result('GET', 'package_list'), ['ga_cond', 'ga_rk', 'mz_db']);
      assert.deepEqual(await result('POST', 'package_list', { limit: 1, offset: 1 }), ['ga_rk']);
      assert.deepEqual(await result('GET', 'package_list', {}, token()), ['ga_cond', 'ga_rk', 'mz_db'], 'package_list lists public datasets only, as CKAN does');
      await failure('GET', 'package_list', { limit: 'many' }, 409, 'Validation Error');
    });

    test('package_show: CKAN fields, by name, code or id; organization, groups, tags, extras, resources', async () => {
      const p = await result('GET', 'package_show', { id: 'ga_rk' });
      for (const k of PACKAGE_KEYS) assert.ok(k in p, `package has ${k}`);
      assert.equal(p.name, 'ga_rk');
      assert.equal(p.title, '常住人口名单');
      assert.equal(p.notes, 'GA_RK 的人员名单');
      assert.equal(p.type, 'dataset');
      assert.equal(p.state, 'active');
      assert.equal(p.private, false);
      assert.equal(p.license_id, 'CC-BY-4.0');
      assert.equal(p.license_title, 'Creative Commons Attribution 4.0');
      assert.match(p.metadata_modified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
      assert.deepEqual({ name: p.organization.name, title: p.organization.title, type: p.organization.type, is_organization: p.organization.is_organization }, { name: 'ga', title: '公安局', type: 'organization', is_organization: true });
      assert.deepEqual(p.groups.map((g: { name: string }) => g.name), ['人口']);
      assert.deepEqual(p.tags.map((t: { name: string; display_name: string }) => [t.name, t.display_name]), [['人口', '人口'], ['户籍', '户籍']]);
      assert.equal(p.num_tags, 2);
      const extras = Object.fromEntries(p.extras.map((e: { key: string; value: string }) => [e.key, e.value]));
      assert.deepEqual({ category: extras.category, update_cycle: extras.update_cycle, open_type: extras.open_type, share_type: extras.share_type, layer: extras.layer, row_count: extras.row_count, resource_code: extras.resource_code },
        { category: 'base', update_cycle: '每月', open_type: 'open', share_type: 'unconditional', layer: 'base', row_count: '5', resource_code: 'GA_RK' });
      assert.ok(p.extras.every((e: { value: unknown }) => typeof e.value === 'string'));
      assert.equal(p.num_resources, 4);
      assert.deepEqual(p.resources.map((r: { format: string }) => r.format), ['CSV', 'XLSX', 'JSON', 'Parquet']);
      for (const r of p.resources) {
        for (const k of RESOURCE_KEYS) assert.ok(k in r, `resource has ${k}`);
        assert.match(r.id, UUID);
        assert.equal(r.package_id, p.id);
        assert.equal(r.datastore_active, r.format === 'CSV');
      }
      assert.equal(p.resources[0].url, 'http://localhost:80/api/v1/open/datasets/GA_RK/download?format=csv');
      const download = await c.app.inject({ method: 'GET', url: new URL(p.resources[0].url).pathname + new URL(p.resources[0].url).search });
      assert.equal(download.statusCode, 200);
      // the same package by code (either case), by id, and over POST; resource ids are stable
      for (const id of ['GA_RK', 'Ga_Rk', p.id]) assert.deepEqual(await result('POST', 'package_show', { id }), p);
    });

    test('package_show and resource_show: what the caller may not see is not found', async () => {
      for (const id of ['no_such', 'ga_draft', 'ga_inner', '00000000-0000-0000-0000-000000000000']) {
        const e = await failure('GET', 'package_show', { id }, 404, 'Not Found Error');
        assert.match(String(e.message), /^Not found/);
      }
      const e = await failure('GET', 'package_show', {}, 409, 'Validation Error');
      assert.deepEqual(e.id, ['Missing value']);
      // a govhub token sees its department's closed entry and draft (private), not another department's draft
      const inner = await result('GET', 'package_show', { id: 'ga_inner' }, token());
      assert.equal(inner.private, true);
      assert.equal(inner.state, 'active');
      assert.deepEqual(inner.resources, [], 'closed data has no open resources');
      assert.equal((await result('GET', 'package_show', { id: 'ga_draft' }, token())).state, 'draft');
      await failure('GET', 'package_show', { id: 'ga_rk' }, 403, 'Authorization Error', { authorization: 'not-a-token' });

      const csv = (await result('GET', 'package_show', { id: 'mz_db' })).resources[0];
      assert.deepEqual(await result('GET', 'resource_show', { id: csv.id }), csv);
      await failure('GET', 'resource_show', { id: '00000000-0000-0000-0000-000000000000' }, 404, 'Not Found Error');
      await failure('POST', 'resource_show', {}, 409, 'Validation Error');
    });

    test('package_search: count, results, rows and start, sort', async () => {
      const all = await result('GET', 'package_search');
      assert.equal(all.count, 3);
      assert.equal(all.sort, 'score desc, metadata_modified desc');
      assert.deepEqual(all.facets, {});
      assert.deepEqual(all.search_facets, {});
      for (const k of PACKAGE_KEYS) assert.ok(k in all.results[0], `result has ${k}`);
      assert.deepEqual(names((await result('GET', 'package_search', { sort: 'name asc' })).results), ['ga_cond', 'ga_rk', 'mz_db']);
      assert.deepEqual(names((await result('POST', 'package_search', { sort: 'name desc' })).results), ['mz_db', 'ga_rk', 'ga_cond']);
      // titles sort in pinyin order: 常住 (chang) < 低保 (di) < 重点 (zhong)
      assert.deepEqual(names((await result('GET', 'package_search', { sort: 'title_string asc' })).results), ['ga_rk', 'mz_db', 'ga_cond']);
      const modified = (await result('GET', 'package_search', { sort: 'metadata_modified desc' })).results.map((p: { metadata_modified: string }) => p.metadata_modified);
      assert.deepEqual(modified, [...modified].sort().reverse());
      const page1 = await result('GET', 'package_search', { sort: 'name asc', rows: 2, start: 0 });
      const page2 = await result('POST', 'package_search', { sort: 'name asc', rows: 2, start: 2 });
      assert.equal(page1.count, 3);
      assert.deepEqual([...names(page1.results), ...names(page2.results)], ['ga_cond', 'ga_rk', 'mz_db']);
      assert.equal((await result('GET', 'package_search', { rows: 0 })).results.length, 0);
      assert.equal((await result('GET', 'package_search', { rows: 5000 })).results.length, 3, 'rows is capped, not refused');
      const rows = await failure('GET', 'package_search', { rows: 'ten' }, 409, 'Validation Error');
      assert.deepEqual(rows.rows, ['Invalid integer']);
      await failure('GET', 'package_search', { sort: 'colour asc' }, 400, 'Search Query Error');
    });

    test('package_search: q (Chinese too) and fq filters, alone and combined', async () => {
      const find = async (params: Record<string, unknown>) => names((await result('GET', 'package_search', { sort: 'name asc', ...params })).results);
      assert.deepEqual(await find({ q: '低保' }), ['mz_db']);
      assert.deepEqual(await find({ q: '人口' }), ['ga_cond', 'ga_rk']);
      assert.deepEqual(await find({ q: '人员名单 户籍' }), ['ga_rk']);
      assert.deepEqual(await find({ q: '*:*' }), ['ga_cond', 'ga_rk', 'mz_db']);
      assert.deepEqual(await find({ q: '区域' }), ['ga_cond', 'ga_rk', 'mz_db'], 'open columns are searched');
      assert.deepEqual(await find({ q: 'sfzh' }), [], 'dropped columns are not');
      assert.deepEqual(await find({ q: 'nothing-like-this' }), []);
      assert.deepEqual(await find({ fq: 'organization:ga' }), ['ga_cond', 'ga_rk']);
      assert.deepEqual(await find({ fq: 'groups:民生' }), ['mz_db']);
      assert.deepEqual(await find({ fq: 'tags:户籍' }), ['ga_rk']);
      assert.deepEqual(await find({ fq: 'res_format:CSV' }), ['ga_cond', 'ga_rk', 'mz_db']);
      assert.deepEqual(await find({ fq: 'license_id:CC0-1.0' }), ['ga_cond']);
      assert.deepEqual(await find({ fq: 'organization:ga AND tags:户籍' }), ['ga_rk']);
      assert.deepEqual(await find({ fq: 'organization:ga -tags:户籍' }), ['ga_cond']);
      assert.deepEqual(await find({ fq: 'organization:(ga OR mz) +groups:"人口"' }), ['ga_cond', 'ga_rk']);
      assert.deepEqual(await find({ q: 'name:mz_db' }), ['mz_db']);
      assert.deepEqual(await find({ fq: 'extras_category:base' }), ['ga_rk']);
      assert.deepEqual(await find({ fq: '+dataset_type:dataset +capacity:public organization:mz' }), ['mz_db'], 'what CKAN harvesters send');
      const e = await failure('GET', 'package_search', { fq: 'colour:red' }, 400, 'Search Query Error');
      assert.match(String(e.message), /colour/);
    });

    test('package_search: facet.field, facet.limit and search_facets', async () => {
      const r = await result('GET', 'package_search', { 'facet.field': JSON.stringify(['organization', 'groups', 'tags', 'res_format', 'license_id']) });
      assert.deepEqual(r.facets.organization, { ga: 2, mz: 1 });
      assert.deepEqual(r.facets.groups, { 人口: 2, 民生: 1 });
      assert.deepEqual(r.facets.res_format, { CSV: 3, XLSX: 3, JSON: 3, Parquet: 3 });
      assert.deepEqual(r.facets.license_id, { 'CC-BY-4.0': 2, 'CC0-1.0': 1 });
      assert.equal(r.facets.tags['人口'], 2);
      assert.deepEqual(r.search_facets.organization, { title: 'organization', items: [{ name: 'ga', display_name: '公安局', count: 2 }, { name: 'mz', display_name: '民政局', count: 1 }] });
      assert.deepEqual(r.search_facets.license_id.items[0], { name: 'CC-BY-4.0', display_name: 'Creative Commons Attribution 4.0', count: 2 });
      // facets count what matched; facet.limit cuts each list; POST takes the list itself
      const one = await result('POST', 'package_search', { fq: 'organization:ga', 'facet.field': ['organization', 'tags'], 'facet.limit': 1 });
      assert.deepEqual(one.facets.organization, { ga: 2 });
      assert.deepEqual(one.search_facets.tags.items, [{ name: '人口', display_name: '人口', count: 2 }]);
      const bad = await failure('GET', 'package_search', { 'facet.field': 'organization' }, 409, 'Validation Error');
      assert.ok(Array.isArray(bad['facet.field']));
    });

    test('include_private: a bare API token sees its department\'s drafts and closed entries; anonymous never', async () => {
      const mine = await result('GET', 'package_search', { include_private: 'true', sort: 'name asc' }, token());
      assert.deepEqual(names(mine.results), ['ga_cond', 'ga_draft', 'ga_inner', 'ga_rk', 'mz_db']);
      const flags = Object.fromEntries(mine.results.map((p: { name: string; private: boolean; state: string }) => [p.name, [p.private, p.state]]));
      assert.deepEqual(flags.ga_draft, [true, 'draft']);
      assert.deepEqual(flags.ga_inner, [true, 'active']);
      assert.deepEqual(flags.ga_rk, [false, 'active']);
      assert.equal((await result('GET', 'package_search', { include_private: 'true' }, { authorization: `Bearer ${c.gaToken}` })).count, 5, 'Bearer accepted too');
      assert.equal((await result('GET', 'package_search', {}, token())).count, 3, 'without include_private: public only');
      assert.equal((await result('GET', 'package_search', { include_private: true })).count, 3, 'anonymous: public only');
      // another department sees GA's published closed entry (catalog rule), not GA's draft
      const mzToken = (await c.req('POST', '/tokens', c.officers.MZ, { name: 'mz ckan' })).json().token;
      assert.deepEqual(names((await result('POST', 'package_search', { include_private: true, sort: 'name asc' }, { authorization: mzToken })).results), ['ga_cond', 'ga_inner', 'ga_rk', 'mz_db']);
      // ckanapi sends the token in Authorization and X-CKAN-API-Key alike; the DataStore still serves open data to it
      const both = { authorization: c.gaToken, 'x-ckan-api-key': c.gaToken };
      assert.equal((await result('POST', 'package_search', { include_private: true }, both)).count, 5);
      assert.equal((await result('POST', 'package_search', { include_private: true }, { 'x-ckan-api-key': c.gaToken })).count, 5);
      const rid = (await result('GET', 'package_show', { id: 'ga_rk' })).resources[0].id;
      assert.equal((await result('POST', 'datastore_search', { resource_id: rid }, both)).total, PEOPLE.length);
      await failure('GET', 'package_search', { include_private: 'perhaps' }, 409, 'Validation Error');
      await failure('GET', 'package_search', {}, 403, 'Authorization Error', { authorization: 'revoked-or-made-up' });
    });

    test('organization_list and organization_show', async () => {
      assert.deepEqual(await result('GET', 'organization_list'), ['cl', 'ga', 'mz'], 'by title: 残 (can) < 公 (gong) < 民 (min)');
      assert.deepEqual(await result('GET', 'organization_list', { sort: 'name desc' }), ['mz', 'ga', 'cl']);
      assert.deepEqual(await result('POST', 'organization_list', { sort: 'package_count desc', limit: 2, offset: 0 }), ['ga', 'mz']);
      const full = await result('GET', 'organization_list', { all_fields: 'true', limit: 1, offset: 1 });
      assert.equal(full.length, 1);
      assert.deepEqual({ name: full[0].name, title: full[0].title, package_count: full[0].package_count, is_organization: full[0].is_organization }, { name: 'ga', title: '公安局', package_count: 2, is_organization: true });
      assert.match(full[0].id, UUID);
      await failure('GET', 'organization_list', { sort: 'colour' }, 409, 'Validation Error');

      const ga = await result('GET', 'organization_show', { id: 'ga' });
      assert.equal(ga.title, '公安局');
      assert.equal(ga.package_count, 2);
      assert.equal(ga.packages, undefined);
      assert.deepEqual(names((await result('GET', 'organization_show', { id: ga.id, include_datasets: true })).packages), ['ga_cond', 'ga_rk']);
      assert.deepEqual(names((await result('GET', 'organization_show', { id: 'GA', include_datasets: true }, token())).packages), ['ga_cond', 'ga_draft', 'ga_inner', 'ga_rk']);
      await failure('GET', 'organization_show', { id: 'nope' }, 404, 'Not Found Error');
    });

    test('group_list (themes) and tag_list (keywords) of open data', async () => {
      assert.deepEqual(await result('GET', 'group_list'), ['民生', '人口']);
      const groups = await result('POST', 'group_list', { all_fields: true, sort: 'package_count desc' });
      assert.deepEqual(groups.map((g: { name: string; package_count: number }) => [g.name, g.package_count]), [['人口', 2], ['民生', 1]]);
      assert.match(groups[0].id, UUID);
      assert.deepEqual(names((await result('GET', 'group_show', { id: '民生', include_datasets: 'true' })).packages), ['mz_db']);
      assert.deepEqual(await result('GET', 'tag_list'), ['低保', '户籍', '救助', '人口']);
      assert.deepEqual(await result('GET', 'tag_list', { query: '低' }), ['低保']);
      assert.ok(!(await result('GET', 'tag_list', {}, token())).includes('草稿'), 'tags of drafts are not listed');
      assert.deepEqual((await result('GET', 'tag_list', { query: '救', all_fields: true })).map((t: { name: string }) => t.name), ['救助']);
    });

    test('datastore_search: fields with _id first, records, total, _links; q, filters, fields, sort, limit, offset, include_total', async () => {
      const rid = (await result('GET', 'package_show', { id: 'ga_rk' })).resources[0].id;
      const r = await result('GET', 'datastore_search', { resource_id: rid });
      assert.equal(r.resource_id, rid);
      assert.deepEqual(r.fields, [
        { id: '_id', type: 'int' }, { id: 'xm', type: 'text', info: { label: '姓名' } }, { id: 'qy', type: 'text', info: { label: '区域' } },
        { id: 'nl', type: 'int8', info: { label: '年龄' } }, { id: 'bz', type: 'text', info: { label: '备注' } },
      ]);
      assert.equal(r.total, PEOPLE.length);
      assert.equal(r.limit, 100);
      assert.deepEqual(r.records[0], { _id: 1, xm: '欧**娜', qy: '西湖区', nl: 34, bz: '低保户' });
      assert.deepEqual(r._links, { start: `/api/3/action/datastore_search?resource_id=${rid}`, next: `/api/3/action/datastore_search?resource_id=${rid}&offset=100` });

      const q = await result('POST', 'datastore_search', { resource_id: rid, q: '西湖' });
      assert.deepEqual(q.records.map((x: { _id: number }) => x._id), [1, 3]);
      assert.equal(q.total, 2);
      assert.equal((await result('GET', 'datastore_search', { resource_id: rid, q: '100%' })).total, 1, '% is a character, not a wildcard');
      // masked values are searched as masked: a name in clear finds nothing (no oracle for it)
      assert.equal((await result('GET', 'datastore_search', { resource_id: rid, q: PEOPLE[0]!.xm })).total, 0);
      assert.equal((await result('POST', 'datastore_search', { resource_id: rid, filters: { xm: PEOPLE[0]!.xm } })).total, 0);
      assert.equal((await result('POST', 'datastore_search', { resource_id: rid, q: { xm: '欧*' } })).total, 1);
      const f = await result('GET', 'datastore_search', { resource_id: rid, filters: JSON.stringify({ bz: '低保户', qy: ['西湖区', '拱墅区'] }) });
      assert.deepEqual(f.records.map((x: { _id: number }) => x._id), [1, 4]);
      assert.deepEqual((await result('POST', 'datastore_search', { resource_id: rid, filters: { nl: 51 } })).records.map((x: { _id: number }) => x._id), [2]);
      const some = await result('GET', 'datastore_search', { resource_id: rid, fields: 'qy,nl', sort: 'nl desc', limit: 2 });
      assert.deepEqual(some.fields.map((x: { id: string }) => x.id), ['qy', 'nl']);
      assert.deepEqual(some.records, [{ qy: '滨江区', nl: 62 }, { qy: '上城区', nl: 51 }]);
      const next = await result('POST', 'datastore_search', { resource_id: rid, fields: ['qy', 'nl'], sort: 'nl desc', limit: 2, offset: 2 });
      assert.deepEqual(next.records, [{ qy: '拱墅区', nl: 45 }, { qy: '西湖区', nl: 34 }]);
      assert.equal(some._links.next, `/api/3/action/datastore_search?resource_id=${rid}&fields=qy%2Cnl&sort=nl+desc&limit=2&offset=2`);
      const noTotal = await result('GET', 'datastore_search', { resource_id: rid, include_total: 'false', limit: 1 });
      assert.equal(noTotal.total, undefined);
      assert.equal(noTotal.records.length, 1);
      assert.equal((await result('GET', 'datastore_search', { resource_id: rid, limit: 999999 })).limit, 32000, 'limit is capped at 32000 as CKAN does');
      // the unversioned prefix answers the same
      assert.deepEqual((await result('GET', 'datastore_search', { resource_id: rid }, {}, '/api/action')).records, r.records);
    });

    test('datastore_search: unknown or dropped columns are Validation Errors naming them; resources it cannot serve', async () => {
      const p = await result('GET', 'package_show', { id: 'ga_rk' });
      const rid = p.resources[0].id;
      assert.deepEqual((await failure('GET', 'datastore_search', { resource_id: rid, fields: 'qy,sfzh' }, 409, 'Validation Error')).fields, ['field "sfzh" not in table']);
      assert.deepEqual((await failure('POST', 'datastore_search', { resource_id: rid, filters: { sfzh: 'x' } }, 409, 'Validation Error')).filters, ['field "sfzh" not in table']);
      assert.deepEqual((await failure('GET', 'datastore_search', { resource_id: rid, sort: 'colour asc' }, 409, 'Validation Error')).sort, ['field "colour" not in table']);
      assert.deepEqual((await failure('GET', 'datastore_search', { resource_id: rid, limit: -1 }, 409, 'Validation Error')).limit, ['Invalid integer']);
      assert.deepEqual((await failure('GET', 'datastore_search', {}, 409, 'Validation Error')).resource_id, ['Missing value']);
      await failure('GET', 'datastore_search', { resource_id: p.resources[1].id }, 404, 'Not Found Error');
      await failure('GET', 'datastore_search', { resource_id: 'nope' }, 404, 'Not Found Error');
      // conditional open data: an approved key (X-Api-Key, X-CKAN-API-Key, apikey or in Authorization) opens it
      const cond = (await result('GET', 'package_show', { id: 'ga_cond' })).resources[0].id;
      await failure('GET', 'datastore_search', { resource_id: cond }, 403, 'Authorization Error');
      await failure('GET', 'datastore_search', { resource_id: cond }, 403, 'Authorization Error', { 'x-api-key': 'gho_unknown' });
      for (const h of [{ 'x-api-key': c.openKey }, { 'x-ckan-api-key': c.openKey }, { authorization: c.openKey }] as Record<string, string>[]) {
        assert.equal((await result('GET', 'datastore_search', { resource_id: cond }, h)).total, PEOPLE.length);
      }
      assert.equal((await result('GET', 'datastore_search', { resource_id: cond, apikey: c.openKey })).total, PEOPLE.length);
    });

    test('datastore reads are audited like the portal\'s', async () => {
      const events = await c.events('data.read', 'GA_RK');
      const e = events.find((x) => x.details.format === 'ckan.datastore_search');
      assert.ok(e, 'a data.read of the CKAN DataStore');
      assert.equal(e.details.open, true);
      assert.deepEqual(e.details.masked, ['xm']);
      assert.ok(!(e.details.fields as string[]).includes('sfzh'));
    });

    test('no answer of the CKAN API carries an L3/L4 value or a dropped column', async () => {
      assert.ok(c.answers.length > 50, `${c.answers.length} answers checked`);
      for (const a of c.answers) {
        for (const s of SECRETS) assert.ok(!a.body.includes(s), `${a.asked} leaks ${s}`);
        if (!a.asked.includes('sfzh')) assert.ok(!a.body.includes('sfzh') && !a.body.includes('身份证号'), `${a.asked} names the dropped column: ${a.body.slice(0, 300)}`);
      }
    });
  });
}
