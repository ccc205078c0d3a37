/**
 * Enterprise linkage benchmark (一企一档): pairwise precision, recall and F1 of the enterprise model
 * on the generated four-department set (市场监管, 税务, 生态环境, 人社; about 50k records with truth:
 * name variants, old and new codes, typos, branches, namesakes in other cities, the same trade name
 * in another industry), and the seconds from the department rows to the clusters (features stage,
 * training, scoring, clustering) on one DuckDB connection.
 *
 *   node --import tsx bench/entityEnt.ts          (or: npm run bench -- entityEnt)
 *
 * Prints one key=value line per figure.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Engine, StageRunner } from '../src/lake/index.ts';
import { pairwiseScores } from '../src/entity/link/index.ts';
import { enterpriseFeatures } from '../src/entity/enterprise/index.ts';
import { DEMO_CITY_SHORT, generateEnterpriseSet, loadEnterpriseSet } from '../src/demo/index.ts';
import { KIND_MODELS, linkFeatures } from '../src/entity/index.ts';

/** Ordinary enterprises generated; with their hard negatives and four departments ≈ 53k records. */
const ENTERPRISES = 17_000;

export async function enterpriseSection(): Promise<Record<string, number>> {
  const set = generateEnterpriseSet({ enterprises: ENTERPRISES, seed: 20261206 });
  const engine = await Engine.create();
  try {
    return await engine.withPrivateConnection(async (conn) => {
      const run = new StageRunner(conn, 'bench.entityEnt');
      await loadEnterpriseSet(run, set, 'ent_raw');
      const t0 = performance.now();
      await enterpriseFeatures(run, {
        source: 'ent_raw',
        mapping: {
          id: 'rid', source: 'source', name: 'name', uscc: 'uscc', org_code: 'org_code', reg_no: 'reg_no',
          taxpayer_id: 'taxpayer_id', legal_rep: 'legal_rep', address: 'address', established: 'established',
        },
        out: 'ent_features',
        homeRegion: DEMO_CITY_SHORT,
      });
      const linked = await linkFeatures(run, KIND_MODELS.enterprise, { features: 'ent_features', out: 'ent_clusters' });
      const seconds = (performance.now() - t0) / 1000;
      await run.run('truth', `CREATE OR REPLACE TEMP TABLE ent_truth AS SELECT rid, entity AS truth FROM ent_raw`);
      const s = await pairwiseScores(run, 'ent_clusters', 'ent_truth');
      return {
        ent_records: set.records.length,
        ent_enterprises: set.enterprises.length,
        ent_candidate_pairs: linked.candidatePairs,
        ent_precision: Number(s.precision.toFixed(4)),
        ent_recall: Number(s.recall.toFixed(4)),
        ent_f1: Number(s.f1.toFixed(4)),
        ent_seconds: Number(seconds.toFixed(2)),
      };
    });
  } finally {
    engine.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  for (const [k, v] of Object.entries(await enterpriseSection())) console.log(`${k}=${v}`);
}
