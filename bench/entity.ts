/**
 * Entity-linkage benchmark: pairwise precision, recall and F1 of `govhub link` (the same code path,
 * called in-process) on labelled record-linkage sets, and the time each takes. Each data set is a
 * section; a section is one entry of SECTIONS.
 *
 *   npm run bench -- entity [--section febrl3]
 *
 * Data: febrl3 (5,000 records; truth in rec_id `rec-N-org` / `rec-N-dup-K` → N) and fake_1000
 * (1,000 records; truth in `cluster`), from <repo>/../shared/data/er or GOVHUB_ER_DATA. Each runs with
 * its configuration in bench/data/entity/<name>.json and again with settings built from the columns
 * (label `_auto`). The peer is Splink's published febrl3 F1 (0.965). Ends with key=value lines.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { linkFiles, pairwiseScores, type LinkConfig } from '../src/entity/index.ts';
import { Engine, StageRunner } from '../src/lake/index.ts';
import { arg, printTable, ratio } from './_peers.ts';
import { cn1mSection } from './entityCn.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONFIGS = path.join(ROOT, 'bench', 'data', 'entity');
/** Splink's published pairwise F1 on febrl3. */
export const SPLINK_FEBRL3_F1 = 0.965;

export const erDataDir = () => process.env.GOVHUB_ER_DATA ?? path.resolve(ROOT, '..', 'shared', 'data', 'er');

export interface SectionFigures {
  precision: number;
  recall: number;
  f1: number;
  seconds: number;
  records: number;
  comparisons: number;
}

/** One labelled data set: where it is, its id column, and the SQL giving each record's true cluster. */
export interface Section {
  /** Prefix of its key=value lines. */
  key: string;
  file: () => string;
  idColumn: string;
  /** SQL expression over the records table giving the true cluster. */
  truthSql: string;
  /** Columns holding the truth: never seen by the automatic settings. */
  truthColumns: string[];
  /** Configuration file in bench/data/entity (none: automatic settings only). */
  config?: string;
  /** Compare with a published figure: [label, F1]. */
  peer?: [string, number];
}

export const SECTIONS: Section[] = [
  {
    key: 'febrl3',
    file: () => path.join(erDataDir(), 'febrl3.csv'),
    idColumn: 'rec_id',
    truthSql: `regexp_extract(rec_id, 'rec-(\\d+)', 1)`,
    truthColumns: [],
    config: 'febrl3.json',
    peer: ['splink', SPLINK_FEBRL3_F1],
  },
  {
    key: 'fake1000',
    file: () => path.join(erDataDir(), 'fake_1000.csv'),
    idColumn: 'unique_id',
    truthSql: 'CAST("cluster" AS VARCHAR)',
    truthColumns: ['cluster'],
    config: 'fake_1000.json',
  },
];

/** Link one file as `govhub link` does and score the clusters against the truth. */
export async function runSection(engine: Engine, s: Section, config: LinkConfig | undefined): Promise<SectionFigures> {
  return engine.withPrivateConnection(async (c) => {
    const run = new StageRunner(c, `bench.entity.${s.key}`);
    const res = await linkFiles(run, { inputs: [s.file()], idColumn: s.idColumn, config, ignoreColumns: s.truthColumns });
    await run.run('truth', `CREATE TEMP TABLE truth AS SELECT __rid AS rid, ${s.truthSql} AS truth FROM ${res.recordsTable}`);
    await run.run('predicted', `CREATE TEMP TABLE predicted AS SELECT id AS rid, cluster FROM ${res.clustersTable}`);
    const sc = await pairwiseScores(run, 'predicted', 'truth');
    return { precision: sc.precision, recall: sc.recall, f1: sc.f1, seconds: res.seconds, records: res.records, comparisons: res.predict.candidatePairs };
  });
}

const r4 = (x: number) => Math.round(x * 10000) / 10000;

export async function entityBench(log: (s: string) => void, only?: string): Promise<Record<string, number>> {
  const engine = await Engine.create({ threads: 2 });
  const figures: Record<string, number> = {};
  const rows: string[][] = [];
  try {
    for (const s of SECTIONS.filter((x) => !only || x.key === only)) {
      if (!fs.existsSync(s.file())) {
        log(`${s.key}: ${s.file()} not found; skipped (set GOVHUB_ER_DATA)`);
        continue;
      }
      const runs: Array<[string, LinkConfig | undefined]> = [];
      if (s.config) runs.push([s.key, JSON.parse(fs.readFileSync(path.join(CONFIGS, s.config), 'utf8')) as LinkConfig]);
      runs.push([s.config ? `${s.key}_auto` : s.key, undefined]);
      for (const [key, config] of runs) {
        const f = await runSection(engine, s, config);
        rows.push([key, String(f.records), String(f.comparisons), f.precision.toFixed(4), f.recall.toFixed(4), f.f1.toFixed(4), f.seconds.toFixed(2)]);
        Object.assign(figures, { [`${key}_precision`]: r4(f.precision), [`${key}_recall`]: r4(f.recall), [`${key}_f1`]: r4(f.f1), [`${key}_seconds`]: Math.round(f.seconds * 100) / 100 });
      }
      if (s.peer && figures[`${s.key}_f1`] !== undefined) figures[`${s.key}_f1_vs_${s.peer[0]}`] = ratio(figures[`${s.key}_f1`], s.peer[1])!;
    }
    // Chinese people of six departments, generated with their truth (bench/entityCn.ts).
    if (!only || only === 'cn1m') {
      const cn = await cn1mSection({ log });
      rows.push(['cn1m', String(cn.cn1m_records), String(cn.cn1m_candidate_pairs ?? ''), String(cn.cn1m_precision), String(cn.cn1m_recall), String(cn.cn1m_f1), String(cn.cn1m_seconds)]);
      Object.assign(figures, cn);
    }
  } finally {
    engine.close();
  }
  printTable(log, ['set', 'records', 'pairs scored', 'precision', 'recall', 'F1', 'seconds'], rows);
  for (const [k, v] of Object.entries(figures)) log(`${k}=${v}`);
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await entityBench((s) => console.log(s), arg('--section'));
}
