import { createHash } from 'node:crypto';
import { DEFAULT_LICENCE, isOpenEntry } from '../openData.ts';
import type { Dataset } from '../types.ts';

/**
 * Catalog entries as CKAN 2.10 dictionaries: a dataset is a package, its department an
 * organization, its theme a group, its keywords tags, its national catalog metadata extras, and
 * each open download format a resource (the CSV one is the DataStore table).
 */

/**
 * A name-based UUID (version 5 layout over SHA-1): the same name gives the same id on every server
 * and after every restart, so resource and group ids are stable without being stored.
 */
export function stableUuid(name: string): string {
  const h = createHash('sha1').update(`govhub:ckan:${name}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** The download formats of open data, as CKAN resources, in this order (the CSV is the DataStore table). */
export const RESOURCE_FORMATS = [
  { key: 'csv', format: 'CSV', mimetype: 'text/csv' },
  { key: 'xlsx', format: 'XLSX', mimetype: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  { key: 'json', format: 'JSON', mimetype: 'application/json' },
  { key: 'parquet', format: 'Parquet', mimetype: 'application/vnd.apache.parquet' },
] as const;

export const resourceId = (datasetId: string, format: string) => stableUuid(`resource:${datasetId}:${format}`);
/** The DataStore table of a dataset: its CSV resource. */
export const datastoreId = (datasetId: string) => resourceId(datasetId, 'csv');
export const groupId = (theme: string) => stableUuid(`group:${theme}`);

/** A package's name: the dataset code, lower-cased (CKAN names are lower-case). */
export const packageName = (ds: Pick<Dataset, 'code'>) => ds.code.toLowerCase();

/** A time as CKAN writes it: UTC without a zone designator, microseconds. */
export function ckanTime(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z?$/.exec(new Date(iso).toISOString());
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(6, '0').slice(0, 6)}` : iso;
}

const LICENCES: Record<string, { title: string; url: string }> = {
  'CC-BY-4.0': { title: 'Creative Commons Attribution 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' },
  'CC0-1.0': { title: 'Creative Commons CCZero', url: 'https://creativecommons.org/publicdomain/zero/1.0/' },
  'CC-BY-SA-4.0': { title: 'Creative Commons Attribution Share-Alike 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' },
  'ODC-BY-1.0': { title: 'Open Data Commons Attribution License', url: 'https://opendatacommons.org/licenses/by/1-0/' },
};
export const licenceOf = (ds: Pick<Dataset, 'licence'>) => ds.licence ?? DEFAULT_LICENCE;
export const licenceTitle = (id: string) => LICENCES[id]?.title ?? id;

/** A department as the organization dictionary CKAN lists. */
export interface Organization {
  id: string; name: string; title: string; display_name: string; description: string; type: 'organization'; is_organization: true;
  state: 'active'; approval_status: 'approved'; image_url: string; image_display_url: string; created: string | null; package_count?: number;
}

export interface DepartmentRow { id: string; code: string; name: string; name_en: string | null; created_at: Date }

export const toOrganization = (d: DepartmentRow): Organization => ({
  id: d.id, name: d.code.toLowerCase(), title: d.name, display_name: d.name, description: d.name_en ?? '', type: 'organization', is_organization: true,
  state: 'active', approval_status: 'approved', image_url: '', image_display_url: '', created: ckanTime(new Date(d.created_at).toISOString()),
});

/** A theme as a CKAN group: its name is the theme itself. */
export const toGroup = (theme: string) => ({
  id: groupId(theme), name: theme, title: theme, display_name: theme, description: '', type: 'group', is_organization: false, state: 'active',
  approval_status: 'approved', image_url: '', image_display_url: '',
});

export const toTag = (name: string) => ({ id: stableUuid(`tag:${name}`), name, display_name: name, state: 'active', vocabulary_id: null });

/** When the entry or its data last changed. */
export function modified(ds: Dataset): string {
  return [ds.updatedAt, ds.dataUpdatedAt, ds.publishedAt].filter((t): t is string => !!t).sort().at(-1)!;
}

/** National catalog metadata (政务信息资源目录) as CKAN extras; values are text, empty ones left out. */
function extras(ds: Dataset) {
  const pairs: [string, unknown][] = [
    ['resource_code', ds.code], ['category', ds.category], ['resource_format', ds.resourceFormat], ['layer', ds.layer],
    ['share_type', ds.shareType], ['share_condition', ds.shareCondition], ['share_method', ds.shareMethod],
    ['open_type', ds.openType], ['open_condition', ds.openCondition], ['update_cycle', ds.updateCycle],
    ['row_count', ds.rowCount], ['quality', ds.quality], ['current_version', ds.currentVersion],
    ['data_updated', ckanTime(ds.dataUpdatedAt)], ['published', ckanTime(ds.publishedAt)], ['contact_phone', ds.contact?.phone],
  ];
  return pairs.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([key, v]) => ({ key, value: String(v) }));
}

/** The resources of an entry: one per open download format when it is open data with a version; none otherwise. */
export function resourcesOf(ds: Dataset, base: string) {
  if (!isOpenEntry(ds) || ds.currentVersion < 1) return [];
  const keyNote = ds.openType === 'conditional' ? ' 有条件开放：需获批的开放数据密钥 / conditionally open: an approved key is needed.' : '';
  return RESOURCE_FORMATS.map((f, position) => ({
    id: resourceId(ds.id, f.key), package_id: ds.id, name: `${ds.name} (${f.format})`,
    description: `${ds.name}，${f.format} 下载 / ${f.format} download.${keyNote}`, format: f.format, mimetype: f.mimetype, mimetype_inner: null,
    url: `${base}/api/v1/open/datasets/${encodeURIComponent(ds.code)}/download?format=${f.key}`, url_type: null,
    datastore_active: f.key === 'csv', created: ckanTime(ds.publishedAt ?? ds.createdAt), last_modified: ckanTime(ds.dataUpdatedAt),
    metadata_modified: ckanTime(modified(ds)), position, state: 'active', size: null, hash: '', resource_type: null, cache_url: null,
  }));
}
export type Resource = ReturnType<typeof resourcesOf>[number];

/** An entry as CKAN's package dictionary; `org` is its department's organization. */
export function toPackage(ds: Dataset, org: Organization | undefined, base: string) {
  const resources = resourcesOf(ds, base);
  const tags = ds.keywords.map(toTag);
  const licence = licenceOf(ds);
  return {
    id: ds.id, name: packageName(ds), title: ds.name, notes: ds.description, type: 'dataset',
    url: `${base}/api/v1/open/datasets/${encodeURIComponent(ds.code)}`, version: String(ds.currentVersion),
    author: ds.departmentName, author_email: null, maintainer: ds.contact?.name ?? null, maintainer_email: ds.contact?.email ?? null,
    license_id: licence, license_title: licenceTitle(licence), ...(LICENCES[licence] ? { license_url: LICENCES[licence].url } : {}),
    isopen: isOpenEntry(ds), private: !isOpenEntry(ds), state: ds.status === 'published' ? 'active' : 'draft',
    metadata_created: ckanTime(ds.createdAt), metadata_modified: ckanTime(modified(ds)), creator_user_id: null,
    owner_org: ds.departmentId, organization: org ?? null,
    groups: ds.theme ? [toGroup(ds.theme)] : [], tags, num_tags: tags.length, extras: extras(ds),
    resources, num_resources: resources.length, relationships_as_object: [], relationships_as_subject: [],
  };
}
export type Package = ReturnType<typeof toPackage>;
