import type { Caller, Ctx } from '../../kernel/index.ts';
import { DATASET_SELECT, toDataset } from '../datasets.ts';
import { isOpenEntry, openColumns } from '../openData.ts';
import { seesEntry } from '../visibility.ts';
import type { Dataset } from '../types.ts';
import { ckanInvalid, searchQueryError } from './errors.ts';
import { type DepartmentRow, licenceOf, licenceTitle, modified, type Organization, packageName, resourcesOf, toOrganization, toPackage } from './dicts.ts';

/** Every catalog entry, in code order (the catalog is small; the search service will take this over). */
export async function allEntries(ctx: Ctx): Promise<Dataset[]> {
  return (await ctx.db.query<Parameters<typeof toDataset>[0]>(`${DATASET_SELECT} ORDER BY ds.code`)).map(toDataset);
}

/** Every department as an organization, by id. */
export async function organizations(ctx: Ctx): Promise<Map<string, Organization>> {
  const rows = await ctx.db.query<DepartmentRow>('SELECT id, code, name, name_en, created_at FROM departments ORDER BY code');
  return new Map(rows.map((r) => [r.id, toOrganization(r)]));
}

/**
 * The entries a CKAN caller finds: open data (CKAN's public datasets) for everyone; with
 * `includePrivate`, also every entry the caller may see in the catalog (`seesEntry`) — for a
 * government token, its department's drafts and published entries not open to the public.
 */
export function findable(entries: Dataset[], caller: Caller | null, includePrivate: boolean): Dataset[] {
  return entries.filter((ds) => isOpenEntry(ds) || (includePrivate && !!caller && seesEntry(caller, ds)));
}

/** The facet fields package_search counts. */
const FACETS: Record<string, (ds: Dataset, orgs: Map<string, Organization>) => { name: string; display: string }[]> = {
  organization: (ds, orgs) => [{ name: ds.departmentCode.toLowerCase(), display: orgs.get(ds.departmentId)?.title ?? ds.departmentName }],
  groups: (ds) => (ds.theme ? [{ name: ds.theme, display: ds.theme }] : []),
  tags: (ds) => ds.keywords.map((k) => ({ name: k, display: k })),
  res_format: (ds) => resourcesOf(ds, '').map((r) => ({ name: r.format, display: r.format })),
  license_id: (ds) => [{ name: licenceOf(ds), display: licenceTitle(licenceOf(ds)) }],
};

/** What each fq / q field matches (lower-cased values), CKAN's Solr names and the national catalog extras. */
const FILTERS: Record<string, (ds: Dataset) => (string | null | undefined)[]> = {
  organization: (ds) => [ds.departmentCode],
  owner_org: (ds) => [ds.departmentId],
  groups: (ds) => [ds.theme],
  tags: (ds) => ds.keywords,
  res_format: (ds) => resourcesOf(ds, '').map((r) => r.format),
  license_id: (ds) => [licenceOf(ds)],
  name: (ds) => [packageName(ds)],
  id: (ds) => [ds.id],
  private: (ds) => [String(!isOpenEntry(ds))],
  capacity: (ds) => [isOpenEntry(ds) ? 'public' : 'private'],
  dataset_type: () => ['dataset'],
  type: () => ['dataset'],
  state: (ds) => [ds.status === 'published' ? 'active' : 'draft'],
  category: (ds) => [ds.category],
  layer: (ds) => [ds.layer],
  share_type: (ds) => [ds.shareType],
  open_type: (ds) => [ds.openType],
  update_cycle: (ds) => [ds.updateCycle],
  resource_format: (ds) => [ds.resourceFormat],
};

interface Filter { field: string; values: string[]; negate: boolean }

/** `field:value` clauses (value bare, "quoted" or `(a OR b)`), joined by spaces or AND; what is left are text terms. */
function parseClauses(text: string, param: string): { filters: Filter[]; terms: string[] } {
  const filters: Filter[] = [];
  const rest = text.replace(/([+-]?)([A-Za-z_][\w.]*):("(?:[^"\\]|\\.)*"|\([^)]*\)|\S+)/g, (_m, sign: string, field: string, raw: string) => {
    const key = field.startsWith('extras_') ? field.slice(7) : field;
    if (!Object.hasOwn(FILTERS, key)) throw searchQueryError(`${param}: unknown field ${field}`);
    const inner = raw.startsWith('(') ? raw.slice(1, -1).split(/\s+OR\s+/i) : [raw];
    const values = inner.map((v) => v.trim().replace(/^"(.*)"$/s, '$1').replace(/\\(.)/g, '$1').toLowerCase()).filter(Boolean);
    filters.push({ field: key, values, negate: sign === '-' });
    return ' ';
  });
  const terms = rest.replace(/\*:\*/g, ' ').split(/\s+/).filter((t) => t && !/^(AND|OR|\+)$/.test(t)).map((t) => t.replace(/^"|"$/g, '').toLowerCase()).filter(Boolean);
  return { filters, terms };
}

const matches = (ds: Dataset, f: Filter) => {
  const have = FILTERS[f.field]!(ds).filter((v): v is string => !!v).map((v) => v.toLowerCase());
  const hit = f.values.some((v) => have.includes(v));
  return f.negate ? !hit : hit;
};

/** How well an entry matches the text terms (0: not every term is found). Titles weigh most, then keywords, then the rest. */
function score(ds: Dataset, terms: string[]): number {
  if (!terms.length) return 1;
  const title = `${ds.name} ${ds.code}`.toLowerCase();
  const tags = `${ds.keywords.join(' ')} ${ds.theme ?? ''}`.toLowerCase();
  const rest = [ds.description, ds.departmentName, ds.departmentCode, ...openColumns(ds).flatMap((c) => [c.name, c.title, c.description ?? ''])].join(' ').toLowerCase();
  let s = 0;
  for (const t of terms) {
    const w = (title.includes(t) ? 3 : 0) + (tags.includes(t) ? 2 : 0) + (rest.includes(t) ? 1 : 0);
    if (!w) return 0;
    s += w;
  }
  return s;
}

const SORTS: Record<string, (ds: Dataset, score: number) => string | number> = {
  score: (_ds, s) => s,
  metadata_modified: (ds) => modified(ds),
  metadata_created: (ds) => ds.createdAt,
  name: (ds) => packageName(ds),
  title_string: (ds) => ds.name,
  title: (ds) => ds.name,
};

function parseSort(sort: string): { key: string; desc: boolean }[] {
  return sort.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const [key = '', dir = 'asc', ...more] = s.split(/\s+/);
    if (!Object.hasOwn(SORTS, key) || more.length || !/^(asc|desc)$/i.test(dir)) throw searchQueryError(`sort: cannot sort by "${s}"`);
    return { key, desc: dir.toLowerCase() === 'desc' };
  });
}

export interface PackageSearchParams {
  q?: string;
  fq?: string;
  rows: number;
  start: number;
  sort?: string;
  facetFields: string[];
  /** Items per facet; negative: all. */
  facetLimit: number;
  facetMinCount: number;
  includePrivate: boolean;
}

export const DEFAULT_SORT = 'score desc, metadata_modified desc';

/**
 * package_search: the seam where the catalog's search service will plug in. Text terms (every one
 * must be found: title, code, keywords, theme, description, department, open columns), fq/q field
 * clauses, facets over what matched, sort, and a page of packages.
 */
export async function searchPackages(ctx: Ctx, caller: Caller | null, p: PackageSearchParams, base: string) {
  const [entries, orgs] = await Promise.all([allEntries(ctx), organizations(ctx)]);
  const q = parseClauses(p.q ?? '', 'q');
  const fq = parseClauses(p.fq ?? '', 'fq');
  const filters = [...q.filters, ...fq.filters];
  const terms = [...q.terms, ...fq.terms];
  const sortKeys = parseSort(p.sort?.trim() || DEFAULT_SORT);
  const hits = findable(entries, caller, p.includePrivate)
    .filter((ds) => filters.every((f) => matches(ds, f)))
    .map((ds) => ({ ds, score: score(ds, terms) }))
    .filter((h) => h.score > 0);
  hits.sort((a, b) => {
    for (const k of sortKeys) {
      const x = SORTS[k.key]!(a.ds, a.score);
      const y = SORTS[k.key]!(b.ds, b.score);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'zh-Hans-CN');
      if (c) return k.desc ? -c : c;
    }
    return a.ds.code.localeCompare(b.ds.code);
  });
  const facets: Record<string, Record<string, number>> = {};
  const searchFacets: Record<string, { title: string; items: { name: string; display_name: string; count: number }[] }> = {};
  for (const field of p.facetFields) {
    const fn = Object.hasOwn(FACETS, field) ? FACETS[field]! : () => [];
    const counts = new Map<string, { display: string; count: number }>();
    for (const h of hits) {
      for (const v of new Map(fn(h.ds, orgs).map((x) => [x.name, x])).values()) {
        const c = counts.get(v.name) ?? { display: v.display, count: 0 };
        c.count++;
        counts.set(v.name, c);
      }
    }
    let items = [...counts].filter(([, c]) => c.count >= p.facetMinCount).sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]));
    if (p.facetLimit >= 0) items = items.slice(0, p.facetLimit);
    facets[field] = Object.fromEntries(items.map(([name, c]) => [name, c.count]));
    searchFacets[field] = { title: field, items: items.map(([name, c]) => ({ name, display_name: c.display, count: c.count })) };
  }
  const page = hits.slice(p.start, p.start + p.rows);
  return {
    count: hits.length, sort: p.sort?.trim() || DEFAULT_SORT, facets, search_facets: searchFacets,
    results: page.map((h) => toPackage(h.ds, orgs.get(h.ds.departmentId), base)),
  };
}

/** A JSON list parameter (CKAN's `facet.field`): a list, or its JSON text. */
export function jsonList(v: unknown, name: string): string[] {
  if (v === undefined || v === null || v === '') return [];
  let list = v;
  if (typeof v === 'string') {
    try {
      list = JSON.parse(v);
    } catch {
      throw ckanInvalid(name, 'Could not parse as valid JSON');
    }
  }
  if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) throw ckanInvalid(name, 'Not a list of strings');
  return list as string[];
}
