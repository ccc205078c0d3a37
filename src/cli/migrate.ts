import { Command } from 'commander';
import { listMigrations } from '../control/index.ts';
import { dataDirOption, withPlatform } from './common.ts';

export function migrateCommand() {
  return new Command('migrate')
    .description('应用数据库迁移 / apply control-plane migrations (also done at every start)')
    .addOption(dataDirOption())
    .action(async (o: { dataDir?: string }) => {
      await withPlatform({ dataDir: o.dataDir }, async (p) => {
        const rows = await p.db.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
        process.stdout.write(`control plane (${p.db.driver}): ${rows.length}/${listMigrations().length} migrations applied\n`);
        for (const r of rows) process.stdout.write(`  ${String(r.version).padStart(3, '0')} ${r.name}\n`);
      });
    });
}
