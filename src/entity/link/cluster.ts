/**
 * Connected components in SQL: every record starts labelled with its own id; each round a record
 * takes the smallest label among itself and its neighbours, then the label of its label (pointer
 * jumping, so long chains settle in a few rounds rather than one round per link); stop when no
 * label changes. The label is then the smallest id (as text) of the component.
 */
import type { StageRunner } from '../../lake/index.ts';
import { ident, tempName } from './sql.ts';

export interface ClusterOptions {
  nodes: string;
  idColumn: string;
  /** Table with rid_l, rid_r (e.g. predict's output filtered at the threshold). */
  edges: string;
  out: string;
  /** Safety stop; labels settle long before on real data. */
  maxRounds?: number;
}

/** Returns the number of rounds it took. */
export async function clusterLinks(run: StageRunner, opts: ClusterOptions): Promise<number> {
  const lbl = tempName('labels');
  const next = tempName('labels_next');
  const e = tempName('edges');
  await run.run(
    'cluster.edges',
    `CREATE OR REPLACE TEMP TABLE ${e} AS
     SELECT CAST(rid_l AS VARCHAR) AS a, CAST(rid_r AS VARCHAR) AS b FROM ${opts.edges}
     UNION SELECT CAST(rid_r AS VARCHAR), CAST(rid_l AS VARCHAR) FROM ${opts.edges}`,
  );
  const id = `CAST(${ident(opts.idColumn)} AS VARCHAR)`;
  await run.run('cluster.init', `CREATE OR REPLACE TEMP TABLE ${lbl} AS SELECT DISTINCT ${id} AS rid, ${id} AS cluster FROM ${opts.nodes}`);
  // Ends of an edge missing from the nodes table still get a label (they belong to a component).
  await run.run('cluster.init', `INSERT INTO ${lbl} SELECT DISTINCT a, a FROM ${e} WHERE a NOT IN (SELECT rid FROM ${lbl})`);
  let rounds = 0;
  while (rounds < (opts.maxRounds ?? 1000)) {
    rounds++;
    await run.run(
      'cluster.round',
      `CREATE OR REPLACE TEMP TABLE ${next} AS
       WITH prop AS (
         SELECT n.rid, least(n.cluster, coalesce(min(m.cluster), n.cluster)) AS c
         FROM ${lbl} n LEFT JOIN ${e} ON ${e}.a = n.rid LEFT JOIN ${lbl} m ON m.rid = ${e}.b
         GROUP BY n.rid, n.cluster)
       SELECT p.rid, least(p.c, q.c) AS cluster FROM prop p JOIN prop q ON q.rid = p.c`,
    );
    const [row] = await run.rows<{ changed: bigint | number }>(
      'cluster.changed',
      `SELECT count(*) AS changed FROM ${next} x JOIN ${lbl} y USING (rid) WHERE x.cluster <> y.cluster`,
    );
    await run.run('cluster.swap', `DROP TABLE ${lbl}`);
    await run.run('cluster.swap', `ALTER TABLE ${next} RENAME TO ${lbl}`);
    if (Number(row?.changed ?? 0) === 0) break;
  }
  await run.run('cluster.out', `CREATE OR REPLACE TEMP TABLE ${opts.out} AS SELECT rid, cluster FROM ${lbl} ORDER BY rid`);
  await run.run('cluster.drop', `DROP TABLE ${lbl}`);
  await run.run('cluster.drop', `DROP TABLE ${e}`);
  return rounds;
}
