import type { Dataset } from './types.ts';

/** The formats an open dataset is downloaded in, with their IANA media type and EU file type. */
export const DOWNLOAD_FORMATS = {
  csv: { mediaType: 'text/csv', fileType: 'CSV', title: 'CSV' },
  xlsx: { mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', fileType: 'XLSX', title: 'Excel (XLSX)' },
  json: { mediaType: 'application/json', fileType: 'JSON', title: 'JSON' },
  parquet: { mediaType: 'application/vnd.apache.parquet', fileType: 'PARQUET', title: 'Apache Parquet' },
} as const;
export type DownloadFormat = keyof typeof DOWNLOAD_FORMATS;

/**
 * The public links of open data, all under one base (the platform's public address, no trailing
 * slash): the portal page of a dataset, its downloads, the CKAN API and the catalog itself.
 */
export const openLinks = (base: string) => ({
  portalPage: (code: string) => `${base}/portal/datasets/${encodeURIComponent(code)}`,
  download: (code: string, format: DownloadFormat, version?: number) =>
    `${base}/api/v1/open/datasets/${encodeURIComponent(code)}/download?format=${format}${version ? `&version=${version}` : ''}`,
  dataPackage: (code: string) => `${base}/api/v1/open/datasets/${encodeURIComponent(code)}/datapackage.json`,
  ckanApi: `${base}/api/3/action/`,
  catalog: `${base}/catalog.ttl`,
  portal: `${base}/portal/`,
});

/** A licence of open data: its SPDX id (when it has one), a URL, a title, and the EU licence authority's IRI. */
export interface Licence {
  id: string;
  url: string;
  title: string;
  /** http://publications.europa.eu/resource/authority/licence/… when the EU vocabulary names it. */
  eu?: string;
}

const EU_LICENCE = 'http://publications.europa.eu/resource/authority/licence/';
const LICENCES: Record<string, Omit<Licence, 'id'>> = {
  'CC-BY-4.0': { url: 'https://creativecommons.org/licenses/by/4.0/', title: 'Creative Commons Attribution 4.0 International', eu: `${EU_LICENCE}CC_BY_4_0` },
  'CC-BY-SA-4.0': { url: 'https://creativecommons.org/licenses/by-sa/4.0/', title: 'Creative Commons Attribution-ShareAlike 4.0 International', eu: `${EU_LICENCE}CC_BYSA_4_0` },
  'CC0-1.0': { url: 'https://creativecommons.org/publicdomain/zero/1.0/', title: 'Creative Commons Zero v1.0 Universal', eu: `${EU_LICENCE}CC0` },
  'ODbL-1.0': { url: 'https://opendatacommons.org/licenses/odbl/1-0/', title: 'Open Data Commons Open Database License v1.0', eu: `${EU_LICENCE}ODC_BL` },
  'PDDL-1.0': { url: 'https://opendatacommons.org/licenses/pddl/1-0/', title: 'Open Data Commons Public Domain Dedication & License 1.0', eu: `${EU_LICENCE}ODC_PDDL` },
  'ODC-By-1.0': { url: 'https://opendatacommons.org/licenses/by/1-0/', title: 'Open Data Commons Attribution License v1.0', eu: `${EU_LICENCE}ODC_BY` },
};

/** Characters a URL may hold and still be written as it is into an IRI (Turtle) and a JSON document. */
const IRI_SAFE = /^[^\s<>"{}|\\^`]+$/;

/** The licence of an open dataset: its own (an SPDX id or a URL), CC-BY-4.0 when it names none. */
export function licenceOf(ds: Pick<Dataset, 'licence'>): Licence {
  const l = ds.licence?.trim() || 'CC-BY-4.0';
  const known = Object.entries(LICENCES).find(([id, v]) => id.toLowerCase() === l.toLowerCase() || v.url === l || v.eu === l);
  if (known) return { id: known[0], ...known[1] };
  if (/^https?:\/\//i.test(l) && IRI_SAFE.test(l) && URL.canParse(l)) return { id: l, url: l, title: l };
  return { id: l, url: `https://spdx.org/licenses/${encodeURIComponent(l)}.html`, title: l };
}
