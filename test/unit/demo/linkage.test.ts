import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DEFAULT_LINKAGE_RATES, LINKAGE_COLUMNS, LINKAGE_SOURCES, linkageRecords, writeLinkageCsv, type LinkageRecord } from '../../../src/demo/index.ts';
import { validateIdCard } from '../../../src/standards/index.ts';

const N = 20_000;
const all = (seed: number, n = N, rates = {}) => [...linkageRecords(seed, n, { rates })];

describe('linkage set', () => {
  const recs = all(42);

  test('repeats by seed and differs between seeds', () => {
    assert.deepEqual(all(42, 2000), recs.slice(0, 2000));
    assert.notDeepEqual(all(43, 2000), recs.slice(0, 2000));
  });

  test('exactly n records, unique ids, every record has a truth and a known source', () => {
    assert.equal(recs.length, N);
    assert.equal(new Set(recs.map((r) => r.rid)).size, N);
    const codes = new Set(LINKAGE_SOURCES.map((s) => s.code));
    for (const r of recs) {
      assert.match(r.truth, /^P\d{7}T?$/);
      assert.ok(codes.has(r.source), r.source);
      assert.ok(r.rid.startsWith(r.source));
    }
  });

  test('the truth is consistent: one person, one true ID number and one birth year; most people in several departments', () => {
    const byTruth = new Map<string, LinkageRecord[]>();
    for (const r of recs) byTruth.set(r.truth, [...(byTruth.get(r.truth) ?? []), r]);
    let multi = 0;
    for (const [truth, rs] of byTruth) {
      const ids = new Set(rs.map((r) => validateIdCard(r.id_number)).filter((v) => v.ok).map((v) => v.normalized));
      assert.ok(ids.size <= 1, `${truth} has ${[...ids].join(', ')}`);
      if (new Set(rs.map((r) => r.source)).size > 1) multi++;
    }
    // …and one ID number, one person (twins included).
    const owner = new Map<string, string>();
    for (const r of recs) {
      const v = validateIdCard(r.id_number);
      if (!v.ok) continue;
      const had = owner.get(v.normalized!);
      assert.ok(had === undefined || had === r.truth, `${v.normalized} is ${had} and ${r.truth}`);
      owner.set(v.normalized!, r.truth);
    }
    assert.ok(multi / byTruth.size > 0.6, `share in several departments ${multi / byTruth.size}`);
    const ga = recs.filter((r) => r.source === 'GA').length;
    assert.ok(ga / byTruth.size > 0.9, `GA covers ${ga / byTruth.size}`);
  });

  test('the rates roughly hold', () => {
    const share = (pred: (r: LinkageRecord) => boolean, rs = recs) => rs.filter(pred).length / rs.length;
    const notGa = recs.filter((r) => r.source !== 'GA');
    const missing = share((r) => r.id_number === '', notGa);
    assert.ok(missing > 0.08 && missing < 0.2, `missing ID ${missing}`);
    const invalid = share((r) => r.id_number !== '' && !validateIdCard(r.id_number).ok);
    assert.ok(invalid > DEFAULT_LINKAGE_RATES.invalidId * 0.6 && invalid < DEFAULT_LINKAGE_RATES.invalidId * 1.5, `invalid ID ${invalid}`);
    const old = share((r) => /^\d{15}$/.test(r.id_number));
    assert.ok(old > 0.005 && old < 0.04, `15-digit ${old}`);
    const otherForm = share((r) => r.birth_date !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(r.birth_date));
    assert.ok(Math.abs(otherForm - DEFAULT_LINKAGE_RATES.birthForm) < 0.05, `date forms ${otherForm}`);
    const fullWidth = share((r) => /[０-９]/.test(r.address));
    assert.ok(fullWidth > 0.02 && fullWidth < 0.08, `full-width addresses ${fullWidth}`);
    const codes = share((r) => ['1', '2', 'M', 'F', '男性', '女性'].includes(r.sex));
    assert.ok(Math.abs(codes - DEFAULT_LINKAGE_RATES.sexCode) < 0.05, `sex codes ${codes}`);
  });

  test('name typos and traditional characters appear at their rates', () => {
    const typo = all(7, 5000, { nameTypo: 0.5, traditional: 0 });
    const truthName = new Map<string, Set<string>>();
    for (const r of typo) truthName.set(r.truth, (truthName.get(r.truth) ?? new Set()).add(r.name));
    const varied = [...truthName.values()].filter((s) => s.size > 1).length / truthName.size;
    assert.ok(varied > 0.2, `people with two spellings ${varied}`);
    const trad = all(7, 5000, { traditional: 1 });
    assert.ok(trad.some((r) => /[張陳劉楊黃趙吳]/.test(r.name)));
  });

  test('hard negatives: twins share birth and home with their sibling but not the ID; namesakes share a name', () => {
    const twins = recs.filter((r) => r.planted === 'twin');
    assert.ok(twins.length > 20, `twin records ${twins.length}`);
    for (const t of twins.slice(0, 50)) {
      const sib = recs.find((r) => r.truth === t.plantedFrom && validateIdCard(r.id_number).ok);
      const mine = recs.find((r) => r.truth === t.truth && validateIdCard(r.id_number).ok);
      if (!sib || !mine) continue;
      assert.notEqual(validateIdCard(mine.id_number).normalized, validateIdCard(sib.id_number).normalized);
      assert.equal(validateIdCard(mine.id_number).birthDate, validateIdCard(sib.id_number).birthDate);
    }
    const namesakes = recs.filter((r) => r.planted === 'namesake');
    assert.ok(namesakes.length > 50, `namesake records ${namesakes.length}`);
  });

  test('writeLinkageCsv writes the same records as CSV', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'govhub-linkage-'));
    try {
      const out = await writeLinkageCsv(join(dir, 'p.csv'), 3000, 42);
      const rows = parse(await readFile(out.path, 'utf8'), { columns: true }) as Array<Record<string, string>>;
      assert.equal(rows.length, 3000);
      assert.deepEqual(Object.keys(rows[0]!), [...LINKAGE_COLUMNS]);
      const want = recs.slice(0, 3000);
      for (let i = 0; i < 3000; i += 97) for (const c of LINKAGE_COLUMNS) assert.equal(rows[i]![c], want[i]![c], `${i}.${c}`);
      assert.equal(out.people, new Set(want.map((r) => r.truth)).size);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
