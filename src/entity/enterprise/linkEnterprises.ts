/**
 * 一企一档 in one call: train the enterprise model on a features table, score the candidate
 * pairs, keep the links at the threshold (and every deterministic pair) and cluster them.
 */
import type { StageRunner } from '../../lake/index.ts';
import { Linker, clusterLinks, type TrainedModel } from '../link/index.ts';
import { ENTERPRISE_SETTINGS, pinDifferWeights } from './settings.ts';

export interface EnterpriseLinkResult {
  model: TrainedModel;
  /** Table of scored pairs (rid_l, rid_r, match_weight, match_probability, deterministic, …). */
  pairs: string;
  /** Table (rid, cluster): one cluster per enterprise. */
  clusters: string;
  candidatePairs: number;
}

export async function linkEnterprises(
  run: StageRunner,
  opts: { features: string; out: string; model?: TrainedModel; settings?: typeof ENTERPRISE_SETTINGS },
): Promise<EnterpriseLinkResult> {
  const settings = opts.settings ?? ENTERPRISE_SETTINGS;
  const linker = new Linker(run, settings);
  const model = opts.model ?? pinDifferWeights(await linker.train(opts.features));
  const pairs = await linker.predict(model, opts.features, { out: `${opts.out}_pairs` });
  const links = `${opts.out}_links`;
  await run.run(
    'enterprise.links',
    `CREATE OR REPLACE TEMP TABLE ${links} AS SELECT rid_l, rid_r FROM ${pairs}
     WHERE deterministic OR match_probability >= ${settings.threshold}`,
  );
  await clusterLinks(run, { nodes: opts.features, idColumn: settings.idColumn, edges: links, out: opts.out });
  return { model, pairs, clusters: opts.out, candidatePairs: linker.lastPredict?.candidatePairs ?? 0 };
}
