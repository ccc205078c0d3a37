/**
 * Chinese person linkage (一人一档) at a million records: the demo city's people as six
 * departments hold them (src/demo/linkage.ts, truth known), normalised, trained, scored, clustered,
 * and scored pairwise against the truth. The peer is linking by the valid ID number alone (what a
 * join on 身份证号 gives), so the gain of the probabilistic part is the F1 difference.
 *
 *   npm run bench -- entity                         (all entity sections, this one with 1,000,000 records)
 *   npm run bench -- entity --section cn1m          (this section only)
 *   npm run bench -- entityCn --cn-records 200000   (alone; or GOVHUB_BENCH_CN_RECORDS=200000)
 *
 * Prints one key=value line per figure and the time of each stage.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeLinkageCsv } from '../src/demo/index.ts';
import { pairwiseScores } from '../src/entity/link/index.ts';
import { personFeatures } from '../src/entity/person/index.ts';
import { KIND_MODELS, Linker, clusterPairs, linkFeatures } from '../src/entity/index.ts';
import { Engine, StageRunner, literal } from '../src/lake/index.ts';

function recordsWanted(): number {
  const i = process.argv.indexOf('--cn-records');
  const v = i >= 0 ? process.argv[i + 1] : process.env.GOVHUB_BENCH_CN_RECORDS;
  const n = Number(v ?? 1_000_000);
  if (!Number.isInteger(n) || n < 1000) throw new Error(`记录数须为不小于 1000 的整数 / records must be an integer ≥ 1000: ${v}`);
  return n;
}

const round = (x: number, d = 5) => Math.round(x * 10 ** d) / 10 ** d;

/** Generate, link and score; returns the figures (cn1m_*), and prints where the time went. */
export async function cn1mSection(opts: { records?: number; seed?: number; log?: (s: string) => void } = {}): Promise<Record<string, number>> {
  const records = opts.records ?? recordsWanted();
  const seed = opts.seed ?? 42;
  const log = opts.log ?? ((s: string) => console.log(s));
  const dir = await mkdtemp(path.join(tmpdir(), 'govhub-bench-cn-'));
  const engine = await Engine.create();
  try {
    const csv = path.join(dir, 'people.csv');
    let t0 = performance.now();
    const gen = await writeLinkageCsv(csv, records, seed);
    const generationSeconds = (performance.now() - t0) / 1000;

    return await engine.withPrivateConnection(async (c) => {
      const run = new StageRunner(c, 'bench.entity.cn');
      t0 = performance.now();
      await run.run('load', `CREATE TABLE cn_raw AS SELECT * FROM read_csv(${literal(csv)}, header = true, all_varchar = true)`);
      await personFeatures(run, {
        source: 'cn_raw',
        mapping: { rid: 'rid', source: 'source', name: 'name', idNumber: 'id_number', sex: 'sex', birthDate: 'birth_date', phone: 'phone', address: 'address', updatedAt: 'updated_at' },
        out: 'cn_features',
      });
      const linked = await linkFeatures(run, KIND_MODELS.person, { features: 'cn_features', out: 'cn_people' });
      const seconds = (performance.now() - t0) / 1000;

      await run.run('truth', `CREATE TEMP TABLE cn_truth AS SELECT rid, truth FROM cn_raw`);
      const s = await pairwiseScores(run, 'cn_people', 'cn_truth');
      await run.run('peer', `CREATE TEMP TABLE cn_id_only AS SELECT rid, coalesce(id18, 'rid:' || rid) AS cluster FROM cn_features`);
      const peer = await pairwiseScores(run, 'cn_id_only', 'cn_truth');
      const [twins] = await run.rows<{ merged: number; total: number }>(
        'twins',
        // A twin's truth is its sibling's with a T appended: a family is merged when one cluster holds both.
        `WITH r AS (SELECT p.cluster, w.truth, regexp_replace(w.truth, 'T$', '') AS family FROM cn_raw w JOIN cn_people p ON p.rid = w.rid),
              fam AS (SELECT DISTINCT family FROM r WHERE truth LIKE '%T'),
              m AS (SELECT r.family FROM r JOIN fam ON fam.family = r.family GROUP BY r.family, r.cluster HAVING count(DISTINCT r.truth) > 1)
         SELECT (SELECT count(DISTINCT family) FROM m)::INTEGER AS merged, (SELECT count(*) FROM fam)::INTEGER AS total`,
      );

      // incremental: a batch of 1,000 records scored against everything with the same model, then clustered
      // again — beside scoring and clustering all the records again; the clusters must come out the same
      await run.run('incremental', `CREATE TEMP TABLE cn_batch AS SELECT rid FROM cn_features ORDER BY hash(rid) LIMIT 1000`);
      const linker = new Linker(run, KIND_MODELS.person.settings);
      t0 = performance.now();
      const inc = await linker.predict(linked.model, 'cn_features', { involving: 'cn_batch', out: 'cn_inc' });
      await run.run('incremental', `CREATE TEMP TABLE cn_pairs_inc AS SELECT * FROM ${linked.pairs}
        WHERE rid_l NOT IN (SELECT rid FROM cn_batch) AND rid_r NOT IN (SELECT rid FROM cn_batch) UNION ALL BY NAME SELECT * FROM ${inc}`);
      await clusterPairs(run, KIND_MODELS.person, { features: 'cn_features', pairs: 'cn_pairs_inc', out: 'cn_people_inc', previous: { clusters: 'cn_people', touched: 'cn_batch' } });
      const incrementalSeconds = (performance.now() - t0) / 1000;
      t0 = performance.now();
      const again = await linker.predict(linked.model, 'cn_features', { out: 'cn_again' });
      await clusterPairs(run, KIND_MODELS.person, { features: 'cn_features', pairs: again, out: 'cn_people_again' });
      const rescoreSeconds = (performance.now() - t0) / 1000;
      const [same] = await run.rows<{ differ: number }>('incremental', `SELECT count(*)::INTEGER AS differ FROM cn_people_inc a JOIN cn_people_again b USING (rid) WHERE a.cluster <> b.cluster`);

      const figures: Record<string, number> = {
        cn1m_records: gen.rows,
        cn1m_people: gen.people,
        cn1m_precision: round(s.precision),
        cn1m_recall: round(s.recall),
        cn1m_f1: round(s.f1),
        cn1m_seconds: round(seconds, 1),
        cn1m_generation_seconds: round(generationSeconds, 1),
        cn1m_peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
        cn1m_candidate_pairs: linked.candidatePairs,
        cn1m_links: linked.links,
        cn1m_split_clusters: linked.splitClusters,
        cn1m_twin_families_merged: twins?.merged ?? 0,
        cn1m_twin_families: twins?.total ?? 0,
        cn1m_id_only_precision: round(peer.precision),
        cn1m_id_only_recall: round(peer.recall),
        cn1m_id_only_f1: round(peer.f1),
        cn1m_f1_vs_id_only: round(s.f1 / peer.f1, 3),
        cn1m_incremental_1k_seconds: round(incrementalSeconds, 2),
        cn1m_rescore_all_seconds: round(rescoreSeconds, 2),
        cn1m_incremental_vs_rescore: round(incrementalSeconds / rescoreSeconds, 3),
        cn1m_incremental_clusters_differ: same?.differ ?? -1,
      };
      log(`cn1m: ${gen.rows} records of ${gen.people} people; stage timings (s):`);
      for (const [stage, ms] of run.timings) if (ms >= 50) log(`  ${stage.padEnd(24)} ${(ms / 1000).toFixed(2)}`);
      return figures;
    });
  } finally {
    engine.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await cn1mSection();
  for (const [k, v] of Object.entries(figures)) console.log(`${k}=${v}`);
}
