import { Command, Option } from 'commander';
import { loadConfig } from '../kernel/index.ts';
import { ensureAdmin } from '../identity/index.ts';
import { startSources } from '../connectors/index.ts';
import { warmParser } from '../ingest/index.ts';
import { openPlatform } from '../platform.ts';
import { buildApp } from '../server/index.ts';
import { dataDirOption } from './common.ts';
import { startDemo } from './demo.ts';

export function startCommand() {
  return new Command('start')
    .description('启动平台（API 与控制台）/ start the platform: API and web console')
    .addOption(dataDirOption())
    .addOption(new Option('--port <port>', '端口 / port').env('GOVHUB_PORT').argParser(Number))
    .addOption(new Option('--host <host>', '监听地址 / listen address').env('GOVHUB_HOST'))
    .option('--demo', '首次启动时载入示范市数据 / load the demo city on first start')
    .option('--people <n>', '示范市人口 / demo population', (v) => Number(v))
    .action(async (o: { dataDir?: string; port?: number; host?: string; demo?: boolean; people?: number }) => {
      const config = loadConfig({ dataDir: o.dataDir, port: o.port, host: o.host });
      const p = await openPlatform(config);
      const admin = await ensureAdmin(p);
      if (admin?.generated) {
        process.stdout.write(`\n  首次启动：已创建管理员 / first start: created admin\n  用户名 username: admin\n  密码 password:  ${admin.password}\n  (only shown once; set GOVHUB_ADMIN_PASSWORD to choose it)\n\n`);
      }
      if (o.demo) await startDemo(p, { people: o.people });
      const app = await buildApp(p);
      const connectors = await startSources(p);
      let closing = false;
      const shutdown = async (sig: string) => {
        if (closing) return;
        closing = true;
        p.log.info({ sig }, 'shutting down');
        const force = setTimeout(() => process.exit(1), 15_000).unref();
        await app.close();
        await connectors.stop();
        await p.audit.checkpoint().catch(() => {});
        await p.close();
        clearTimeout(force);
        process.exit(0);
      };
      process.on('SIGINT', () => void shutdown('SIGINT'));
      process.on('SIGTERM', () => void shutdown('SIGTERM'));
      await app.listen({ port: config.port, host: config.host });
      // a parse process started and waiting, so the first upload does not wait for one
      void warmParser().catch((err) => p.log.warn({ err }, 'the parse process did not start'));
      process.stdout.write(`\n  govhub 已启动 / is running: http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}/\n  API docs: http://${config.host}:${config.port}/api/docs\n  control plane: ${p.db.driver}, data: ${config.dataDir}\n\n`);
    });
}
