import path from 'node:path';
import { Command, Option } from 'commander';
import { SYSTEM, Problem } from '../kernel/index.ts';
import { INGEST_ENCODINGS, INGEST_FORMATS, ingestFile, type IngestJob } from '../ingest/index.ts';
import { dataDirOption, withPlatform } from './common.ts';
import { progressBar } from './progress.ts';

function errorLimit(v: string | undefined) {
  if (!v) return undefined;
  if (v.endsWith('%')) return { share: Number(v.slice(0, -1)) / 100 };
  const n = Number(v);
  return Number.isInteger(n) ? { count: n } : { share: n };
}

function summary(job: IngestJob): string {
  const lines = [
    `${job.status === 'succeeded' ? 'OK' : 'FAILED'}: ${job.datasetCode} ← ${job.sourceName} (${job.format ?? '?'}${job.encoding ? `, ${job.encoding}` : ''})`,
    `  rows read ${job.rowsRead}, accepted ${job.accepted}, rejected ${job.rejected}, ${job.seconds} s`,
    job.version !== null ? `  version ${job.version} (${job.mode})` : `  no version written${job.error ? `: ${job.error}` : ''}`,
  ];
  if (job.quality) {
    const s = job.quality.scores;
    const f = (n: number | null) => (n === null ? '—' : String(n));
    lines.push(`  quality ${job.quality.score}: 规范性 ${f(s.conformity)} 完整性 ${f(s.completeness)} 准确性 ${f(s.accuracy)} 一致性 ${f(s.consistency)} 时效性 ${f(s.timeliness)} 唯一性 ${f(s.uniqueness)}`);
  }
  if (job.quarantineFile) lines.push(`  rejected rows: ${job.quarantineFile.replace(/\.parquet$/, '.csv')} (job ${job.jobId})`);
  return lines.join('\n') + '\n';
}

/** `govhub ingest`: load a file into a dataset as the platform itself (admin), with a progress bar on stderr. */
export function ingestCommand() {
  return new Command('ingest')
    .description('导入文件到数据集（清洗、校验、隔离被拒绝的行）/ ingest a file into a dataset (clean, validate, quarantine rejected rows)')
    .requiredOption('--dataset <code>', '数据集代码 / dataset code')
    .requiredOption('--file <path>', 'CSV / TSV / XLSX / JSON / NDJSON / Parquet file')
    .addOption(new Option('--mode <mode>', '写入方式 / write mode').choices(['append', 'upsert', 'replace']).default('append'))
    .addOption(new Option('--format <format>', '文件格式（默认自动识别）/ file format (default: detected)').choices(INGEST_FORMATS))
    .addOption(new Option('--encoding <encoding>', '文本编码（默认自动识别）/ text encoding (default: detected)').choices(INGEST_ENCODINGS))
    .option('--delimiter <char>', '分隔符（默认自动识别）/ delimiter (default: sniffed)')
    .option('--sheet <name|n>', 'XLSX 工作表 / XLSX sheet')
    .option('--error-limit <n|p%>', '错误上限：行数或比例，超过则不写入新版本 / rejected rows (100) or share (5%) that fail the job')
    .option('--json', '以 JSON 输出摘要 / print the summary as JSON')
    .addOption(dataDirOption())
    .action(async (o: { dataset: string; file: string; mode: 'append' | 'upsert' | 'replace'; format?: never; encoding?: never; delimiter?: string; sheet?: string; errorLimit?: string; json?: boolean; dataDir?: string }) => {
      const file = path.resolve(o.file);
      let job: IngestJob;
      try {
        job = await withPlatform({ dataDir: o.dataDir }, async (p) => {
          const bar = progressBar(`ingest ${o.dataset}`, 100, '%');
          try {
            return await ingestFile(p, SYSTEM, {
              datasetCode: o.dataset, file, origin: 'cli', mode: o.mode, format: o.format, encoding: o.encoding,
              delimiter: o.delimiter === '\\t' || o.delimiter === 'tab' ? '\t' : o.delimiter,
              sheet: o.sheet === undefined ? undefined : /^\d+$/.test(o.sheet) ? Number(o.sheet) : o.sheet,
              errorLimit: errorLimit(o.errorLimit),
              onProgress: (pr) => bar.update(Math.round(pr.percent)),
            });
          } finally {
            bar.stop();
          }
        });
      } catch (err) {
        if (err instanceof Problem) throw new Error(`${err.title}: ${err.detail ?? ''}`);
        throw err;
      }
      if (o.json) {
        const { rowsRead, accepted, rejected, version, seconds, jobId, status, quarantineFile, error } = job;
        process.stdout.write(JSON.stringify({ rowsRead, accepted, rejected, version, seconds, jobId, status, quality: job.quality?.score ?? null, quarantineFile, error }) + '\n');
      } else {
        process.stdout.write(summary(job));
      }
      process.exitCode = job.status === 'succeeded' ? 0 : 2;
    });
}
