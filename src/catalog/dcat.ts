/**
 * The open catalog as DCAT-AP 3.0: one dcat:Catalog whose datasets are the open entries (published,
 * open or conditionally open), each with its publisher, contact point, EU theme, frequency, access
 * right and one distribution per download format. Serialised as Turtle and as JSON-LD; the JSON-LD
 * context is inline, so a reader needs no document from elsewhere (the platform runs air-gapped).
 *
 * Only catalog metadata goes in: no field of a dataset and no data value.
 */
import { DataFactory, Writer, type NamedNode, type Quad, type Quad_Object } from 'n3';
import { areaFullName } from '../standards/index.ts';
import { isOpenEntry } from './openData.ts';
import { accessRight, DATA_THEMES, dataTheme, EU_AUTHORITY, frequency, licenceType, LOCAL_AUTHORITY } from './dcatVocabularies.ts';
import { DOWNLOAD_FORMATS, type DownloadFormat, licenceOf, openLinks } from './openLinks.ts';
import type { Dataset } from './types.ts';

const { namedNode, literal, quad } = DataFactory;

export const RDF_PREFIXES = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  dcatap: 'http://data.europa.eu/r5r/',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
} as const;

type Prefix = keyof typeof RDF_PREFIXES;
/** `iri('dct:title')`: a prefixed name as a named node. */
const iris = new Map<string, NamedNode>();
const iri = (name: `${Prefix}:${string}`) => {
  let n = iris.get(name);
  if (!n) {
    const [p, local] = name.split(':') as [Prefix, string];
    iris.set(name, (n = namedNode(RDF_PREFIXES[p] + local)));
  }
  return n;
};
const A = iri('rdf:type');
const zh = (s: string) => literal(s, 'zh');
const en = (s: string) => literal(s, 'en');
/** An e-mail address that makes a well-formed mailto: IRI (the contact's address is free text). */
const EMAIL = /^[^\s<>"{}|\\^`@]+@[^\s<>"{}|\\^`@]+$/;
const dateTime = (s: string) => literal(new Date(s).toISOString(), iri('xsd:dateTime'));

/** What the catalog says of itself. */
export interface CatalogInfo {
  title: { zh: string; en: string };
  description: { zh: string; en: string };
  /** The body that publishes the catalog. */
  publisher: string;
}

export const DEFAULT_CATALOG_INFO: CatalogInfo = {
  title: { zh: '政务数据开放目录', en: 'Government open data catalog' },
  description: {
    zh: '本平台向社会开放的政务数据资源目录：无条件开放与有条件开放的数据集、提供部门、更新周期、许可与下载方式。',
    en: 'The catalog of the government data this platform opens to the public: open and conditionally open datasets, their providing departments, update cycles, licences and downloads.',
  },
  publisher: '政务数据主管部门',
};

export interface CatalogInput {
  /** Public base address, no trailing slash. */
  base: string;
  /** Catalog entries; those that are not open are left out. */
  datasets: Dataset[];
  /** What the catalog knows of each department beyond its dataset rows, by department code: its region (GB/T 2260, for dct:spatial) and English name. */
  departments?: Record<string, { region?: string; nameEn?: string | null }>;
  info?: CatalogInfo;
}

/** The DCAT-AP 3.0 graph of the open catalog, as quads (default graph). */
export function catalogQuads(input: CatalogInput): Quad[] {
  const { base, departments = {}, info = DEFAULT_CATALOG_INFO } = input;
  const links = openLinks(base);
  const open = input.datasets.filter(isOpenEntry).sort((a, b) => a.code.localeCompare(b.code));
  const out: Quad[] = [];
  const add = (s: Quad['subject'], p: Quad['predicate'], o: Quad_Object) => void out.push(quad(s, p, o));
  /** A node shared by several datasets (a vocabulary term, a department, a region): described once. */
  const described = new Set<string>();
  const shared = (value: string, describe: (n: NamedNode) => void) => {
    const n = namedNode(value);
    if (!described.has(value)) described.add(value), describe(n);
    return n;
  };
  /** A term of a controlled vocabulary, typed as the range DCAT-AP gives it (and labelled when it is a skos:Concept). */
  const term = (value: string, type: `${Prefix}:${string}`, label?: string, more?: (n: NamedNode) => void) => shared(value, (n) => {
    add(n, A, iri(type));
    if (label) add(n, iri('skos:prefLabel'), en(label));
    more?.(n);
  });
  const document = (url: string) => term(url, 'foaf:Document');
  const licence = (ds: Pick<Dataset, 'licence'>) => {
    const l = licenceOf(ds);
    const type = licenceType(l.id);
    return term(l.eu ?? l.url, 'dct:LicenseDocument', undefined, (n) => type && add(n, iri('dct:type'), term(type, 'skos:Concept', type.split('/').pop())));
  };
  const agent = (node: string, name: string, code?: string) => shared(node, (n) => {
    add(n, A, iri('foaf:Agent'));
    add(n, iri('foaf:name'), zh(name));
    const nameEn = code ? departments[code]?.nameEn?.trim() : undefined;
    if (nameEn) add(n, iri('foaf:name'), en(nameEn));
    if (code) add(n, iri('dct:identifier'), literal(code));
    add(n, iri('dct:type'), term(LOCAL_AUTHORITY, 'skos:Concept', 'Local Authority'));
  });
  const region = (code: string | undefined) => code === undefined ? undefined : shared(`${base}/catalog#region-${encodeURIComponent(code)}`, (n) => {
    add(n, A, iri('dct:Location'));
    add(n, iri('dct:identifier'), literal(code));
    const name = areaFullName(code);
    if (name) add(n, iri('skos:prefLabel'), zh(name));
  });
  const themes = namedNode(EU_AUTHORITY.dataTheme);

  const catalog = namedNode(`${base}/catalog`);
  add(catalog, A, iri('dcat:Catalog'));
  add(catalog, iri('dct:title'), zh(info.title.zh));
  add(catalog, iri('dct:title'), en(info.title.en));
  add(catalog, iri('dct:description'), zh(info.description.zh));
  add(catalog, iri('dct:description'), en(info.description.en));
  add(catalog, iri('dct:publisher'), agent(`${base}/catalog#publisher`, info.publisher));
  add(catalog, iri('dct:language'), term(`${EU_AUTHORITY.language}ZHO`, 'dct:LinguisticSystem'));
  add(catalog, iri('foaf:homepage'), document(links.portal));
  add(catalog, iri('dct:license'), licence({ licence: null }));
  add(catalog, iri('dcat:themeTaxonomy'), themes);
  add(themes, A, iri('skos:ConceptScheme'));
  add(themes, iri('dct:title'), en('Data theme'));
  const issued = open.map((d) => d.publishedAt).filter((t): t is string => !!t).sort();
  const modified = open.flatMap((d) => [d.publishedAt, d.dataUpdatedAt, d.updatedAt]).filter((t): t is string => !!t).sort();
  if (issued.length) add(catalog, iri('dct:issued'), dateTime(issued[0]!));
  if (modified.length) add(catalog, iri('dct:modified'), dateTime(modified.at(-1)!));

  const ckan = namedNode(`${base}/catalog#ckan-api`);
  if (open.length) {
    add(catalog, iri('dcat:service'), ckan);
    add(ckan, A, iri('dcat:DataService'));
    add(ckan, iri('dct:title'), zh('CKAN 兼容开放数据接口'));
    add(ckan, iri('dct:title'), en('CKAN-compatible open data API'));
    add(ckan, iri('dcat:endpointURL'), namedNode(links.ckanApi));
  }

  const coverage = new Set<string>();
  for (const ds of open) {
    const page = links.portalPage(ds.code);
    const d = namedNode(`${page}#dataset`);
    add(catalog, iri('dcat:dataset'), d);
    add(ckan, iri('dcat:servesDataset'), d);
    add(d, A, iri('dcat:Dataset'));
    add(d, iri('dct:identifier'), literal(ds.code));
    add(d, iri('dct:title'), zh(ds.name));
    add(d, iri('dct:description'), zh(ds.description.trim() || ds.name));
    add(d, iri('dct:publisher'), agent(`${base}/catalog#department-${encodeURIComponent(ds.departmentCode)}`, ds.departmentName, ds.departmentCode));

    const contact = namedNode(`${page}#contact`);
    add(d, iri('dcat:contactPoint'), contact);
    add(contact, A, iri('vcard:Kind'));
    add(contact, iri('vcard:fn'), zh(ds.contact?.name?.trim() || ds.departmentName));
    const email = ds.contact?.email?.trim();
    if (email && EMAIL.test(email)) add(contact, iri('vcard:hasEmail'), namedNode(`mailto:${email}`));
    const phone = ds.contact?.phone?.replace(/[^0-9+\-]/g, '');
    if (phone) add(contact, iri('vcard:hasTelephone'), namedNode(`tel:${phone}`));

    const theme = dataTheme(ds.theme);
    add(d, iri('dcat:theme'), term(`${EU_AUTHORITY.dataTheme}/${theme}`, 'skos:Concept', DATA_THEMES[theme], (n) => add(n, iri('skos:inScheme'), themes)));
    for (const k of new Set([...(ds.theme ? [ds.theme] : []), ...ds.keywords])) add(d, iri('dcat:keyword'), zh(k));

    if (ds.publishedAt) add(d, iri('dct:issued'), dateTime(ds.publishedAt));
    const changed = ds.dataUpdatedAt ?? ds.updatedAt;
    add(d, iri('dct:modified'), dateTime(changed));
    const freq = frequency(ds.updateCycle);
    if (freq) add(d, iri('dct:accrualPeriodicity'), term(`${EU_AUTHORITY.frequency}${freq}`, 'dct:Frequency'));
    add(d, iri('dct:accessRights'), term(`${EU_AUTHORITY.accessRight}${accessRight(ds)}`, 'dct:RightsStatement'));
    add(d, iri('dcat:landingPage'), document(page));
    add(d, iri('foaf:page'), document(links.dataPackage(ds.code)));
    const spatial = region(departments[ds.departmentCode]?.region);
    if (spatial) add(d, iri('dct:spatial'), spatial), coverage.add(spatial.value);
    if (ds.currentVersion > 0) add(d, iri('dcat:version'), literal(String(ds.currentVersion)));

    for (const [format, f] of Object.entries(DOWNLOAD_FORMATS) as [DownloadFormat, (typeof DOWNLOAD_FORMATS)[DownloadFormat]][]) {
      const dist = namedNode(`${page}#distribution-${format}`);
      add(d, iri('dcat:distribution'), dist);
      add(dist, A, iri('dcat:Distribution'));
      add(dist, iri('dct:title'), zh(`${ds.name}（${f.title}）`));
      add(dist, iri('dct:title'), en(`${ds.code} (${f.title})`));
      add(dist, iri('dct:description'), zh(DISTRIBUTION_TEXT[format].zh + (ds.openType === 'conditional' ? '；有条件开放，下载需申请接口密钥' : '')));
      add(dist, iri('dct:description'), en(DISTRIBUTION_TEXT[format].en + (ds.openType === 'conditional' ? '; conditionally open: downloads need an API key' : '')));
      add(dist, iri('dcat:accessURL'), namedNode(page));
      add(dist, iri('dcat:downloadURL'), namedNode(links.download(ds.code, format)));
      add(dist, iri('dcat:mediaType'), term(`http://www.iana.org/assignments/media-types/${f.mediaType}`, 'dct:MediaType'));
      add(dist, iri('dct:format'), term(`${EU_AUTHORITY.fileType}${f.fileType}`, 'dct:MediaTypeOrExtent'));
      add(dist, iri('dct:license'), licence(ds));
      add(dist, iri('dcatap:availability'), term(`${EU_AUTHORITY.availability}STABLE`, 'skos:Concept', 'stable'));
      add(dist, iri('dct:modified'), dateTime(changed));
    }
  }
  for (const c of coverage) add(catalog, iri('dct:spatial'), namedNode(c));
  return out;
}

const DISTRIBUTION_TEXT: Record<DownloadFormat, { zh: string; en: string }> = {
  csv: { zh: 'CSV 文件，UTF-8 编码（带 BOM），首行为列名', en: 'CSV file, UTF-8 with a byte-order mark, header row first' },
  xlsx: { zh: 'Excel 工作簿（XLSX）', en: 'Excel workbook (XLSX)' },
  json: { zh: 'JSON 文件', en: 'JSON file' },
  parquet: { zh: 'Apache Parquet 列式文件', en: 'Apache Parquet columnar file' },
};

/** The quads grouped by subject, subjects in the order they first appear (the catalog first). */
function bySubject(quads: Quad[]): Quad[] {
  const groups = new Map<string, Quad[]>();
  for (const q of quads) groups.get(q.subject.value)?.push(q) ?? groups.set(q.subject.value, [q]);
  return [...groups.values()].flat();
}

/** The graph as Turtle, with the usual prefixes, one block per subject. */
export function toTurtle(quads: Quad[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const w = new Writer({ prefixes: RDF_PREFIXES });
    w.addQuads(bySubject(quads));
    w.end((err, text: string) => (err ? reject(err) : resolve(text)));
  });
}

/** The JSON-LD context of the catalog: the prefixes, inline (nothing to fetch). */
export const JSONLD_CONTEXT = { ...RDF_PREFIXES };

const NAMESPACES = Object.entries(RDF_PREFIXES) as [Prefix, string][];
/** `prefix:local` where a prefix covers the IRI and the rest is a plain name, else the IRI itself. */
function compactIri(value: string): string {
  for (const [p, ns] of NAMESPACES) {
    if (value.startsWith(ns) && /^[A-Za-z_][\w.-]*$/.test(value.slice(ns.length))) return `${p}:${value.slice(ns.length)}`;
  }
  return value;
}

type JsonLdValue = string | { '@id': string } | { '@value': string; '@language': string } | { '@value': string; '@type': string };
function jsonLdValue(o: Quad['object']): JsonLdValue {
  if (o.termType !== 'Literal') return { '@id': compactIri(o.value) };
  if (o.language) return { '@value': o.value, '@language': o.language };
  if (o.datatype.value === `${RDF_PREFIXES.xsd}string`) return o.value;
  return { '@value': o.value, '@type': compactIri(o.datatype.value) };
}

/**
 * The graph as compacted JSON-LD under the inline context: one node per subject in `@graph`,
 * `rdf:type` as `@type`, one value bare and several in an array. Written directly from the
 * triples, in one pass: jsonld.js (fromRDF, then compact) takes seconds for a few hundred datasets
 * and grows faster than the catalog; the tests read this output back with jsonld.js and compare.
 */
export function toJsonLd(quads: Quad[]): Record<string, unknown> {
  const nodes = new Map<string, Record<string, JsonLdValue | JsonLdValue[] | string | string[]>>();
  const push = (node: Record<string, unknown>, key: string, v: unknown) => {
    const cur = node[key];
    node[key] = cur === undefined ? v : Array.isArray(cur) ? [...cur, v] : [cur, v];
  };
  for (const q of quads) {
    let node = nodes.get(q.subject.value);
    if (!node) nodes.set(q.subject.value, (node = { '@id': compactIri(q.subject.value) }));
    if (q.predicate.value === A.value && q.object.termType === 'NamedNode') push(node, '@type', compactIri(q.object.value));
    else push(node, compactIri(q.predicate.value), jsonLdValue(q.object));
  }
  return { '@context': JSONLD_CONTEXT, '@graph': [...nodes.values()] };
}
