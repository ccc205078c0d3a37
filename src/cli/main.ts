import { Command } from 'commander';
import { VERSION } from '../kernel/index.ts';
import { auditCommands } from './audit.ts';
import { classifyCommand } from './classify.ts';
import { demoCommand } from './demo.ts';
import { entityCommands } from './entity.ts';
import { forecastCommand } from './forecast.ts';
import { ingestCommand } from './ingest.ts';
import { linkCommand } from './link.ts';
import { migrateCommand } from './migrate.ts';
import { sourcesCommands } from './sources.ts';
import { startCommand } from './start.ts';
import { userCommands } from './user.ts';



const program = new Command('govhub')
  .description('govhub 政务大数据平台 — collect, store, share and apply government data')
  .version(VERSION, '-v, --version')
  .showHelpAfterError();

program.addCommand(startCommand());
program.addCommand(demoCommand());
program.addCommand(migrateCommand());
program.addCommand(userCommands());
program.addCommand(auditCommands());
program.addCommand(sourcesCommands());
program.addCommand(ingestCommand());
program.addCommand(entityCommands());
program.addCommand(linkCommand());
program.addCommand(classifyCommand());
program.addCommand(forecastCommand());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`govhub: ${(err as Error).message}\n`);
  process.exit(1);
}
