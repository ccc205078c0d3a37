/**
 * The whole person linkage over a features table (from personFeatures): train the model, score
 * the candidate pairs, cluster the links and split any cluster that holds two ID numbers.
 */
import type { StageRunner } from '../../lake/index.ts';
import { Linker, clusterLinks, type LinkSettings, type TrainedModel } from '../link/index.ts';
import { splitIdConflicts } from './conflicts.ts';
import { PERSON_SETTINGS } from './settings.ts';

export interface LinkPeopleResult {
  model: TrainedModel;
  /** Scored pairs (rid_l, rid_r, match_probability, deterministic, …). */
  predicted: string;
  /** rid → cluster (one person). */
  clusters: string;
  links: number;
  /** Pairs the blocking rules made and the model scored. */
  candidatePairs: number;
  splitClusters: number;
}

export async function linkPeople(
  run: StageRunner,
  opts: { features: string; out: string; settings?: LinkSettings; model?: TrainedModel },
): Promise<LinkPeopleResult> {
  const settings = opts.settings ?? PERSON_SETTINGS;
  const linker = new Linker(run, settings);
  const model = opts.model ?? (await linker.train(opts.features));
  const predicted = await linker.predict(model, opts.features, { out: `${opts.out}__pairs` });
  const links = `${opts.out}__links`;
  await run.run(
    'person.links',
    `CREATE OR REPLACE TEMP TABLE ${links} AS SELECT rid_l, rid_r, match_probability FROM ${predicted}
     WHERE deterministic OR match_probability >= ${model.settings.threshold}`,
  );
  const raw = `${opts.out}__components`;
  await clusterLinks(run, { nodes: opts.features, idColumn: settings.idColumn, edges: links, out: raw });
  const { split } = await splitIdConflicts(run, { features: opts.features, clusters: raw, links, threshold: 0, out: opts.out });
  const [row] = await run.rows<{ n: number }>('person.links', `SELECT count(*)::INTEGER AS n FROM ${links}`);
  await run.run('person.links', `DROP TABLE IF EXISTS ${raw}`);
  return { model, predicted, clusters: opts.out, links: row?.n ?? 0, candidatePairs: linker.lastPredict?.candidatePairs ?? 0, splitClusters: split };
}
