import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { generateCity, generatePersonRows, personRows, writePersonCsv, PERSON_COLUMNS, type CityManifest, type DemoFileManifest } from '../../../src/demo/index.ts';
import { cleanText, hasElement, validate, validateIdCard } from '../../../src/standards/index.ts';

type Rec = Record<string, string | number | null>;

let dir: string;
let manifest: CityManifest;
const PEOPLE = 3000;

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true })) {
    const p = join(root, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out.sort();
}

async function readRows(f: DemoFileManifest): Promise<Rec[]> {
  const buf = await readFile(join(dir, f.path));
  const text = f.encoding === 'gbk' ? iconv.decode(buf, 'gbk') : buf.toString('utf8');
  if (f.format === 'ndjson') return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Rec);
  return parse(text, { columns: true, bom: f.bom }) as Rec[];
}

async function readCsv(path: string): Promise<Record<string, string>[]> {
  return parse(await readFile(join(dir, path), 'utf8'), { columns: true }) as Record<string, string>[];
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'govhub-demo-'));
  manifest = await generateCity({ seed: 7, people: PEOPLE, outDir: join(dir, 'a') });
  dir = join(dir, 'a');
});

after(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true });
});

describe('generateCity', () => {
  test('manifest describes 17 departments of one real city, formats as promised', () => {
    assert.equal(manifest.people, PEOPLE);
    assert.equal(manifest.departments.length, 17);
    assert.equal(new Set(manifest.departments.map((d) => d.code)).size, 17);
    for (const d of manifest.departments) {
      assert.equal(d.regionCode, '330100');
      assert.ok(d.datasets.length >= 1 && d.datasets.length <= 3);
      for (const ds of d.datasets) {
        assert.equal(ds.layer, 'raw');
        assert.ok(ds.primaryKey.every((k) => ds.fields.some((f) => f.name === k)), ds.code);
        for (const f of ds.fields) {
          assert.match(f.sensitivity, /^L[1-4]$/);
          assert.ok(f.element === null || hasElement(f.element), `${ds.code}.${f.name}: element ${f.element}`);
        }
      }
    }
    assert.equal(manifest.files.length, manifest.departments.reduce((n, d) => n + d.datasets.length, 0));
    assert.equal(manifest.files.filter((f) => f.encoding === 'gbk').length, 1);
    assert.equal(manifest.files.filter((f) => f.bom).length, 1);
    assert.ok(manifest.files.some((f) => f.format === 'ndjson'));
    assert.ok(manifest.files.every((f) => f.rowCount > 0), 'every file has rows');
  });

  test('same seed → byte-identical files; another seed → different data', async () => {
    const other = await mkdtemp(join(tmpdir(), 'govhub-demo-'));
    try {
      await generateCity({ seed: 7, people: PEOPLE, outDir: join(other, 'same') });
      await generateCity({ seed: 8, people: 300, outDir: join(other, 'diff') });
      const a = await listFiles(dir);
      const b = await listFiles(join(other, 'same'));
      assert.deepEqual(a.map((p) => relative(dir, p)), b.map((p) => relative(join(other, 'same'), p)));
      for (let i = 0; i < a.length; i++) {
        assert.ok((await readFile(a[i]!)).equals(await readFile(b[i]!)), `differs: ${relative(dir, a[i]!)}`);
      }
      const ga7 = await readFile(join(dir, 'data/GA/GA_HJRK.csv'), 'utf8');
      const ga8 = await readFile(join(other, 'diff', 'data/GA/GA_HJRK.csv'), 'utf8');
      assert.notEqual(ga7.split('\n')[1], ga8.split('\n')[1]);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  test('every true person has a valid, unique 18-digit ID number', async () => {
    const people = await readCsv(manifest.truth.people);
    assert.equal(people.length, PEOPLE);
    const ids = new Set<string>();
    for (const p of people) {
      const r = validateIdCard(p.id_number);
      assert.ok(r.ok, `${p.id_number}: ${r.reason}`);
      assert.equal(r.birthDate, p.birth_date);
      assert.equal(r.sex, p.sex === '男' ? '1' : '2');
      ids.add(p.id_number!);
    }
    assert.equal(ids.size, PEOPLE);
    const ents = await readCsv(manifest.truth.enterprises);
    assert.ok(ents.length > 0);
    for (const e of ents) assert.ok(validate('uscc', e.uscc).ok, e.uscc);
  });

  test('ground truth is exact: row counts, rejections and defects match the files', async () => {
    for (const f of manifest.files) {
      const ds = manifest.departments.flatMap((d) => d.datasets).find((d) => d.code === f.dataset)!;
      const rows = await readRows(f);
      assert.equal(rows.length, f.rowCount, `${f.dataset} row count`);
      const rejectRows = new Set(f.defects.filter((d) => d.reject).map((d) => d.row));
      assert.equal(rejectRows.size, f.expectedRejected, f.dataset);
      assert.equal(f.expectedAccepted, f.rowCount - f.expectedRejected);
      rows.forEach((row, i) => {
        let rejected = false;
        for (const fld of ds.fields) {
          const v = row[fld.name] ?? null;
          const blank = v === null || (cleanText(v) ?? '') === '';
          if (blank) rejected ||= fld.required;
          else if (fld.element && !validate(fld.element, v).ok) rejected = true;
        }
        assert.equal(rejected, rejectRows.has(i + 1), `${f.dataset} row ${i + 1}: ${JSON.stringify(row)}`);
      });
      const truth = await readCsv(f.truthPath);
      assert.equal(truth.length, f.rowCount);
      assert.equal(truth.filter((t) => t.rejected === '1').length, f.expectedRejected);
      const counted: Record<string, number> = {};
      for (const d of f.defects) counted[d.kind] = (counted[d.kind] ?? 0) + 1;
      assert.deepEqual(counted, f.defectCounts);
    }
    const t = manifest.totals;
    assert.equal(t.rows, manifest.files.reduce((n, f) => n + f.rowCount, 0));
    assert.equal(t.expectedRejected + t.expectedAccepted, t.rows);
  });

  test('fixable defects are fixed by the standard normalisation; entity ids are true', async () => {
    const people = new Map((await readCsv(manifest.truth.people)).map((p) => [p.person_id!, p]));
    const f = manifest.files.find((x) => x.dataset === 'GA_HJRK')!;
    const rows = await readRows(f);
    const truth = await readCsv(f.truthPath);
    const byRow = new Map<number, string[]>();
    for (const d of f.defects) byRow.set(d.row, [...(byRow.get(d.row) ?? []), `${d.field}:${d.kind}`]);
    let fixedIds = 0;
    let fixedDates = 0;
    rows.forEach((row, i) => {
      const defects = byRow.get(i + 1) ?? [];
      const person = people.get(truth[i]!.entity_id!)!;
      assert.ok(person, `row ${i + 1} entity`);
      if (!defects.some((d) => d.startsWith('gmsfhm:') && !/(id_15|full_width|trailing_space)$/.test(d))) {
        assert.equal(validate('id_card', row.gmsfhm).normalized, person.id_number, `row ${i + 1}`);
        if (defects.length) fixedIds++;
      }
      if (!defects.includes('csrq:missing_required')) {
        assert.equal(validate('date', row.csrq).normalized, person.birth_date, `row ${i + 1} csrq`);
        if (defects.includes('csrq:date_form')) fixedDates++;
      }
      if (!defects.some((d) => d.startsWith('xm:'))) assert.equal(row.xm, person.name);
    });
    assert.ok(fixedIds > 0 && fixedDates > 0);
  });

  test('defect rates are roughly as configured', () => {
    const rates = manifest.rates;
    const idFiles = manifest.files.filter((f) => manifest.departments.flatMap((d) => d.datasets).find((d) => d.code === f.dataset)!.fields.some((x) => x.element === 'id_card'));
    let idRows = 0;
    let invalid = 0;
    for (const f of idFiles) {
      const dupRows = new Set(f.defects.filter((d) => d.kind === 'duplicate').map((d) => d.row));
      idRows += f.rowCount - dupRows.size;
      invalid += f.defects.filter((d) => /^id_(checksum|length|birthdate)$/.test(d.kind) && !dupRows.has(d.row)).length;
    }
    const share = invalid / idRows;
    assert.ok(Math.abs(share - rates.invalidId) < 0.01, `invalid IDs ${share}`);
    const rows = manifest.totals.rows;
    const c = manifest.totals.defectCounts;
    assert.ok(Math.abs((c.trailing_space ?? 0) / rows - rates.trailingSpace) < 0.012, `trailing ${(c.trailing_space ?? 0) / rows}`);
    assert.ok(Math.abs((c.missing_required ?? 0) / rows - rates.missingRequired) < 0.008, 'missing');
    assert.ok(Math.abs((c.duplicate ?? 0) / rows - rates.duplicate) < 0.006, 'duplicates');
    for (const k of ['id_checksum', 'id_length', 'id_birthdate', 'uscc_checksum', 'missing_required', 'name_typo', 'id_15', 'full_width', 'trailing_space', 'date_form', 'duplicate'] as const) {
      assert.ok((c[k] ?? 0) > 0, `some ${k}`);
    }
    const rejectShare = manifest.totals.expectedRejected / rows;
    assert.ok(rejectShare > 0.02 && rejectShare < 0.08, `rejected ${rejectShare}`);
  });

  test('people overlap across departments', async () => {
    const seen = new Map<string, Set<string>>();
    for (const f of manifest.files) {
      for (const t of await readCsv(f.truthPath)) {
        if (!t.entity_id!.startsWith('P')) continue;
        if (!seen.has(t.entity_id!)) seen.set(t.entity_id!, new Set());
        seen.get(t.entity_id!)!.add(f.department);
      }
    }
    const multi = [...seen.values()].filter((s) => s.size >= 3).length;
    assert.ok(multi > PEOPLE * 0.3, `people in ≥3 departments: ${multi}`);
  });

  test('the GBK file is really GBK and decodes to the true names', async () => {
    const f = manifest.files.find((x) => x.encoding === 'gbk')!;
    const buf = await readFile(join(dir, f.path));
    const text = iconv.decode(buf, 'gbk');
    assert.ok(!buf.equals(Buffer.from(text, 'utf8')), 'not UTF-8');
    assert.ok(!text.includes('\ufffd') && !text.includes('?'));
    assert.ok(iconv.encode(text, 'gbk').equals(buf), 'round trip');
    const people = new Map((await readCsv(manifest.truth.people)).map((p) => [p.person_id!, p]));
    const truth = await readCsv(f.truthPath);
    const rows = await readRows(f);
    let compared = 0;
    rows.forEach((row, i) => {
      if (/name_typo|missing_required|trailing_space/.test(truth[i]!.defects!)) return;
      assert.equal(row.xm, people.get(truth[i]!.entity_id!)!.name);
      compared++;
    });
    assert.ok(compared > 0);
  });
});

describe('person rows for benchmarks', () => {
  test('13 columns, valid unique IDs, async and sync agree', async () => {
    const sync = [...personRows(11, 2000)];
    assert.equal(sync.length, 2000);
    const ids = new Set<string>();
    for (const r of sync) {
      assert.deepEqual(Object.keys(r), PERSON_COLUMNS);
      assert.ok(validateIdCard(r.id_number).ok, r.id_number);
      assert.ok(r.employer_uscc === '' || validate('uscc', r.employer_uscc).ok);
      assert.ok(r.phone === '' || validate('mobile', r.phone).ok);
      assert.match(r.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      ids.add(r.id_number);
    }
    assert.equal(ids.size, 2000);
    let i = 0;
    for await (const r of generatePersonRows(11, 2000)) assert.deepEqual(r, sync[i++]);
    assert.equal(i, 2000);
  });

  test('writePersonCsv is deterministic', async () => {
    const d = await mkdtemp(join(tmpdir(), 'govhub-persons-'));
    try {
      await writePersonCsv(join(d, 'a.csv'), 3000, 5);
      await writePersonCsv(join(d, 'b.csv'), 3000, 5);
      const a = await readFile(join(d, 'a.csv'));
      assert.ok(a.equals(await readFile(join(d, 'b.csv'))));
      const rows = parse(a.toString('utf8'), { columns: true }) as Record<string, string>[];
      assert.equal(rows.length, 3000);
      assert.deepEqual(Object.keys(rows[0]!), PERSON_COLUMNS);
      assert.ok((await stat(join(d, 'a.csv'))).size > 100_000);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});
