/**
 * One kind's linkage over a features table — what every run of the index does, and what the
 * benchmarks and tests measure: train (or reuse) the model, score the candidate pairs, and cluster
 * the links above the threshold under people's decisions and the kind's one-key rule.
 */
import { ident, literal, type StageRunner } from '../lake/index.ts';
import { constrainedClusters, type Edge } from './constrained.ts';
import { clusterLinks, Linker } from './link/index.ts';
import type { TrainedModel } from './link/types.ts';
import type { KindModel } from './models.ts';

export interface ClusterInput {
  /** Features table: rid, and the kind's conflict key. */
  features: string;
  /** Scored pairs: rid_l, rid_r, match_probability. */
  pairs: string;
  /** People's decisions: must-links and cannot-links between record ids. */
  mustLink?: Array<[string, string]>;
  cannotLink?: Array<[string, string]>;
  /** Output table (rid, cluster): cluster = the smallest rid of the cluster. */
  out: string;
  /**
   * Incremental: the clusters of the last run (rid, cluster = its smallest rid) and the records changed
   * since (rid). Only the clusters those records were in, or link to now, are clustered again; the rest
   * keep their label (a link between two untouched records was there last time, so it joined them then).
   * People's decisions must be the same as last time's (a changed decision needs a whole clustering).
   */
  previous?: { clusters: string; touched: string };
}

/**
 * Cluster scored pairs. Links at or above the kind's threshold, people's cannot-links removed and
 * must-links added, make connected components (in SQL). Then every cannot-link inside a component —
 * a person's decision, or two records with different keys (one person has one valid ID number) —
 * has its component clustered again under the constraints (constrainedClusters: must-links first,
 * then links from the strongest down, so a record without a key goes with the record it matches
 * best). A component joined on purpose by people (a must-link in it) keeps its different keys.
 * Leaves temp tables `decided` (l, r, must) and `edges` behind for the caller.
 */
export async function clusterPairs(run: StageRunner, km: KindModel, input: ClusterInput): Promise<{ links: number; split: number }> {
  const { features, pairs, out } = input;
  await run.run('decisions', `CREATE OR REPLACE TEMP TABLE decided (l VARCHAR, r VARCHAR, must BOOLEAN)`);
  const decided = [...(input.mustLink ?? []).map(([l, r]) => ({ l, r, must: true })), ...(input.cannotLink ?? []).map(([l, r]) => ({ l, r, must: false }))];
  for (let i = 0; i < decided.length; i += 500) {
    const chunk = decided.slice(i, i + 500).map((d) => `(${literal(d.l < d.r ? d.l : d.r)}, ${literal(d.l < d.r ? d.r : d.l)}, ${d.must})`);
    await run.run('decisions', `INSERT INTO decided VALUES ${chunk.join(', ')}`);
  }
  await run.run('edges', `CREATE OR REPLACE TEMP TABLE edges AS
    SELECT rid_l, rid_r, match_probability AS p, false AS must FROM ${pairs}
     WHERE match_probability >= ${km.settings.threshold}
       AND NOT EXISTS (SELECT 1 FROM decided d WHERE NOT d.must AND d.l = rid_l AND d.r = rid_r)
    UNION ALL
    SELECT l, r, 1.0, true FROM decided d WHERE d.must AND l IN (SELECT rid FROM ${features}) AND r IN (SELECT rid FROM ${features})`);
  if (input.previous) await clusterAffected(run, features, input.previous, out);
  else await clusterLinks(run, { nodes: features, idColumn: 'rid', edges: 'edges', out });
  const key = km.conflictKey ? ident(km.conflictKey) : null;
  await run.run('constraints', `CREATE OR REPLACE TEMP TABLE cannot AS SELECT l, r FROM decided WHERE NOT must${key ? `
    UNION SELECT a.rid, b.rid FROM ${out} ca JOIN ${features} a ON a.rid = ca.rid JOIN ${out} cb ON cb.cluster = ca.cluster AND cb.rid > ca.rid JOIN ${features} b ON b.rid = cb.rid
     WHERE a.${key} <> b.${key}
       AND ca.cluster NOT IN (SELECT c.cluster FROM decided d JOIN ${out} c ON c.rid = d.l WHERE d.must)` : ''}`);
  const split = await fixCannotLinks(run, out);
  const links = Number((await run.rows<{ n: number }>('count', 'SELECT count(*) AS n FROM edges'))[0]!.n);
  return { links, split };
}

/** Connected components of the clusters the touched records were in or link to; the others as they were. */
async function clusterAffected(run: StageRunner, features: string, prev: { clusters: string; touched: string }, out: string): Promise<void> {
  await run.run('affected', `CREATE OR REPLACE TEMP TABLE affected AS
    WITH t AS (
      SELECT rid FROM ${prev.touched}
      UNION SELECT rid_r FROM edges WHERE rid_l IN (SELECT rid FROM ${prev.touched})
      UNION SELECT rid_l FROM edges WHERE rid_r IN (SELECT rid FROM ${prev.touched})
      UNION SELECT l FROM decided UNION SELECT r FROM decided)
    SELECT rid FROM ${prev.clusters} WHERE cluster IN (SELECT p.cluster FROM ${prev.clusters} p JOIN t USING (rid))
    UNION SELECT rid FROM t`);
  await run.run('affected', `CREATE OR REPLACE TEMP TABLE affected_nodes AS SELECT rid FROM ${features} WHERE rid IN (SELECT rid FROM affected)`);
  await run.run('affected', `CREATE OR REPLACE TEMP TABLE affected_edges AS SELECT * FROM edges WHERE rid_l IN (SELECT rid FROM affected_nodes) AND rid_r IN (SELECT rid FROM affected_nodes)`);
  await clusterLinks(run, { nodes: 'affected_nodes', idColumn: 'rid', edges: 'affected_edges', out: 'affected_cc' });
  await run.run('affected', `CREATE OR REPLACE TEMP TABLE ${out} AS
    SELECT rid, cluster FROM affected_cc
    UNION ALL SELECT p.rid, p.cluster FROM ${prev.clusters} p JOIN ${features} f USING (rid) WHERE p.rid NOT IN (SELECT rid FROM affected_nodes)`);
}

/** Re-cluster the components holding both records of a cannot-link; returns how many there were. */
async function fixCannotLinks(run: StageRunner, cc: string): Promise<number> {
  const bad = await run.rows<{ cluster: string }>('constraints', `SELECT DISTINCT a.cluster FROM cannot d JOIN ${cc} a ON a.rid = d.l JOIN ${cc} b ON b.rid = d.r WHERE a.cluster = b.cluster`);
  if (!bad.length) return 0;
  await run.run('constraints', `CREATE OR REPLACE TEMP TABLE bad_clusters AS SELECT unnest([${bad.map((b) => literal(b.cluster)).join(', ')}]) AS cluster`);
  const inBad = `(SELECT rid FROM ${cc} WHERE cluster IN (SELECT cluster FROM bad_clusters))`;
  const nodes = (await run.rows<{ rid: string }>('constraints', `SELECT rid FROM ${inBad}`)).map((r) => r.rid);
  const edges = await run.rows<Edge>('constraints', `SELECT rid_l AS l, rid_r AS r, p, must FROM edges WHERE rid_l IN ${inBad}`);
  const cannot = await run.rows<{ l: string; r: string }>('constraints', `SELECT l, r FROM cannot WHERE l IN ${inBad}`);
  const labels = constrainedClusters(nodes, edges, cannot.map((c) => [c.l, c.r]));
  await run.run('constraints', `CREATE OR REPLACE TEMP TABLE relabel (rid VARCHAR, cluster VARCHAR)`);
  const entries = [...labels];
  for (let i = 0; i < entries.length; i += 500)
    await run.run('constraints', `INSERT INTO relabel VALUES ${entries.slice(i, i + 500).map(([r, c]) => `(${literal(r)}, ${literal(c)})`).join(', ')}`);
  await run.run('constraints', `UPDATE ${cc} SET cluster = relabel.cluster FROM relabel WHERE ${cc}.rid = relabel.rid`);
  return bad.length;
}

export interface LinkResult {
  model: TrainedModel;
  /** Scored pairs (rid_l, rid_r, match_weight, match_probability, deterministic, gamma_*, bf_*). */
  pairs: string;
  /** rid → cluster. */
  clusters: string;
  links: number;
  /** Pairs the blocking rules made and the model scored. */
  candidatePairs: number;
  /** Clusters split because they held a cannot-link (two keys). */
  splitClusters: number;
}

/** Train the kind's model (or take `model`), score every candidate pair of `features`, cluster. */
export async function linkFeatures(run: StageRunner, km: KindModel, opts: { features: string; out: string; model?: TrainedModel; minProbability?: number }): Promise<LinkResult> {
  const linker = new Linker(run, km.settings);
  let model = opts.model;
  if (!model) {
    model = await linker.train(opts.features);
    if (km.tune) model = km.tune(model);
  }
  const pairs = await linker.predict(model, opts.features, { out: `${opts.out}__pairs`, ...(opts.minProbability !== undefined ? { minProbability: opts.minProbability } : {}) });
  const { links, split } = await clusterPairs(run, km, { features: opts.features, pairs, out: opts.out });
  return { model, pairs, clusters: opts.out, links, candidatePairs: linker.lastPredict?.candidatePairs ?? 0, splitClusters: split };
}
