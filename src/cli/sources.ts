import { Command } from 'commander';
import { SYSTEM } from '../kernel/index.ts';
import { sources, startRun } from '../connectors/index.ts';
import { dataDirOption, withPlatform } from './common.ts';

/** `govhub sources list | run <id>`: connectors from the command line (acting as the platform). */
export function sourcesCommands() {
  const cmd = new Command('sources').description('数据源（部门数据库、传感器）/ connectors: department databases and sensors');
  cmd.command('list')
    .description('列出数据源 / list sources')
    .option('--json', 'print JSON')
    .addOption(dataDirOption())
    .action(async (o: { json?: boolean; dataDir?: string }) => {
      const page = await withPlatform({ dataDir: o.dataDir }, (p) => sources.list(p, SYSTEM, { limit: 1000, offset: 0 }));
      if (o.json) return void process.stdout.write(JSON.stringify(page.items, null, 2) + '\n');
      for (const s of page.items) {
        const where = 'table' in s.settings || 'query' in s.settings ? `${(s.settings as { host: string }).host}` : (s.settings as { url: string }).url;
        process.stdout.write(`${s.id}  ${s.kind.padEnd(8)} ${s.datasetCode.padEnd(24)} ${s.name}  ${where}${s.schedule ? `  [${s.schedule}]` : ''}${s.enabled ? '' : '  (disabled)'}\n`);
      }
    });
  cmd.command('run <id>')
    .description('立即同步一个数据库数据源并等待结束；成功时退出码为 0 / run a database source now and wait; exit 0 on success')
    .addOption(dataDirOption())
    .action(async (id: string, o: { dataDir?: string }) => {
      const run = await withPlatform({ dataDir: o.dataDir }, async (p) => (await startRun(p, SYSTEM, id, 'manual')).done);
      process.stdout.write(`${run.status}: ${run.rowsRead} rows read, ${run.rowsAccepted} accepted, ${run.rowsRejected} rejected, ${run.versions} version(s), ${((run.durationMs ?? 0) / 1000).toFixed(1)} s${run.error ? `\n${run.error}` : ''}\n`);
      process.exitCode = run.status === 'succeeded' ? 0 : 2;
    });
  return cmd;
}
