import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import jsonld from 'jsonld';
import { Parser, Store } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import { dcatShapes, refuseDocuments } from '../../helpers/dcat.ts';
import { id, openCity, type City } from '../../helpers/city.ts';
import { drivers } from '../../helpers/platform.ts';

const PUBLIC_URL = 'https://data.example.gov.cn';
/** Field names and values open metadata must never carry. */
const DROPPED = ['holder_name_l3', 'home_address_l4'];
const VALUES = ['张三丰', '李四光', '西湖区文三路 90 号', id(7), id(8)];

const FIELDS = [
  { name: 'district', title: '区县', type: 'string', element: 'area_code', required: true, sensitivity: 'L1' },
  { name: 'holder_name_l3', title: '姓名', type: 'string', sensitivity: 'L3' },
  { name: 'home_address_l4', title: '住址', type: 'string', sensitivity: 'L4', open: 'drop' },
  { name: 'holder_idno', title: '身份证号', type: 'string', element: 'id_card', sensitivity: 'L4', open: 'mask' },
  { name: 'amount', title: '金额', type: 'decimal', sensitivity: 'L1' },
];
const ROWS = [
  { district: '330102', holder_name_l3: '张三丰', home_address_l4: '西湖区文三路 90 号', holder_idno: id(7), amount: 1200.5 },
  { district: '330106', holder_name_l3: '李四光', home_address_l4: '西湖区文三路 90 号', holder_idno: id(8), amount: 980 },
];

for (const driver of drivers()) {
  describe(`open metadata: DCAT-AP catalog and Frictionless packages (${driver})`, () => {
    let city: City;
    const get = (url: string, headers: Record<string, string> = {}) => city.app.inject({ method: 'GET', url, headers });

    before(async () => {
      city = await openCity(driver);
      city.t.p.config.publicUrl = PUBLIC_URL;
      const { officers } = city;
      await city.register(officers.MZ, 'MZ', 'MZ_DB', FIELDS, { openType: 'open', description: '低保发放汇总', theme: '社会保障', updateCycle: 'monthly', keywords: ['低保'], contact: { name: '数据科', email: 'data@mz.example.gov.cn' }, primaryKey: ['district'] });
      await city.register(officers.CL, 'CL', 'CL_BZ', FIELDS, { openType: 'conditional', theme: '社会保障', licence: 'CC0-1.0' });
      await city.register(officers.GA, 'GA', 'GA_DRAFT', FIELDS, { openType: 'open', draft: true });
      await city.register(officers.GA, 'GA', 'GA_CLOSED', FIELDS, { openType: 'none' });
      const ds = (await city.req('GET', '/datasets/MZ_DB', officers.MZ)).json();
      await city.t.p.lake.write({ datasetId: ds.id, mode: 'replace', from: { rows: ROWS } });
    });
    after(() => city.close());

    const leaks = (text: string) => [...DROPPED, ...VALUES, 'GA_DRAFT', 'GA_CLOSED'].filter((s) => text.includes(s));

    test('GET /catalog.ttl: anonymous, Turtle, open entries only, valid against the DCAT-AP 3.0.0 shapes', async () => {
      const res = await get('/catalog.ttl');
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'text/turtle; charset=utf-8');
      assert.deepEqual(leaks(res.body), []);
      const quads = new Parser({ baseIRI: PUBLIC_URL }).parse(res.body);
      const datasets = quads.filter((q) => q.predicate.value === 'http://www.w3.org/ns/dcat#dataset').map((q) => q.object.value).sort();
      assert.deepEqual(datasets, [`${PUBLIC_URL}/portal/datasets/CL_BZ#dataset`, `${PUBLIC_URL}/portal/datasets/MZ_DB#dataset`]);
      assert.ok(quads.some((q) => q.predicate.value === 'http://www.w3.org/ns/dcat#downloadURL' && q.object.value === `${PUBLIC_URL}/api/v1/open/datasets/MZ_DB/download?format=csv`));
      assert.ok(quads.some((q) => q.predicate.value === 'http://purl.org/dc/terms/spatial' && q.object.value === `${PUBLIC_URL}/catalog#region-330102`), 'the department region is the spatial coverage');
      const report = await new SHACLValidator(dcatShapes('shapes.ttl', 'range.ttl')).validate(new Store(quads));
      assert.deepEqual(report.results.map((r) => `${r.focusNode?.value} ${r.path?.value}`), []);
    });

    test('GET /catalog.jsonld: anonymous, JSON-LD with an inline context, the same graph as the Turtle', async () => {
      const res = await get('/catalog.jsonld');
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /^application\/ld\+json/);
      assert.deepEqual(leaks(res.body), []);
      const doc = res.json();
      assert.equal(typeof doc['@context'], 'object');
      const nquads = (await jsonld.toRDF(doc, { format: 'application/n-quads', documentLoader: refuseDocuments as never })) as unknown as string;
      const key = (q: { subject: { value: string }; predicate: { value: string }; object: { value: string } }) => `${q.subject.value} ${q.predicate.value} ${q.object.value}`;
      const fromJson = new Set(new Parser({ format: 'N-Quads' }).parse(nquads).map(key));
      const fromTurtle = new Set(new Parser().parse((await get('/catalog.ttl')).body).map(key));
      assert.deepEqual([...fromJson].sort(), [...fromTurtle].sort());
    });

    test('GET datapackage.json: anonymous, the open columns only, a masked column as plain text', async () => {
      const res = await get('/api/v1/open/datasets/MZ_DB/datapackage.json');
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.deepEqual(leaks(res.body), []);
      const p = res.json();
      assert.equal(p.profile, 'tabular-data-package');
      assert.equal(p.name, 'mz_db');
      assert.equal(p.version, '1');
      const csv = p.resources.find((r: { format: string }) => r.format === 'csv');
      assert.equal(csv.path, `${PUBLIC_URL}/api/v1/open/datasets/MZ_DB/download?format=csv&version=1`);
      assert.deepEqual(csv.schema.fields.map((f: { name: string; type: string }) => [f.name, f.type]), [['district', 'string'], ['holder_idno', 'string'], ['amount', 'number']]);
      const idno = p.resources.find((r: { format: string }) => r.format === 'json').schema.fields.find((f: { name: string }) => f.name === 'holder_idno');
      assert.equal(idno.constraints, undefined, 'no pattern on a masked column');
      assert.equal((await get('/api/v1/open/datasets/CL_BZ/datapackage.json')).statusCode, 200, 'conditionally open data has its package too');
    });

    test('a draft, a closed or an unknown dataset has no package: 404 problem+json', async () => {
      for (const code of ['GA_DRAFT', 'GA_CLOSED', 'NO_SUCH']) {
        const res = await get(`/api/v1/open/datasets/${code}/datapackage.json`);
        assert.equal(res.statusCode, 404, `${code}: ${res.body}`);
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
        assert.equal(res.json().status, 404);
      }
    });

    test('without a public address the links are the request\'s own protocol and host', async () => {
      city.t.p.config.publicUrl = undefined;
      try {
        const res = await get('/api/v1/open/datasets/MZ_DB/datapackage.json', { host: 'portal.test:8080' });
        assert.equal(res.json().homepage, 'http://portal.test:8080/portal/datasets/MZ_DB');
        const odd = await get('/catalog.ttl', { host: 'portal.test> <http://evil.example/x' });
        assert.equal(odd.statusCode, 400, 'a Host header that is no host is refused, not written into the catalog');
        assert.match(String(odd.headers['content-type']), /^application\/problem\+json/);
      } finally {
        city.t.p.config.publicUrl = PUBLIC_URL;
      }
    });
  });
}
