/**
 * Acceptance: enterprise names in their common variants link. A generated four-department set
 * (市场监管, 税务, 生态环境, 人社) with truth goes through the features stage and the enterprise
 * model; the variants of each enterprise must end in one cluster, branches and namesakes apart.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, StageRunner, loadRows } from '../../../../src/lake/index.ts';
import { Linker, pairwiseScores } from '../../../../src/entity/link/index.ts';
import { KIND_MODELS, linkFeatures, type LinkResult } from '../../../../src/entity/index.ts';
import { ENTERPRISE_SETTINGS, enterpriseFeatures, normalizeEnterpriseName } from '../../../../src/entity/enterprise/index.ts';
import { DEMO_CITY_SHORT, generateEnterpriseSet, loadEnterpriseSet, type EnterpriseTestSet } from '../../../../src/demo/index.ts';

let engine: Engine;
let run: StageRunner;
let release: () => void;
let set: EnterpriseTestSet;
let result: LinkResult;
/** rid → cluster, rid → truth. */
const clusterOf = new Map<string, string>();
const orgCodeOf = new Map<string, string | null>();

const MAPPING = {
  id: 'rid', source: 'source', name: 'name', uscc: 'uscc', org_code: 'org_code', reg_no: 'reg_no',
  taxpayer_id: 'taxpayer_id', legal_rep: 'legal_rep', address: 'address', established: 'established',
};

before(async () => {
  engine = await Engine.create();
  // one connection for the whole file: the engine's working tables are TEMP tables of it
  await new Promise<void>((ready) => {
    void engine.withPrivateConnection(
      (conn) =>
        new Promise<void>((done) => {
          run = new StageRunner(conn, 'entity.enterprise.test');
          release = done;
          ready();
        }),
    );
  });
  set = generateEnterpriseSet({ enterprises: 1500, seed: 7 });
  await loadEnterpriseSet(run, set, 'raw');
  await enterpriseFeatures(run, { source: 'raw', mapping: MAPPING, out: 'feat', homeRegion: DEMO_CITY_SHORT });
  result = await linkFeatures(run, KIND_MODELS.enterprise, { features: 'feat', out: 'clusters' });
  for (const r of await run.rows<{ rid: string; cluster: string; org_code: string | null }>('read', `SELECT rid, cluster, org_code FROM clusters JOIN feat USING (rid)`)) {
    clusterOf.set(r.rid, r.cluster);
    orgCodeOf.set(r.rid, r.org_code);
  }
});

after(async () => {
  release?.();
  await engine?.close?.();
});

const byEntity = () => {
  const m = new Map<string, EnterpriseTestSet['records']>();
  for (const r of set.records) m.set(r.entity, [...(m.get(r.entity) ?? []), r]);
  return m;
};

test('the set has what the brief of a linkage test needs', () => {
  const roles = new Set(set.enterprises.map((e) => e.role));
  assert.deepEqual([...roles].sort(), ['branch', 'namesake', 'other_industry', 'plain']);
  const sources = new Set(set.records.map((r) => r.source));
  assert.equal(sources.size, 4);
  assert.ok(set.records.some((r) => /有限责任公司/.test(r.name)) && set.records.some((r) => /（示范/.test(r.name)) && set.records.some((r) => /\(示范/.test(r.name)));
  assert.ok(set.records.some((r) => r.taxpayer_id?.length === 15) && set.records.some((r) => r.org_code?.includes('-')) && set.records.some((r) => r.reg_no));
});

test('every record is clustered', () => {
  assert.equal(clusterOf.size, set.records.length);
});

test('the name variants of each enterprise end in one cluster', () => {
  // variants: every spelling that normalises to the registered name (typos are measured by F1
  // below), on records whose code, when they carry one, is the enterprise's own (a branch's
  // record may carry its head office's code: that record contradicts itself)
  const split: string[] = [];
  let checked = 0;
  for (const [eid, records] of byEntity()) {
    const e = set.enterprises.find((x) => x.eid === eid)!;
    const registered = normalizeEnterpriseName(e.name)!.name_norm;
    const own = e.uscc.slice(8, 17);
    const variants = records.filter((r) => normalizeEnterpriseName(r.name)?.name_norm === registered && (orgCodeOf.get(r.rid) ?? own) === own);
    const clusters = new Set(variants.map((r) => clusterOf.get(r.rid)));
    checked += variants.length;
    if (clusters.size > 1) split.push(`${eid}: ${variants.map((r) => r.name).join(' | ')}`);
  }
  assert.ok(checked > set.records.length * 0.8, `${checked} of ${set.records.length}`);
  assert.deepEqual(split, []);
});

test('a branch never shares a cluster with its head office', () => {
  const clustersOf = (eid: string) => new Set(set.records.filter((r) => r.entity === eid).map((r) => clusterOf.get(r.rid)));
  const branches = set.enterprises.filter((e) => e.role === 'branch');
  assert.ok(branches.length > 50);
  const merged = branches.filter((b) => [...clustersOf(b.eid)].some((c) => clustersOf(b.of!).has(c)));
  assert.deepEqual(merged.map((b) => b.name), []);
});

test('namesakes in another city and the same trade name in another industry stay apart', () => {
  const clustersOf = (eid: string) => new Set(set.records.filter((r) => r.entity === eid).map((r) => clusterOf.get(r.rid)));
  for (const role of ['namesake', 'other_industry'] as const) {
    const negatives = set.enterprises.filter((e) => e.role === role && set.records.some((r) => r.entity === e.eid));
    assert.ok(negatives.length > 30, `${role}: ${negatives.length}`);
    const merged = negatives.filter((n) => [...clustersOf(n.eid)].some((c) => clustersOf(n.of!).has(c)));
    // a record that writes neither code nor city can only be guessed; at most 1 in 50 may go wrong
    assert.ok(merged.length <= negatives.length / 50, `${role}: ${merged.length} of ${negatives.length} merged: ${merged.map((m) => m.name).join(', ')}`);
  }
});

test('pairwise F1 against the truth is at least 0.95', async () => {
  await run.run('truth', `CREATE OR REPLACE TEMP TABLE truth AS SELECT rid, entity AS truth FROM raw`);
  const s = await pairwiseScores(run, 'clusters', 'truth');
  assert.ok(s.f1 >= 0.95 && s.precision >= 0.95 && s.recall >= 0.95, JSON.stringify(s));
});

test('a branch against its head office: the explanation shows the branch part weighing strongly against', async () => {
  const branch = set.records.find((r) => set.enterprises.find((e) => e.eid === r.entity)?.role === 'branch' && r.source === 'SC_QYDJ')!;
  const headEid = set.enterprises.find((e) => e.eid === branch.entity)!.of!;
  const head = set.records.find((r) => r.entity === headEid && r.source === 'SC_QYDJ')!;
  const x = await new Linker(run, ENTERPRISE_SETTINGS).explain(result.model, 'feat', branch.rid, head.rid);
  const bar = x.fields.find((f) => f.name === 'branch')!;
  assert.ok(bar.weight < -10, `${bar.weight}`);
  assert.ok(x.matchProbability < ENTERPRISE_SETTINGS.threshold);
});

describe('the features stage reads a department table through its mapping', () => {
  test('税务 columns (nsrsbh, nsrmc, fddbr) become the common features', async () => {
    await loadRows(run, 'sw', 'sw_nsrdj', ['xh', 'nsrsbh', 'nsrmc', 'fddbr', 'djrq', 'scjydz'], [
      ['1', '330106123456788', '恒达科技（示范）有限责任公司', ' 王 伟 ', '2001/3/5', '示范市西湖区文三路１号'],
      ['2', '９１３３０１００７１６１０５８５２ｆ', '示范市恒达科技有限公司西湖分公司', '李娜', null, null],
      ['3', null, '恆達貿易有限公司', null, '20010305', null],
    ]);
    await enterpriseFeatures(run, {
      source: 'sw_nsrdj',
      mapping: { id: 'xh', sourceName: 'SW_NSRDJ', name: 'nsrmc', taxpayer_id: 'nsrsbh', legal_rep: 'fddbr', established: 'djrq', address: 'scjydz' },
      out: 'sw_feat',
    });
    const rows = await run.rows(`read`, `SELECT rid, source, org_code, uscc, name_norm, core, industry, form, branch, region, district, addr_norm, legal_rep, CAST(established AS VARCHAR) AS established FROM sw_feat ORDER BY rid`);
    assert.deepEqual(rows, [
      { rid: '1', source: 'SW_NSRDJ', org_code: '123456788', uscc: null, name_norm: '恒达科技有限公司', core: '恒达', industry: '科技', form: '有限公司', branch: '', region: '示范', district: '西湖区', addr_norm: '西湖区文三路1号', legal_rep: '王伟', established: '2001-03-05' },
      { rid: '2', source: 'SW_NSRDJ', org_code: '716105852', uscc: '91330100716105852F', name_norm: '恒达科技有限公司西湖分公司', core: '恒达', industry: '科技', form: '有限公司', branch: '西湖分公司', region: '示范', district: null, addr_norm: null, legal_rep: '李娜', established: null },
      { rid: '3', source: 'SW_NSRDJ', org_code: null, uscc: null, name_norm: '恒达贸易有限公司', core: '恒达', industry: '贸易', form: '有限公司', branch: '', region: null, district: null, addr_norm: null, legal_rep: null, established: '2001-03-05' },
    ]);
  });
});
