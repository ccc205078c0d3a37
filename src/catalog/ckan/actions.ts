import { type Caller, type Ctx, isUuid } from '../../kernel/index.ts';
import type { Dataset } from '../types.ts';
import { isOpenEntry } from '../openData.ts';
import { seesEntry } from '../visibility.ts';
import { ckanDenied, ckanInvalid, ckanNotFound } from './errors.ts';
import { boolParam, intParam } from './params.ts';
import { datastoreId, packageName, resourcesOf, toGroup, toPackage, toTag } from './dicts.ts';
import { allEntries, findable, jsonList, organizations, searchPackages } from './search.ts';

/** The DataStore, as share provides it (reads go through the open-data guard there). */
export interface CkanDatastore {
  search(ctx: Ctx, openKey: string | undefined, ds: Dataset, resourceId: string, params: Record<string, unknown>, links: { path: string; query: Record<string, string> }): Promise<unknown>;
  searchSql(ctx: Ctx, openKey: string | undefined, sql: unknown, resolve: (names: string[]) => Promise<Map<string, Dataset>>): Promise<unknown>;
}

/** One action call: who asks, with what, from where. */
export interface ActionCall {
  ctx: Ctx;
  datastore: CkanDatastore;
  /** The govhub caller of an API token in `Authorization`, or null (the public). */
  caller: Caller | null;
  /** An open-data key (`X-Api-Key`, `X-CKAN-API-Key`, `apikey`, or an open key in `Authorization`). */
  openKey: string | undefined;
  params: Record<string, unknown>;
  /** `http(s)://host[:port]` of this server. */
  base: string;
  /** The request path, and its simple parameters (for DataStore `_links`). */
  path: string;
  query: Record<string, string>;
}

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v)).trim();
/** CKAN's required `id`: missing answers a Validation Error naming it. */
function requiredId(p: Record<string, unknown>, name = 'id'): string {
  const id = str(p[name] ?? (name === 'id' ? p.name_or_id : undefined));
  if (!id) throw ckanInvalid(name, 'Missing value');
  return id;
}

/** The entry a package id or name (code, either case) names, when the caller may see it. */
async function findPackage(a: ActionCall, id: string): Promise<Dataset> {
  const entries = await allEntries(a.ctx);
  const lower = id.toLowerCase();
  const ds = (isUuid(id) ? entries.find((d) => d.id === lower) : undefined) ?? entries.find((d) => d.code === id) ?? entries.find((d) => packageName(d) === lower);
  if (!ds || !(isOpenEntry(ds) || (a.caller && seesEntry(a.caller, ds)))) throw ckanNotFound('Dataset not found');
  return ds;
}

/** The open entries and their DataStore (CSV) resource ids. */
async function datastoreTables(ctx: Ctx): Promise<Map<string, Dataset>> {
  return new Map((await allEntries(ctx)).filter((d) => isOpenEntry(d) && d.currentVersion > 0).map((d) => [datastoreId(d.id), d]));
}

/** CKAN's list sort for organizations and groups: `name`, `title` or `package_count`, asc or desc (default `title asc`). */
function listSort<T extends { name: string; title: string; package_count: number }>(items: T[], sort: unknown): T[] {
  const s = str(sort) || 'title asc';
  const [key = '', dir = 'asc'] = s.split(/\s+/);
  if (!['name', 'title', 'package_count'].includes(key) || !/^(asc|desc)$/i.test(dir)) throw ckanInvalid('sort', `Cannot sort by field \`${key}\``);
  const k = key as 'name' | 'title' | 'package_count';
  const sorted = [...items].sort((a, b) => (k === 'package_count' ? a[k] - b[k] : a[k].localeCompare(b[k], 'zh-Hans-CN')));
  return dir.toLowerCase() === 'desc' ? sorted.reverse() : sorted;
}

const LIST_MAX = 1000;
const page = <T>(items: T[], p: Record<string, unknown>) => {
  const offset = intParam(p.offset, 'offset', 0);
  const limit = intParam(p.limit, 'limit', LIST_MAX, LIST_MAX);
  return items.slice(offset, offset + limit);
};

async function organizationsWithCounts(a: ActionCall) {
  const [orgs, entries] = await Promise.all([organizations(a.ctx), allEntries(a.ctx)]);
  const open = findable(entries, null, false);
  return { orgs: [...orgs.values()].map((o) => ({ ...o, package_count: open.filter((d) => d.departmentId === o.id).length })), entries };
}

function groupsWithCounts(entries: Dataset[]) {
  const counts = new Map<string, number>();
  for (const d of findable(entries, null, false)) if (d.theme) counts.set(d.theme, (counts.get(d.theme) ?? 0) + 1);
  return [...counts].map(([theme, n]) => ({ ...toGroup(theme), package_count: n }));
}

/** A page of packages found with package_search's rules (organization_show, group_show). */
const packagesOf = (a: ActionCall, fq: string) =>
  searchPackages(a.ctx, a.caller, { fq, rows: LIST_MAX, start: 0, sort: 'name asc', facetFields: [], facetLimit: 0, facetMinCount: 1, includePrivate: true }, a.base);

const quoted = (v: string) => `"${v.replace(/["\\]/g, '\\$&')}"`;

/** The read actions, by name; each returns CKAN's `result`. */
export const ACTIONS: Record<string, (a: ActionCall) => Promise<unknown>> = {
  async package_list(a) {
    const names = findable(await allEntries(a.ctx), null, false).map(packageName).sort();
    return page(names, a.params);
  },

  async current_package_list_with_resources(a) {
    const r = await searchPackages(a.ctx, null, {
      rows: intParam(a.params.limit, 'limit', LIST_MAX, LIST_MAX), start: intParam(a.params.offset, 'offset', 0), sort: 'metadata_modified desc',
      facetFields: [], facetLimit: 0, facetMinCount: 1, includePrivate: false,
    }, a.base);
    return r.results;
  },

  async package_search(a) {
    const p = a.params;
    return searchPackages(a.ctx, a.caller, {
      q: str(p.q), fq: str(p.fq), sort: str(p.sort) || undefined,
      rows: intParam(p.rows, 'rows', 10, 1000), start: intParam(p.start, 'start', 0),
      facetFields: jsonList(p['facet.field'], 'facet.field'),
      facetLimit: p['facet.limit'] === '-1' || p['facet.limit'] === -1 ? -1 : intParam(p['facet.limit'], 'facet.limit', 50),
      facetMinCount: intParam(p['facet.mincount'], 'facet.mincount', 1),
      includePrivate: boolParam(p.include_private, 'include_private', false) || boolParam(p.include_drafts, 'include_drafts', false),
    }, a.base);
  },

  async package_show(a) {
    const ds = await findPackage(a, requiredId(a.params));
    return toPackage(ds, (await organizations(a.ctx)).get(ds.departmentId), a.base);
  },

  async resource_show(a) {
    const id = requiredId(a.params).toLowerCase();
    const entries = await allEntries(a.ctx);
    for (const ds of entries) {
      const r = resourcesOf(ds, a.base).find((x) => x.id === id);
      if (r && (isOpenEntry(ds) || (a.caller && seesEntry(a.caller, ds)))) return r;
    }
    throw ckanNotFound('Resource was not found.');
  },

  async organization_list(a) {
    const { orgs } = await organizationsWithCounts(a);
    const list = page(listSort(orgs, a.params.sort), a.params);
    return boolParam(a.params.all_fields, 'all_fields', false) ? list : list.map((o) => o.name);
  },

  async organization_show(a) {
    const id = requiredId(a.params).toLowerCase();
    const { orgs } = await organizationsWithCounts(a);
    const org = orgs.find((o) => o.id === id || o.name === id);
    if (!org) throw ckanNotFound('Organization was not found.');
    const withDatasets = boolParam(a.params.include_datasets, 'include_datasets', false);
    return { ...org, users: [], extras: [], groups: [], tags: [], ...(withDatasets ? { packages: (await packagesOf(a, `organization:${quoted(org.name)}`)).results } : {}) };
  },

  async group_list(a) {
    const groups = page(listSort(groupsWithCounts(await allEntries(a.ctx)), a.params.sort), a.params);
    return boolParam(a.params.all_fields, 'all_fields', false) ? groups : groups.map((g) => g.name);
  },

  async group_show(a) {
    const id = requiredId(a.params);
    const group = groupsWithCounts(await allEntries(a.ctx)).find((g) => g.id === id.toLowerCase() || g.name === id);
    if (!group) throw ckanNotFound('Group was not found.');
    const withDatasets = boolParam(a.params.include_datasets, 'include_datasets', false);
    return { ...group, users: [], extras: [], groups: [], tags: [], ...(withDatasets ? { packages: (await packagesOf(a, `groups:${quoted(group.name)}`)).results } : {}) };
  },

  async tag_list(a) {
    const query = str(a.params.query ?? a.params.q).toLowerCase();
    const names = [...new Set(findable(await allEntries(a.ctx), null, false).flatMap((d) => d.keywords))]
      .filter((t) => !query || t.toLowerCase().includes(query)).sort((x, y) => x.localeCompare(y, 'zh-Hans-CN'));
    return boolParam(a.params.all_fields, 'all_fields', false) ? names.map(toTag) : names;
  },

  async datastore_search(a) {
    const id = requiredId(a.params, 'resource_id').toLowerCase();
    const ds = (await datastoreTables(a.ctx)).get(id);
    if (!ds) throw ckanNotFound(`Resource "${id}" was not found.`);
    return a.datastore.search(a.ctx, a.openKey, ds, id, a.params, { path: a.path, query: a.query });
  },

  async datastore_search_sql(a) {
    if (a.params.sql === undefined) throw ckanInvalid('sql', 'Missing value');
    return a.datastore.searchSql(a.ctx, a.openKey, a.params.sql, async (names) => {
      const tables = await datastoreTables(a.ctx);
      return new Map(names.flatMap((n) => (tables.has(n) ? [[n, tables.get(n)!] as const] : [])));
    });
  },

  async status_show(a) {
    return {
      ckan_version: '2.10.0', site_title: 'govhub 政务开放数据 / govhub open data', site_url: a.base,
      site_description: '政务大数据平台开放数据目录（CKAN 2.10 Action API 兼容，只读）/ open data of the government data platform (CKAN 2.10 Action API, read-only)',
      site_about: '', error_emails_to: null, locale_default: 'zh_CN', extensions: ['datastore'],
    };
  },

  async help_show(a) {
    const name = requiredId(a.params, 'name');
    if (!(name in HELP)) throw ckanNotFound('Action function not found');
    return HELP[name];
  },
};

/** What each action does, for help_show (CKAN returns the action's docstring). */
const HELP: Record<string, string> = {
  package_list: 'Return a list of the names of the public datasets (open data). :param limit: :param offset:',
  current_package_list_with_resources: 'Return public datasets with their resources, most recently modified first. :param limit: :param offset:',
  package_search: 'Search datasets. :param q: :param fq: :param rows: (default 10, at most 1000) :param start: :param sort: (default "score desc, metadata_modified desc") :param facet.field: :param facet.limit: :param include_private:',
  package_show: 'Return the metadata of a dataset and its resources. :param id: the id or name of the dataset',
  resource_show: 'Return the metadata of a resource. :param id:',
  organization_list: 'Return the organizations (departments). :param all_fields: :param sort: :param limit: :param offset:',
  organization_show: 'Return an organization (department). :param id: :param include_datasets:',
  group_list: 'Return the groups (themes). :param all_fields: :param sort: :param limit: :param offset:',
  group_show: 'Return a group (theme). :param id: :param include_datasets:',
  tag_list: 'Return the tags (keywords) of public datasets. :param query: :param all_fields:',
  datastore_search: 'Search a DataStore resource (open data, through the open-data guard). :param resource_id: :param q: :param filters: :param fields: :param sort: :param limit: (default 100, at most 32000) :param offset: :param include_total:',
  datastore_search_sql: 'Run one read-only SELECT over DataStore resources (tables are resource ids). :param sql:',
  status_show: 'Return the version of the CKAN API spoken (2.10) and the site.',
  help_show: 'Return the help text of an action. :param name:',
};

/** CKAN's write actions: known to CKAN, refused here (the catalog is edited through the govhub API). */
export const WRITE_ACTIONS = /^(package|resource|organization|group|member|user|tag|vocabulary|datastore|dataset_purge|bulk|task_status|term_translation|follow|unfollow|activity|api_token|config_option|job|dashboard|send_email|package_relationship|resource_view)_?\w*(create|update|patch|delete|purge|upsert|reorder|revise|clear|cancel|mark|revoke|follow|set|_owner_org)\w*$/;

/** The Authorization Error of a write action. */
export const readOnly = (name: string) => ckanDenied(`${name}: 本目录经 CKAN 接口只读，请用 govhub API 编辑 / the catalog is read-only through the CKAN API; use the govhub API to edit it`);
