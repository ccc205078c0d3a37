/**
 * The demo city's planted collision cases: deterministic, non-empty at the default size, with the
 * look-alikes each rule must pass over, and — computed again here from the files as ingest will hold
 * them (cleaned values, accepted rows only) — exactly the recorded truth.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { DEMO_RULE_CODES, POSITIVE_ROLES, fullYears, generateCity, type CityManifest, type DemoRuleCode, type PlantedTruth } from '../../../src/demo/index.ts';
import { cleanText, validate } from '../../../src/standards/index.ts';

type Row = Record<string, string | null>;

let root: string;
let manifest: CityManifest;
let planted: PlantedTruth;

/** The accepted rows of a dataset, each value as ingest stores it (trimmed and normalised by its data element). */
async function accepted(code: string, m = manifest): Promise<Row[]> {
  const f = m.files.find((x) => x.dataset === code)!;
  const ds = m.departments.flatMap((d) => d.datasets).find((d) => d.code === code)!;
  const buf = await readFile(join(m.outDir, f.path));
  const text = f.encoding === 'gbk' ? iconv.decode(buf, 'gbk') : buf.toString('utf8');
  const raw: Record<string, unknown>[] = f.format === 'ndjson' ? text.split('\n').filter(Boolean).map((l) => JSON.parse(l)) : parse(text, { columns: true, bom: f.bom });
  const truth = parse(await readFile(join(m.outDir, f.truthPath), 'utf8'), { columns: true }) as Array<{ rejected: string }>;
  assert.equal(truth.length, raw.length, code);
  return raw.filter((_, i) => truth[i]!.rejected === '0').map((r) => {
    const out: Row = {};
    for (const fld of ds.fields) {
      const v = cleanText(r[fld.name]);
      out[fld.name] = !v ? null : fld.element ? (validate(fld.element, v).normalized ?? v) : v;
    }
    return out;
  });
}

/** Each rule as plain code over the accepted rows: the reference the generator's truth must equal. */
async function reference(asOf: string): Promise<Record<DemoRuleCode, string[]>> {
  const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();
  const col = (rows: Row[], f: string) => new Set(rows.map((r) => r[f]!));

  const leased = col(await accepted('ZJ_FWZL'), 'fwzl');
  const rental = (await accepted('GA_JQXX')).filter((r) => r.sfczfw === '是' && !leased.has(r.fsdz!)).map((r) => r.fsdz!);

  const died = new Map((await accepted('WJ_SWYX')).map((r) => [r.gmsfhm!, r.swrq!]));
  const pension = (await accepted('RS_YLJFF')).filter((r) => died.has(r.gmsfhm!) && r.ffny! > died.get(r.gmsfhm!)!).map((r) => r.gmsfhm!);

  const listed = new Map((await accepted('FY_SXBZXR')).filter((r) => r.ycrq === null).map((r) => [r.tyshxydm!, r.lrrq!]));
  const subsidy = (await accepted('CZ_QYBT')).filter((r) => listed.has(r.tyshxydm!) && r.ffrq! > listed.get(r.tyshxydm!)!).map((r) => r.tyshxydm!);

  const enrolled = col(await accepted('JY_XSXJ'), 'gmsfhm');
  const school = (await accepted('GA_HJRK')).filter((r) => {
    const age = fullYears(r.csrq!, asOf);
    return age >= 6 && age < 15 && !enrolled.has(r.gmsfhm!);
  }).map((r) => r.gmsfhm!);

  const licensed = new Set((await accepted('SC_SPXK')).filter((r) => r.fzrq! <= asOf && r.yxqz! >= asOf).map((r) => r.tyshxydm!));
  const unlicensed = (await accepted('SC_QYDJ')).filter((r) => r.djzt === '存续' && ['餐饮业', '食品制造业'].includes(r.jyfw!) && !licensed.has(r.tyshxydm!)).map((r) => r.tyshxydm!);

  return {
    COLLIDE_RENTAL_UNDECLARED: sorted(rental),
    COLLIDE_DECEASED_PENSION: sorted(pension),
    COLLIDE_DISHONEST_SUBSIDY: sorted(subsidy),
    COLLIDE_SCHOOL_AGE_UNENROLLED: sorted(school),
    COLLIDE_UNLICENSED_BUSINESS: sorted(unlicensed),
  };
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'govhub-collide-'));
  manifest = await generateCity({ seed: 42, people: 2000, outDir: join(root, 'city') });
  planted = JSON.parse(await readFile(join(manifest.outDir, manifest.truth.planted), 'utf8'));
});

after(() => rm(root, { recursive: true, force: true }));

describe('planted collision cases (2000 people, the default demo)', () => {
  test('every rule has cases to find, a few to a few dozen, and the manifest lists them', () => {
    assert.deepEqual(Object.keys(planted.rules), [...DEMO_RULE_CODES]);
    assert.equal(planted.asOf, '2024-06-30');
    assert.deepEqual(manifest.planted, planted.rules);
    for (const code of DEMO_RULE_CODES) {
      const n = planted.rules[code].length;
      assert.ok(n >= 3 && n <= 60, `${code}: ${n} planted`);
    }
  });

  test('the look-alikes each rule must pass over are there, and none of them is in the truth', () => {
    const need: Record<DemoRuleCode, string[]> = {
      COLLIDE_RENTAL_UNDECLARED: ['declared', 'notRented'],
      COLLIDE_DECEASED_PENSION: ['stopped', 'diedBeforePayments'],
      COLLIDE_DISHONEST_SUBSIDY: ['subsidyBeforeListing', 'removedBeforeSubsidy', 'listedNoSubsidy'],
      COLLIDE_SCHOOL_AGE_UNENROLLED: ['tooYoung', 'tooOld'],
      COLLIDE_UNLICENSED_BUSINESS: ['valid', 'renewed', 'closed'],
    };
    for (const code of DEMO_RULE_CODES) {
      const found = new Set(planted.rules[code]);
      for (const kind of need[code]) assert.ok(planted.roles[code][kind]?.length, `${code}: no ${kind}`);
      const positives = new Set<string>();
      for (const [kind, keys] of Object.entries(planted.roles[code])) {
        if (POSITIVE_ROLES.has(kind)) keys.forEach((k) => positives.add(k));
        else for (const k of keys) assert.ok(!found.has(k), `${code}: ${kind} ${k} is in the truth`);
      }
      // what was planted on purpose is what the rows say the rule finds
      assert.deepEqual([...positives].sort(), planted.rules[code], code);
    }
  });

  test('the truth is what each rule finds in the accepted, cleaned rows of the files', async () => {
    assert.deepEqual(await reference(planted.asOf), planted.rules);
  });

  test('the planter\'s own datasets have rows and no defect that rejects one', () => {
    for (const code of ['GA_JQXX', 'ZJ_FWZL', 'WJ_SWYX', 'RS_YLJFF', 'FY_SXBZXR', 'CZ_QYBT', 'SC_SPXK']) {
      const f = manifest.files.find((x) => x.dataset === code)!;
      assert.ok(f.rowCount > 0, code);
      assert.equal(f.expectedRejected, 0, code);
    }
  });

  test('the same seed plants the same cases; another seed others', async () => {
    const again = await generateCity({ seed: 42, people: 2000, outDir: join(root, 'again') });
    assert.equal(await readFile(join(again.outDir, 'truth/planted.json'), 'utf8'), await readFile(join(manifest.outDir, 'truth/planted.json'), 'utf8'));
    const other = await generateCity({ seed: 43, people: 2000, outDir: join(root, 'other') });
    assert.notDeepEqual(other.planted, manifest.planted);
    for (const code of DEMO_RULE_CODES) assert.ok(other.planted[code].length > 0, `seed 43: ${code}`);
  });
});
