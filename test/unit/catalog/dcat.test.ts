import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import jsonld from 'jsonld';
import { DataFactory, Parser, Store, Writer, type Quad } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import { catalogQuads, JSONLD_CONTEXT, toJsonLd, toTurtle } from '../../../src/catalog/index.ts';
import { dcatShapes as shapes, refuseDocuments } from '../../helpers/dcat.ts';
import { BASE, DATASETS, DEPARTMENTS, DROPPED, MASKED } from './fixtures.ts';

const { namedNode } = DataFactory;
const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#', dcat: 'http://www.w3.org/ns/dcat#', dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/', vcard: 'http://www.w3.org/2006/vcard/ns#', xsd: 'http://www.w3.org/2001/XMLSchema#',
};
const EU = 'http://publications.europa.eu/resource/authority/';
const u = (prefixed: string) => {
  const [p, l] = prefixed.split(':') as [keyof typeof NS, string];
  return NS[p] + l;
};

/** One line per triple, sorted: two graphs without blank nodes are the same when these are. */
const lines = (quads: Quad[]) => [...new Set(quads.map((q) => `${q.subject.value} ${q.predicate.value} ${JSON.stringify([q.object.termType, q.object.value, q.object.termType === 'Literal' ? [(q.object as { language: string }).language, (q.object as { datatype: { value: string } }).datatype.value] : null])}`))].sort();

describe('DCAT-AP 3.0 export of the open catalog', () => {
  let quads: Quad[];
  let turtle: string;
  let doc: Record<string, unknown>;
  let store: Store;
  const objects = (s: string, p: string) => store.getObjects(namedNode(s), namedNode(u(p)), null);
  const dataset = (code: string) => `${BASE}/portal/datasets/${code}#dataset`;

  before(async () => {
    quads = catalogQuads({ base: BASE, datasets: DATASETS, departments: DEPARTMENTS });
    turtle = await toTurtle(quads);
    doc = toJsonLd(quads);
    store = new Store(quads);
  });

  test('Turtle and JSON-LD carry the same triples as the graph, under an inline JSON-LD context', async () => {
    const fromTurtle = new Parser().parse(turtle);
    const nquads = (await jsonld.toRDF(doc, { format: 'application/n-quads', documentLoader: refuseDocuments as never })) as unknown as string;
    const fromJsonLd = new Parser({ format: 'N-Quads' }).parse(nquads);
    assert.ok(quads.length > 100, `${quads.length} triples`);
    assert.ok(quads.every((q) => q.subject.termType === 'NamedNode' && q.object.termType !== 'BlankNode'), 'no blank nodes: the graphs compare line by line');
    assert.deepEqual(lines(fromTurtle), lines(quads));
    assert.deepEqual(lines(fromJsonLd), lines(quads));
    assert.equal(typeof doc['@context'], 'object', 'the context is inline, never a URL');
    assert.equal(JSON.stringify(doc['@context']).includes('"@import"'), false);
  });

  test('the JSON-LD is what jsonld.js makes of the same triples (fromRDF, then compact under the same context)', async () => {
    const n = new Writer({ format: 'N-Quads' });
    n.addQuads(quads);
    const nquads = await new Promise<string>((resolve, reject) => n.end((err, text: string) => (err ? reject(err) : resolve(text))));
    const expanded = await jsonld.fromRDF(nquads, { format: 'application/n-quads' });
    const theirs = (await jsonld.compact(expanded, JSONLD_CONTEXT, { documentLoader: refuseDocuments as never })) as { '@graph': { '@id': string }[] };
    const ours = doc as { '@graph': { '@id': string }[] };
    /** A value with its keys in a fixed order: the order of keys, nodes and values carries no meaning. */
    const text = (v: unknown) => JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));
    const norm = (node: Record<string, unknown>) => Object.fromEntries(Object.entries(node).sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, Array.isArray(v) ? v.map(text).sort() : text(v)]));
    const byId = (g: { '@id': string }[]) => Object.fromEntries(g.map((node) => [node['@id'], norm(node)]));
    assert.deepEqual(byId(ours['@graph']), byId(theirs['@graph']));
  });

  test('the JSON-LD processor loads no document: a remote context is refused', async () => {
    await assert.rejects(refuseDocuments('https://example.org/context.jsonld'), /no document may be loaded/);
    const asked: string[] = [];
    const loader = (url: string) => (asked.push(url), refuseDocuments(url));
    await assert.rejects(jsonld.expand({ '@context': 'https://example.org/context.jsonld', name: 'x' }, { documentLoader: loader as never }));
    assert.deepEqual(asked, ['https://example.org/context.jsonld'], 'the processor asked the refusing loader, not the network');
  });

  test('only open entries are in it, and nothing of their fields', () => {
    const listed = objects(`${BASE}/catalog`, 'dcat:dataset').map((o) => o.value).sort();
    assert.deepEqual(listed, [dataset('MZ_DBJZ'), dataset('SCJG_QYDJ')]);
    const json = JSON.stringify(doc);
    for (const text of [turtle, json]) {
      for (const hidden of ['GA_DRAFT', 'GA_CLOSED', '草稿数据集', '不开放数据集', DROPPED, MASKED, '持有人姓名', '持有人证件号']) {
        assert.equal(text.includes(hidden), false, `${hidden} leaked`);
      }
    }
  });

  test('the catalog: titles and descriptions in Chinese and English, publisher, language, dates, homepage, licence', () => {
    const c = `${BASE}/catalog`;
    assert.ok(store.has(DataFactory.quad(namedNode(c), namedNode(u('rdf:type')), namedNode(u('dcat:Catalog')))));
    for (const p of ['dct:title', 'dct:description']) assert.deepEqual(objects(c, p).map((o) => (o as { language: string }).language).sort(), ['en', 'zh']);
    const [publisher] = objects(c, 'dct:publisher');
    assert.ok(store.getObjects(publisher!, namedNode(u('foaf:name')), null).length === 1);
    assert.ok(store.has(DataFactory.quad(publisher as never, namedNode(u('rdf:type')), namedNode(u('foaf:Agent')))));
    assert.deepEqual(objects(c, 'dct:language').map((o) => o.value), [`${EU}language/ZHO`]);
    assert.deepEqual(objects(c, 'foaf:homepage').map((o) => o.value), [`${BASE}/portal/`]);
    assert.deepEqual(objects(c, 'dct:license').map((o) => o.value), [`${EU}licence/CC_BY_4_0`]);
    assert.deepEqual(objects(c, 'dct:issued').map((o) => [o.value, (o as { datatype: { value: string } }).datatype.value]), [['2026-02-01T00:00:00.000Z', u('xsd:dateTime')]]);
    assert.equal(objects(c, 'dct:modified').length, 1);
  });

  test('each dataset: identifier, title, publisher, contact point, EU theme and frequency, access right, landing page, spatial', () => {
    const d = dataset('MZ_DBJZ');
    const one = (p: string) => objects(d, p).map((o) => o.value);
    assert.deepEqual(one('dct:identifier'), ['MZ_DBJZ']);
    assert.deepEqual(objects(d, 'dct:title').map((o) => [o.value, (o as { language: string }).language]), [['低保救助发放', 'zh']]);
    assert.equal(one('dct:description').length, 1);
    assert.deepEqual(one('dcat:theme'), [`${EU}data-theme/SOCI`]);
    assert.deepEqual(one('dcat:keyword').sort(), ['低保', '救助', '社会保障'].sort(), 'our own theme stays as a keyword');
    assert.deepEqual(one('dct:accrualPeriodicity'), [`${EU}frequency/MONTHLY`]);
    assert.deepEqual(one('dct:accessRights'), [`${EU}access-right/PUBLIC`]);
    assert.deepEqual(one('dcat:landingPage'), [`${BASE}/portal/datasets/MZ_DBJZ`]);
    assert.deepEqual(one('dct:issued'), ['2026-02-01T00:00:00.000Z']);
    assert.deepEqual(one('dct:modified'), ['2026-03-01T01:00:00.000Z']);
    assert.equal(one('dct:spatial').length, 1);
    const [publisher] = objects(d, 'dct:publisher');
    assert.deepEqual(store.getObjects(publisher!, namedNode(u('foaf:name')), null).map((o) => `${o.value}@${(o as { language: string }).language}`).sort(), ['Civil Affairs Bureau@en', '民政局@zh']);
    const [contact] = objects(d, 'dcat:contactPoint');
    assert.ok(store.has(DataFactory.quad(contact as never, namedNode(u('rdf:type')), namedNode(u('vcard:Kind')))));
    assert.deepEqual(store.getObjects(contact!, namedNode(u('vcard:fn')), null).map((o) => o.value), ['民政局数据科']);
    assert.deepEqual(store.getObjects(contact!, namedNode(u('vcard:hasEmail')), null).map((o) => o.value), ['mailto:data@mz.example.gov.cn']);
    assert.deepEqual(store.getObjects(contact!, namedNode(u('vcard:hasTelephone')), null).map((o) => o.value), ['tel:0571-87000000']);

    const q = dataset('SCJG_QYDJ');
    assert.deepEqual(objects(q, 'dcat:theme').map((o) => o.value), [`${EU}data-theme/ECON`]);
    assert.deepEqual(objects(q, 'dct:accrualPeriodicity').map((o) => o.value), [`${EU}frequency/DAILY`]);
    assert.deepEqual(objects(q, 'dct:accessRights').map((o) => o.value), [`${EU}access-right/RESTRICTED`], 'conditionally open is restricted');
    assert.equal(objects(q, 'dct:description')[0]!.value, '企业登记信息', 'an entry without a description is described by its name');
  });

  test('one distribution per download format: access and download URL, media type, file type, licence', () => {
    const formats = { csv: ['text/csv', 'CSV'], xlsx: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'XLSX'], json: ['application/json', 'JSON'], parquet: ['application/vnd.apache.parquet', 'PARQUET'] };
    for (const [code, licence] of [['MZ_DBJZ', 'CC_BY_4_0'], ['SCJG_QYDJ', 'CC0']] as const) {
      const dists = objects(dataset(code), 'dcat:distribution').map((o) => o.value);
      assert.equal(dists.length, 4);
      for (const [format, [media, type]] of Object.entries(formats)) {
        const dist = `${BASE}/portal/datasets/${code}#distribution-${format}`;
        assert.ok(dists.includes(dist), dist);
        assert.deepEqual(objects(dist, 'rdf:type').map((o) => o.value), [u('dcat:Distribution')]);
        assert.deepEqual(objects(dist, 'dcat:accessURL').map((o) => o.value), [`${BASE}/portal/datasets/${code}`]);
        assert.deepEqual(objects(dist, 'dcat:downloadURL').map((o) => o.value), [`${BASE}/api/v1/open/datasets/${code}/download?format=${format}`]);
        assert.deepEqual(objects(dist, 'dcat:mediaType').map((o) => o.value), [`http://www.iana.org/assignments/media-types/${media}`]);
        assert.deepEqual(objects(dist, 'dct:format').map((o) => o.value), [`${EU}file-type/${type}`]);
        assert.deepEqual(objects(dist, 'dct:license').map((o) => o.value), [`${EU}licence/${licence}`]);
        assert.ok(objects(dist, 'dct:title').length >= 1);
        assert.equal(objects(dist, 'dcat:byteSize').length, 0, 'no byte size: it is not known');
      }
    }
  });

  test('the official DCAT-AP 3.0.0 SHACL shapes (mandatory, and with the range shapes) find no violation', async () => {
    for (const files of [['shapes.ttl'], ['shapes.ttl', 'range.ttl']]) {
      const report = await new SHACLValidator(shapes(...files)).validate(new Store(quads));
      const found = report.results.map((r) => `${r.focusNode?.value} ${r.path?.value} ${r.message.map((m) => m.value).join(' ')}`);
      assert.deepEqual(found, [], files.join(' + '));
      assert.equal(report.conforms, true);
    }
  });

  test('the shapes do find violations (control): a dataset without a title, a distribution with two media types', async () => {
    const d = namedNode(dataset('MZ_DBJZ'));
    const broken = new Store(quads.filter((q) => !(q.subject.equals(d) && q.predicate.value === u('dct:title'))));
    const dist = namedNode(`${BASE}/portal/datasets/MZ_DBJZ#distribution-csv`);
    broken.addQuad(dist, namedNode(u('dcat:mediaType')), namedNode('http://www.iana.org/assignments/media-types/text/plain'));
    const report = await new SHACLValidator(shapes('shapes.ttl')).validate(broken);
    assert.equal(report.conforms, false);
    const paths = report.results.map((r) => `${r.focusNode?.value} ${r.path?.value}`).sort();
    assert.deepEqual(paths, [`${d.value} ${u('dct:title')}`, `${dist.value} ${u('dcat:mediaType')}`].sort());
  });

  test('the recommended shapes warn only of what the platform does not know: time coverage, region geometry, the CKAN API description', async () => {
    const report = await new SHACLValidator(shapes('shapes_recommended.ttl')).validate(new Store(quads));
    const warnings = report.results.map((r) => `${r.severity?.value.split('#')[1]} ${r.focusNode?.value} ${r.path?.value}`).sort();
    assert.deepEqual(warnings, [
      `Warning ${BASE}/catalog#ckan-api ${u('dcat:endpointDescription')}`,
      `Warning ${BASE}/catalog#region-330100 ${u('dcat:bbox')}`,
      `Warning ${BASE}/catalog#region-330100 ${u('dcat:centroid')}`,
      `Warning ${BASE}/catalog#region-330102 ${u('dcat:bbox')}`,
      `Warning ${BASE}/catalog#region-330102 ${u('dcat:centroid')}`,
      `Warning ${dataset('MZ_DBJZ')} ${u('dct:temporal')}`,
      `Warning ${dataset('SCJG_QYDJ')} ${u('dct:temporal')}`,
    ].sort());
  });

  test('free text cannot break the graph: odd contact details, quotes and line breaks in names', async () => {
    const odd = { ...DATASETS[0]!, licence: 'https://x.example/a> <http://evil.example/b', name: '名称 "带引号" \n 与换行 > <', keywords: ['a"b', '<x>'], contact: { name: '"科"', email: 'x@y.cn> . <http://evil.example/> <p> "o', phone: '<tel>' } };
    const q = catalogQuads({ base: BASE, datasets: [odd] });
    const parsed = new Parser().parse(await toTurtle(q));
    assert.deepEqual(lines(parsed), lines(q));
    assert.equal(parsed.some((t) => [t.subject, t.predicate, t.object].some((n) => n.termType === 'NamedNode' && n.value.startsWith('http://evil.example'))), false, 'no IRI smuggled in');
    const contact = `${BASE}/portal/datasets/MZ_DBJZ#contact`;
    assert.deepEqual(parsed.filter((t) => t.subject.value === contact && t.predicate.value === u('vcard:hasEmail')), [], 'no mailto: from an address that is not one');
    const licences = parsed.filter((t) => t.predicate.value === u('dct:license') && t.subject.value.includes('#distribution-')).map((t) => t.object.value);
    assert.deepEqual([...new Set(licences)], ['https://spdx.org/licenses/https%3A%2F%2Fx.example%2Fa%3E%20%3Chttp%3A%2F%2Fevil.example%2Fb.html'], 'a licence that is no clean URL is quoted, not written as an IRI');
    const report = await new SHACLValidator(shapes('shapes.ttl', 'range.ttl')).validate(new Store(q));
    assert.equal(report.conforms, true);
  });

  test('an empty catalog is still a valid catalog', async () => {
    const empty = catalogQuads({ base: BASE, datasets: [] });
    const report = await new SHACLValidator(shapes('shapes.ttl', 'range.ttl')).validate(new Store(empty));
    assert.equal(report.conforms, true);
    assert.match(await toTurtle(empty), /dcat:Catalog/);
  });
});
