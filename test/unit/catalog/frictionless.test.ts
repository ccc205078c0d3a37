import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ROOT } from '../../../src/kernel/index.ts';
import { dataPackage, type TableField } from '../../../src/catalog/index.ts';
import { isOpenEntry } from '../../../src/share/index.ts';
import { BASE, DATASETS, DROPPED, MASKED } from './fixtures.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * The official Frictionless v1 profiles (test/fixtures/frictionless/README.md). They declare JSON
 * Schema draft-04 but use no keyword whose meaning changed since (checked below), so Ajv checks
 * them under its own draft.
 */
function profile(name: string): object {
  const text = fs.readFileSync(path.join(ROOT, 'test/fixtures/frictionless', `${name}.json`), 'utf8');
  assert.doesNotMatch(text, /"exclusive(Minimum|Maximum)"\s*:\s*(true|false)|"\$schema"\s*:\s*"(?!http:\/\/json-schema\.org\/draft-04\/schema#)/, `${name}: draft-04 only keywords`);
  const schema = JSON.parse(text);
  delete schema.$schema;
  return schema;
}

const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
ajv.addFormat('textarea', true); // an editor hint of the profiles, not a constraint
const validators: Record<'dataPackage' | 'tabularDataPackage' | 'tableSchema', ValidateFunction> = {
  dataPackage: ajv.compile(profile('data-package')),
  tabularDataPackage: ajv.compile(profile('tabular-data-package')),
  tableSchema: ajv.compile(profile('table-schema')),
};
const valid = (v: ValidateFunction, doc: unknown) => {
  const ok = v(doc);
  return ok ? 'valid' : JSON.stringify(v.errors?.slice(0, 5));
};

interface Resource { name: string; path: string; format: string; mediatype: string; encoding?: string; dialect?: Record<string, unknown>; profile: string; schema: { fields: TableField[]; primaryKey?: string[]; missingValues: string[] } }
const open = DATASETS.filter(isOpenEntry);
const packages = open.map((ds) => ({ ds, p: dataPackage(ds, BASE) as Record<string, unknown> & { resources: Resource[] } }));

describe('Frictionless data package of an open dataset', () => {
  test('valid against the data-package and tabular-data-package profiles, every schema against table-schema', () => {
    assert.equal(packages.length, 2);
    for (const { ds, p } of packages) {
      assert.equal(valid(validators.dataPackage, p), 'valid', ds.code);
      assert.equal(valid(validators.tabularDataPackage, p), 'valid', ds.code);
      for (const r of p.resources) assert.equal(valid(validators.tableSchema, r.schema), 'valid', `${ds.code} ${r.name}`);
    }
  });

  test('the profiles do reject bad descriptors (control)', () => {
    const p = packages[0]!.p;
    assert.notEqual(valid(validators.dataPackage, { ...p, name: 'Upper Case' }), 'valid');
    assert.notEqual(valid(validators.tabularDataPackage, { ...p, resources: [{ ...p.resources[0], schema: undefined }] }), 'valid');
    assert.notEqual(valid(validators.tableSchema, { fields: [{ name: 'x', type: 'no-such-type' }] }), 'valid');
  });

  test('package metadata: name, title, version, dates, keywords, licence, contributors, homepage', () => {
    const { p } = packages.find(({ ds }) => ds.code === 'MZ_DBJZ')!;
    assert.equal(p.profile, 'tabular-data-package');
    assert.equal(p.name, 'mz_dbjz');
    assert.equal(p.title, '低保救助发放');
    assert.equal(p.version, '3');
    assert.equal(p.created, '2026-02-01T00:00:00.000Z');
    assert.equal(p.modified, '2026-03-01T01:00:00.000Z');
    assert.equal(p.homepage, `${BASE}/portal/datasets/MZ_DBJZ`);
    assert.deepEqual(p.keywords, ['社会保障', '低保', '救助']);
    assert.deepEqual(p.licenses, [{ name: 'CC-BY-4.0', path: 'https://creativecommons.org/licenses/by/4.0/', title: 'Creative Commons Attribution 4.0 International' }]);
    assert.deepEqual((p.contributors as { title: string; role: string }[]).map((c) => [c.title, c.role]), [['民政局', 'publisher'], ['民政局数据科', 'maintainer']]);
    const q = packages.find(({ ds }) => ds.code === 'SCJG_QYDJ')!.p;
    assert.equal((q.licenses as { name: string }[])[0]!.name, 'CC0-1.0');
    assert.match(String(q.description), /有条件开放/);
    const byUrl = dataPackage({ ...open[0]!, licence: 'https://example.gov.cn/licence' }, BASE);
    assert.deepEqual(byUrl.licenses, [{ path: 'https://example.gov.cn/licence', title: 'https://example.gov.cn/licence' }]);
    assert.equal(valid(validators.dataPackage, byUrl), 'valid');
  });

  test('one resource per download format: the CSV one with its BOM encoding and dialect, paths pinned to the version', () => {
    const { p } = packages.find(({ ds }) => ds.code === 'MZ_DBJZ')!;
    assert.deepEqual(p.resources.map((r) => [r.name, r.format, r.mediatype, r.profile]), [
      ['mz_dbjz-csv', 'csv', 'text/csv', 'tabular-data-resource'],
      ['mz_dbjz-xlsx', 'xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'tabular-data-resource'],
      ['mz_dbjz-json', 'json', 'application/json', 'tabular-data-resource'],
      ['mz_dbjz-parquet', 'parquet', 'application/vnd.apache.parquet', 'tabular-data-resource'],
    ]);
    const csv = p.resources[0]!;
    assert.equal(csv.path, `${BASE}/api/v1/open/datasets/MZ_DBJZ/download?format=csv&version=3`);
    assert.equal(csv.encoding, 'utf-8-sig');
    assert.deepEqual(csv.dialect, { delimiter: ',', lineTerminator: '\r\n', quoteChar: '"', doubleQuote: true, header: true });
    const unversioned = packages.find(({ ds }) => ds.code === 'SCJG_QYDJ')!.p.resources[0]!;
    assert.equal(unversioned.path, `${BASE}/api/v1/open/datasets/SCJG_QYDJ/download?format=csv`, 'no data yet: no version to pin');
  });

  test('table schema: types mapped, required kept, element constraints on typed formats, a key only when kept in clear', () => {
    const { p } = packages.find(({ ds }) => ds.code === 'MZ_DBJZ')!;
    const [csv, , json] = [p.resources[0]!, p.resources[1]!, p.resources[2]!];
    const field = (r: Resource, name: string) => r.schema.fields.find((f) => f.name === name)!;
    assert.deepEqual(json.schema.fields.map((f) => [f.name, f.type]), [
      ['district_code', 'string'], [MASKED, 'string'], ['gender', 'string'], ['amount', 'number'], ['paid_on', 'date'], ['updated', 'datetime'], ['count', 'integer'], ['active', 'boolean'],
    ]);
    assert.deepEqual(json.schema.missingValues, ['']);
    assert.deepEqual(field(json, 'district_code').constraints, { required: true, pattern: '[0-9]{6}' });
    assert.deepEqual(field(json, 'gender').constraints, { enum: ['0', '1', '2', '9'] });
    assert.deepEqual(field(csv, 'district_code').constraints, { required: true }, 'CSV cells are spreadsheet-safe text: no pattern on them');
    assert.equal(field(csv, 'gender').constraints, undefined);
    assert.deepEqual(json.schema.primaryKey, ['district_code', 'paid_on']);
    const q = packages.find(({ ds }) => ds.code === 'SCJG_QYDJ')!.p;
    assert.equal(q.resources[2]!.schema.primaryKey, undefined, 'a key with a masked field is no key of open data');
  });

  test('no L3/L4 field in clear and no dropped field in any descriptor; a masked field tells nothing of its values', () => {
    for (const { ds, p } of packages) {
      assert.equal(JSON.stringify(p).includes(DROPPED), false, `${ds.code}: dropped field present`);
      assert.equal(JSON.stringify(p).includes('持有人姓名'), false);
      for (const r of p.resources) {
        for (const f of r.schema.fields) {
          const source = ds.fields.find((x) => x.name === f.name)!;
          if (source.sensitivity === 'L3' || source.sensitivity === 'L4') {
            assert.equal(f.name, MASKED, `${ds.code} ${r.name}: ${f.name} is L3/L4`);
            assert.equal(f.type, 'string');
            assert.match(f.description ?? '', /masked/);
            assert.deepEqual(Object.keys(f.constraints ?? {}).filter((k) => k !== 'required'), [], 'no pattern or code list on a masked field');
            assert.equal(f.format, undefined);
          }
        }
      }
    }
  });
});
