import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Command } from 'commander';
import { auditService, readWitnesses, verifyExport, type SignedHead, type VerifyResult } from '../audit/index.ts';
import { SYSTEM } from '../kernel/index.ts';
import type { Platform } from '../platform.ts';
import { dataDirOption, withPlatform } from './common.ts';
import { progressBar } from './progress.ts';

export interface VerifyOptions {
  json?: boolean;
  anchors?: string;
  witness?: string[];
  export?: string;
  publicKey?: string;
}

/** What `govhub audit verify` checks: the open platform's chain, or (with `export`) an export file without the database. */
export async function auditVerify(o: VerifyOptions, p?: Platform, onProgress?: (n: number) => void): Promise<VerifyResult> {
  const witnesses = await readWitnesses(o.witness ?? []);
  const anchorFile = o.anchors ? path.resolve(o.anchors) : undefined;
  if (o.export) return verifyExport(o.export, { publicKeyPem: o.publicKey ? fs.readFileSync(o.publicKey, 'utf8') : undefined, anchorFile, witnesses });
  if (!p) throw new Error('audit verify: no platform to verify');
  return p.audit.verify(onProgress, { anchorFile, witnesses });
}

/** The report and exit code: 0 intact; 2 tampered; 3 could not be verified (e.g. the anchor file is missing). */
export function verifyReport(res: VerifyResult, json?: boolean): { out: string; err: string; exitCode: number } {
  const err = res.warnings.map((w) => `warning: ${w}\n`).join('');
  const exitCode = res.ok ? 0 : res.firstBad!.kind === 'unverifiable' ? 3 : 2;
  if (json) return { out: JSON.stringify(res, null, 2) + '\n', err, exitCode };
  if (res.ok) {
    const a = res.anchors;
    return {
      out: `OK: ${res.checked} events, head seq ${res.headSeq} hash ${res.headHash.slice(0, 16)}…, ${res.checkpoints.checked} signed checkpoints verified\n`
        + (a.source ? `  anchors: ${a.checked} checked in ${a.source}${a.latestSeq !== null ? ` (newest seq ${a.latestSeq})` : ''}\n` : '  anchors: not checked\n')
        + `  witnesses: ${res.witnesses.checked} checked${res.witnesses.heads.map((h) => `\n    seq ${h.seq} from ${h.source}`).join('')}\n`,
      err, exitCode,
    };
  }
  const bad = res.firstBad!;
  return {
    out: bad.kind === 'unverifiable' ? `CANNOT VERIFY: ${bad.reason}\n` : `FAILED: first bad event seq=${bad.seq}${bad.id ? ` id=${bad.id}` : ''}: ${bad.reason}\n`,
    err, exitCode,
  };
}

function report(res: VerifyResult, json?: boolean) {
  const r = verifyReport(res, json);
  process.stderr.write(r.err);
  process.stdout.write(r.out);
  process.exitCode = r.exitCode;
}

/** What `govhub audit head` prints: sign the head (unless told not to), then the newest anchored signed head. */
export async function auditHead(p: Platform, o: { checkpoint?: boolean } = {}): Promise<SignedHead> {
  if (o.checkpoint !== false) await p.audit.checkpoint();
  return auditService.head(p, SYSTEM);
}

export function auditCommands() {
  const cmd = new Command('audit').description('审计日志 / audit trail');
  cmd.command('verify')
    .description('校验哈希链、签名检查点、库外锚定与见证链头；退出码 0 完整、2 被篡改、3 无法校验 / verify the hash chain, signed checkpoints, the anchors kept outside the database and witnessed heads; exit 0 intact, 2 tampered, 3 cannot verify')
    .option('--json', 'print the result as JSON')
    .option('--anchors <file>', '锚定文件 / anchor file to check (default: GOVHUB_AUDIT_ANCHOR_FILE, next to the key)')
    .option('--witness <files...>', '见证方保存的签名链头文件 / files of signed heads kept by witnesses (one JSON head per line)')
    .option('--export <file>', '离线校验导出文件，无需数据库 / verify an export file offline, without the database')
    .option('--public-key <file>', '离线校验所信任的公钥（PEM）/ public key (PEM) trusted for --export')
    .addOption(dataDirOption())
    .action(async (o: VerifyOptions & { dataDir?: string }) => {
      if (o.export) return report(await auditVerify(o), o.json);
      const res = await withPlatform({ dataDir: o.dataDir }, async (p) => {
        const total = Number((await p.db.one<{ n: number }>('SELECT count(*)::int AS n FROM audit_events'))?.n ?? 0);
        const bar = progressBar('verify', total, 'events');
        const r = await auditVerify(o, p, (n) => bar.update(n));
        bar.stop();
        return r;
      });
      report(res, o.json);
    });
  cmd.command('export')
    .description('导出审计链（NDJSON，含公钥、签名检查点与锚定）/ export events, checkpoints, anchors and the public key as NDJSON')
    .option('-o, --out <file>', 'output file (default: stdout)')
    .addOption(dataDirOption())
    .action(async (o: { out?: string; dataDir?: string }) => {
      await withPlatform({ dataDir: o.dataDir }, async (p) => {
        await pipeline(auditService.exportStream(p, SYSTEM), o.out ? fs.createWriteStream(o.out) : process.stdout);
      });
    });
  cmd.command('checkpoint')
    .description('立即签名检查点并锚定 / sign a checkpoint at the head now and anchor it')
    .addOption(dataDirOption())
    .action(async (o: { dataDir?: string }) => {
      const cp = await withPlatform({ dataDir: o.dataDir }, (p) => p.audit.checkpoint());
      process.stdout.write(cp ? `checkpoint at seq ${cp.seq} ${cp.hash}\n` : 'no events yet\n');
    });
  cmd.command('head')
    .description('签名当前链头并打印为一行 JSON，交见证方保存 / sign the head, then print the newest anchored signed head as one JSON line for a witness to keep')
    .option('--no-checkpoint', '不先签名，只打印最新已锚定的链头 / print the newest anchored head without signing first')
    .addOption(dataDirOption())
    .action(async (o: { checkpoint: boolean; dataDir?: string }) => {
      const head = await withPlatform({ dataDir: o.dataDir }, (p) => auditHead(p, o));
      process.stdout.write(JSON.stringify(head) + '\n');
    });
  cmd.command('anchors')
    .description('锚定文件状态；--init 在升级后据数据库中已校验的检查点创建它 / show the anchor file; --init creates a missing one from the database\'s checkpoints once the chain verifies (after an upgrade)')
    .option('--init', '创建缺失的锚定文件（首次信任）/ create the missing anchor file (trust on first use)')
    .addOption(dataDirOption())
    .action(async (o: { init?: boolean; dataDir?: string }) => {
      await withPlatform({ dataDir: o.dataDir }, async (p) => {
        const file = p.audit.anchors!;
        if (o.init) {
          const res = await p.audit.initAnchors();
          if (!res.ok) return report(res);
          process.stdout.write(`created ${file.path}\n`);
        }
        const read = await file.read();
        const cps = await p.audit.checkpoints();
        process.stdout.write(`anchor file: ${file.path}\n`);
        if (!read) process.stdout.write(`  missing${cps.length ? ` while the database holds ${cps.length} signed checkpoints: find the file and set GOVHUB_AUDIT_ANCHOR_FILE, or (right after an upgrade) run govhub audit anchors --init` : ''}\n`);
        else process.stdout.write(`  ${read.anchors.length} anchors, newest seq ${read.anchors.reduce((m, a) => Math.max(m, a.value.seq), 0)}${read.malformed.length ? `, ${read.malformed.length} malformed lines (first: line ${read.malformed[0].line})` : ''}\n`);
        process.stdout.write(`database: ${cps.length} signed checkpoints, newest seq ${cps.at(-1)?.seq ?? 0}\n`);
      });
    });
  return cmd;
}
