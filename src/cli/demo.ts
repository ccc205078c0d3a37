import { Command } from 'commander';
import { DEFAULT_DEMO_PEOPLE, DEMO_PASSWORD, loadDemo, loadDemoIfEmpty, type DemoLoadResult, type DemoProgress } from '../demo/index.ts';
import type { Platform } from '../platform.ts';
import { dataDirOption, withPlatform } from './common.ts';
import { progressBar } from './progress.ts';

/** A progress bar per step of the demo load. */
function demoProgress() {
  let bar: ReturnType<typeof progressBar> | null = null;
  let step = '';
  const labels = { generate: '生成示范市 generate', setup: '部门与数据集 setup', geo: '区划与网格 geography', ingest: '归集 ingest', cases: '诉求案件 cases', monitor: '运行监测 monitoring' };
  return {
    onProgress(p: DemoProgress) {
      if (p.step !== step) {
        bar?.stop();
        step = p.step;
        bar = progressBar(labels[p.step], p.total, p.step === 'ingest' ? 'files' : 'steps');
      }
      bar!.update(p.done);
    },
    stop: () => bar?.stop(),
  };
}

function summary(r: DemoLoadResult): string {
  const rows = r.jobs.reduce((a, j) => a + j.job.rowsRead, 0);
  const rejected = r.jobs.reduce((a, j) => a + j.job.rejected, 0);
  return `示范市 demo city: ${r.manifest.departments.length} departments, ${r.jobs.length} files, ${rows} rows read, ${rejected} rejected to quarantine, ${r.seconds.toFixed(1)} s\n` +
    `${r.cases.cases} citizen reports (${r.cases.live} live), ${r.cases.seconds.toFixed(1)} s\n` +
    `${r.monitor.readings} sensor readings (${r.monitor.labels} labelled anomalies in ${r.monitor.truthFile}), ${r.monitor.indicators.length} indicators, ${r.monitor.rules.length} alert rules, ${r.monitor.seconds.toFixed(1)} s\n` +
    `department accounts: officer_<code> (e.g. officer_ga; officer_rx dispatches cases), password ${DEMO_PASSWORD}\n`;
}

/** Used by `govhub start --demo`: load on first start only. */
export async function startDemo(p: Platform, opts: { people?: number }) {
  const pr = demoProgress();
  const r = await loadDemoIfEmpty(p, { people: opts.people, onProgress: pr.onProgress });
  pr.stop();
  if (r) process.stdout.write(summary(r));
}

export function demoCommand() {
  return new Command('demo')
    .description('载入示范市（部门、用户、带缺陷的各部门数据）/ load the demo city: departments, users and department data with realistic defects')
    .option('--people <n>', `人口规模 / population (default ${DEFAULT_DEMO_PEOPLE})`, (v) => Number(v))
    .option('--seed <n>', '随机种子 / seed (deterministic)', (v) => Number(v), 42)
    .addOption(dataDirOption())
    .action(async (o: { people?: number; seed: number; dataDir?: string }) => {
      await withPlatform({ dataDir: o.dataDir }, async (p) => {
        const pr = demoProgress();
        const r = await loadDemo(p, { people: o.people, seed: o.seed, onProgress: pr.onProgress });
        pr.stop();
        process.stdout.write(summary(r));
      });
    });
}
