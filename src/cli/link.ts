import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { Engine, StageRunner } from '../lake/index.ts';
import { linkFiles, LinkInputError, type LinkConfig } from '../entity/index.ts';
import { progressBar } from './progress.ts';

const collect = (v: string, prev: string[]) => [...prev, v];

function readConfig(file: string): LinkConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new LinkInputError(`无法读取配置文件 / cannot read the configuration: ${file}`);
  }
  try {
    return JSON.parse(text) as LinkConfig;
  } catch (err) {
    throw new LinkInputError(`配置文件不是有效的 JSON / the configuration is not valid JSON: ${file}: ${(err as Error).message}`);
  }
}

/**
 * `govhub link`: find the records of the same person / enterprise / thing across CSV files
 * (Fellegi–Sunter, trained on the files themselves) and write id,cluster for every record.
 */
export function linkCommand() {
  return new Command('link')
    .description('记录关联：找出 CSV 中指向同一实体的记录并聚类 / link records of the same entity across CSV files and cluster them')
    .requiredOption('--input <file>', 'CSV 文件（可重复）/ CSV file (repeatable)', collect, [] as string[])
    .requiredOption('--id <column>', '记录 ID 列 / record id column')
    .option('--config <file>', '关联配置 JSON（默认按列自动生成）/ link configuration JSON (default: built from the columns)')
    .requiredOption('--out <file>', '输出 id,cluster CSV / output id,cluster CSV')
    .addOption(new Option('--threshold <p>', '匹配概率阈值 / match probability threshold').argParser((v) => {
      const n = Number(v);
      if (!(n > 0 && n <= 1)) throw new LinkInputError(`阈值须在 (0, 1] 之间 / threshold must be in (0, 1]: ${v}`);
      return n;
    }))
    .option('--ignore <column>', '不参与比较的列（可重复）/ column left out of automatic settings (repeatable)', collect, [] as string[])
    .option('--explain-out <file>', '输出匹配记录对及各字段权重 CSV / write the matched pairs with each field\'s weight')
    .action(async (o: { input: string[]; id: string; config?: string; out: string; threshold?: number; explainOut?: string; ignore: string[] }) => {
      const config = o.config ? readConfig(o.config) : undefined;
      // its own DuckDB, confined to the files named on the command line: it can read no dataset of a data directory
      const dirs = [...new Set([...o.input, o.out, ...(o.explainOut ? [o.explainOut] : [])].map((f) => path.dirname(path.resolve(f))))];
      const engine = await Engine.create({ sandbox: { dirs } });
      const bar = progressBar('link', 6, 'stages');
      let res;
      try {
        res = await engine.withPrivateConnection((c) =>
          linkFiles(new StageRunner(c, 'entity.link'), {
            inputs: o.input, idColumn: o.id, config, threshold: o.threshold, out: o.out, explainOut: o.explainOut, ignoreColumns: o.ignore,
            onProgress: (_stage, done) => bar.update(done),
          }),
        );
      } finally {
        bar.stop();
        engine.close();
      }
      process.stdout.write(
        `OK: ${res.records} records → ${res.clusters} clusters (${res.links} links; ${res.predict.candidatePairs} of ${res.predict.allPairs} pairs compared) in ${res.seconds.toFixed(1)} s → ${o.out}\n`,
      );
    });
}
