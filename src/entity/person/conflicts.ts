/**
 * One person has one ID number. Connected components can still join two people when a record
 * without an ID number links to both (a twin's clinic record with the same birth, home and a name
 * one character apart): a cluster holding two different valid ID numbers is split, one part per
 * number. A record with a number goes to its number's part; one without goes to the part of the
 * neighbour it links to most strongly; one with no linked neighbour holding a number stays in a
 * remainder part.
 */
import { ident } from '../../lake/index.ts';
import type { StageRunner } from '../../lake/index.ts';

export interface SplitConflictsInput {
  /** Features table: rid, id18. */
  features: string;
  /** Clusters: rid, cluster. */
  clusters: string;
  /** Scored links: rid_l, rid_r, match_probability. */
  links: string;
  /** Links below this probability are not used to place a record. */
  threshold: number;
  out: string;
}

/** Writes `out` (rid, cluster); returns how many clusters were split. */
export async function splitIdConflicts(run: StageRunner, input: SplitConflictsInput): Promise<{ split: number }> {
  const [features, clusters, links, out] = [input.features, input.clusters, input.links, input.out].map(ident);
  const conflicts = ident(`${input.out}__conflicts`);
  await run.run(
    'person.conflicts',
    `CREATE OR REPLACE TEMP TABLE ${conflicts} AS
     SELECT c.cluster FROM ${clusters} c JOIN ${features} f ON f.rid = c.rid
     WHERE f.id18 IS NOT NULL GROUP BY c.cluster HAVING count(DISTINCT f.id18) > 1`,
  );
  await run.run(
    'person.conflicts',
    `CREATE OR REPLACE TABLE ${out} AS
     WITH cc AS (
       SELECT c.rid, c.cluster, f.id18 FROM ${clusters} c JOIN ${conflicts} k ON k.cluster = c.cluster JOIN ${features} f ON f.rid = c.rid
     ),
     e AS (
       SELECT rid_l AS a, rid_r AS b, match_probability AS p FROM ${links} WHERE match_probability >= ${input.threshold}
       UNION ALL SELECT rid_r, rid_l, match_probability FROM ${links} WHERE match_probability >= ${input.threshold}
     ),
     placed AS (
       SELECT cc.rid, coalesce(any_value(cc.id18), arg_max(n.id18, e.p) FILTER (WHERE n.id18 IS NOT NULL)) AS part
       FROM cc LEFT JOIN e ON e.a = cc.rid LEFT JOIN cc n ON n.rid = e.b AND n.cluster = cc.cluster
       GROUP BY cc.rid
     )
     SELECT c.rid, CASE WHEN p.rid IS NULL THEN c.cluster ELSE c.cluster || '#' || coalesce(p.part, '') END AS cluster
     FROM ${clusters} c LEFT JOIN placed p ON p.rid = c.rid`,
  );
  const [row] = await run.rows<{ n: number }>('person.conflicts', `SELECT count(*)::INTEGER AS n FROM ${conflicts}`);
  await run.run('person.conflicts', `DROP TABLE IF EXISTS ${conflicts}`);
  return { split: row?.n ?? 0 };
}
