import { Command, Option } from 'commander';
import { ENTITY_KINDS, entityRuns, type EntityKind } from '../entity/index.ts';
import { SYSTEM } from '../kernel/index.ts';
import { dataDirOption, withPlatform } from './common.ts';
import { progressBar } from './progress.ts';

/** `govhub entity run <kind>`: build or refresh 一人一档 / 一企一档 from the command line (e.g. nightly from cron). */
export function entityCommands() {
  const cmd = new Command('entity').description('一人一档 / 一企一档：主索引关联 / the master person and enterprise index');
  cmd.command('run <kind>')
    .description(`关联一次并等待结束（${ENTITY_KINDS.join(' | ')}）；增量只比对有变化的记录 / link once and wait; incremental scores only changed records`)
    .addOption(new Option('--mode <mode>', '全量或增量 / full or incremental').choices(['full', 'incremental']).default('incremental'))
    .option('--retrain', '重新训练模型（m、u、词频）/ train the model again (m, u, term frequencies)')
    .option('--json', 'print the run as JSON')
    .addOption(dataDirOption())
    .action(async (kind: string, o: { mode: 'full' | 'incremental'; retrain?: boolean; json?: boolean; dataDir?: string }) => {
      if (!ENTITY_KINDS.includes(kind as EntityKind)) throw new Error(`kind: 应为 ${ENTITY_KINDS.join(' | ')} / expected ${ENTITY_KINDS.join(' | ')}`);
      const run = await withPlatform({ dataDir: o.dataDir }, async (p) => {
        const bar = progressBar(`entity ${kind}`, 7, 'stages');
        const { run: queued, done } = await entityRuns.start(p, SYSTEM, kind as EntityKind, { mode: o.mode, retrain: o.retrain });
        const timer = setInterval(() => void entityRuns.get(p, kind as EntityKind, queued.id).then((r) => r.progress && bar.update(r.progress.done)).catch(() => {}), 500);
        try {
          return await done;
        } finally {
          clearInterval(timer);
          bar.stop();
        }
      });
      if (o.json) process.stdout.write(JSON.stringify(run, null, 2) + '\n');
      else if (run.stats) process.stdout.write(`${run.status}: ${run.stats.records} records, ${run.stats.changed} scored again, ${run.stats.pairs} pairs, ${run.stats.links} links, ${run.stats.clusters} profiles (${run.stats.newClusters} new, ${run.stats.merged} merged away), ${run.stats.review} for review, ${run.stats.seconds} s\n`);
      else process.stdout.write(`${run.status}${run.error ? `: ${run.error}` : ''}\n`);
      process.exitCode = run.status === 'done' ? 0 : 2;
    });
  return cmd;
}
