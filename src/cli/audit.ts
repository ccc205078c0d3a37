import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Command } from 'commander';
import { auditService } from '../audit/index.ts';
import { SYSTEM } from '../context.ts';
import { dataDirOption, withPlatform } from './common.ts';
import { progressBar } from './progress.ts';

export function auditCommands() {
  const cmd = new Command('audit').description('审计日志 / audit trail');
  cmd.command('verify')
    .description('校验哈希链与签名检查点；链完整时退出码为 0 / verify the hash chain and signed checkpoints; exit 0 when intact')
    .option('--json', 'print the result as JSON')
    .addOption(dataDirOption())
    .action(async (o: { json?: boolean; dataDir?: string }) => {
      const res = await withPlatform({ dataDir: o.dataDir }, async (p) => {
        const total = Number((await p.db.one<{ n: number }>('SELECT count(*)::int AS n FROM audit_events'))?.n ?? 0);
        const bar = progressBar('verify', total, 'events');
        const r = await p.audit.verify((n) => bar.update(n));
        bar.stop();
        return r;
      });
      if (o.json) process.stdout.write(JSON.stringify(res, null, 2) + '\n');
      else if (res.ok) process.stdout.write(`OK: ${res.checked} events, head seq ${res.headSeq} hash ${res.headHash.slice(0, 16)}…, ${res.checkpoints.checked} signed checkpoints verified\n`);
      else process.stdout.write(`FAILED: first bad event seq=${res.firstBad!.seq}${res.firstBad!.id ? ` id=${res.firstBad!.id}` : ''}: ${res.firstBad!.reason}\n`);
      process.exitCode = res.ok ? 0 : 2;
    });
  cmd.command('export')
    .description('导出审计链（NDJSON，含公钥与签名检查点）/ export events, checkpoints and the public key as NDJSON')
    .option('-o, --out <file>', 'output file (default: stdout)')
    .addOption(dataDirOption())
    .action(async (o: { out?: string; dataDir?: string }) => {
      await withPlatform({ dataDir: o.dataDir }, async (p) => {
        await pipeline(auditService.exportStream(p, SYSTEM), o.out ? fs.createWriteStream(o.out) : process.stdout);
      });
    });
  cmd.command('checkpoint')
    .description('立即签名检查点 / sign a checkpoint at the head now')
    .addOption(dataDirOption())
    .action(async (o: { dataDir?: string }) => {
      const cp = await withPlatform({ dataDir: o.dataDir }, (p) => p.audit.checkpoint());
      process.stdout.write(cp ? `checkpoint at seq ${cp.seq} ${cp.hash}\n` : 'no events yet\n');
    });
  return cmd;
}
