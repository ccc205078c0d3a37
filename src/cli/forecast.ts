import fs from 'node:fs';
import { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { Problem } from '../kernel/index.ts';
import { decodeText } from '../ingest/index.ts';
import {
  fitForecaster, formatTime, inferGrid, IrregularSeriesError, ISO_LOCAL, METHODS, parseTime, timeFromParts,
  type Method, type TimeStyle,
} from '../apps/monitor/forecast/index.ts';
import { progressBar } from './progress.ts';

/** Series longer than this many points show a progress bar while the models are fitted. */
const PROGRESS_FROM = 2000;
const MISSING = new Set(['', 'na', 'nan', 'null', 'n/a', '-']);

function readCsv(file: string): { head: string[]; rows: Record<string, string>[] } {
  let text: string;
  try {
    text = decodeText(fs.readFileSync(file));
  } catch (err) {
    if (err instanceof Problem) throw new Error(`${file}: ${err.detail ?? err.title}`);
    throw new Error(`无法读取输入文件 / cannot read the input file: ${file}`);
  }
  try {
    const records = parse(text, { skip_empty_lines: true, relax_column_count: true }) as string[][];
    const head = (records[0] ?? []).map((h) => h.trim().toLowerCase());
    const rows = records.slice(1).map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? ''])));
    return { head, rows };
  } catch (err) {
    throw new Error(`${file}: 不是有效的 CSV / not a valid CSV: ${(err as Error).message}`);
  }
}

/**
 * `govhub forecast`: a regular series in (a time column, or year,month,day,hour columns composed into a
 * time, and a value column; missing values empty or NA), the forecasts for the H steps after its last
 * time out, with the bounds of the prediction interval: time,forecast,lower,upper.
 */
export function forecastCommand() {
  return new Command('forecast')
    .description('指标预测：读入等间隔时间序列（缺失值可为空或 NA），输出其后 H 步的预测值与预测区间 / forecast an indicator: read a regular series (missing values empty or NA), write forecasts with prediction intervals for the H steps after its end')
    .requiredOption('--input <file>', '输入 CSV / input CSV')
    .requiredOption('--time <col>', '时间列，或以逗号分隔的 年,月,日[,时[,分]] 列 / the time column, or comma-separated year,month,day[,hour[,minute]] columns')
    .requiredOption('--value <col>', '数值列 / the value column')
    .requiredOption('--horizon <H>', '预测步数 / steps to forecast')
    .requiredOption('--out <file>', '输出 CSV：time,forecast,lower,upper / output CSV: time,forecast,lower,upper')
    .option('--level <p>', '预测区间覆盖率 / coverage of the prediction interval', '0.8')
    .option('--method <m>', `模型 / model: auto | ${METHODS.join(' | ')}`, 'auto')
    .action((o: { input: string; time: string; value: string; horizon: string; out: string; level: string; method: string }) => {
      const horizon = Number(o.horizon);
      if (!/^\d+$/.test(o.horizon.trim()) || horizon < 1 || horizon > 10_000) throw new Error(`--horizon 须为 1 到 10000 的整数 / --horizon must be a whole number from 1 to 10000: ${o.horizon}`);
      const level = Number(o.level);
      if (!(level >= 0.5 && level <= 0.99)) throw new Error(`--level 须在 0.5 与 0.99 之间 / --level must be between 0.5 and 0.99: ${o.level}`);
      if (o.method !== 'auto' && !METHODS.includes(o.method as Method)) throw new Error(`--method: auto | ${METHODS.join(' | ')}: ${o.method}`);
      const { head, rows } = readCsv(o.input);
      const timeCols = o.time.split(',').map((c) => c.trim().toLowerCase());
      const valueCol = o.value.trim().toLowerCase();
      for (const c of [...timeCols, valueCol]) if (!head.includes(c)) throw new Error(`${o.input}: 缺少列 ${c} / column "${c}" is missing (columns: ${head.join(', ') || 'none'})`);
      if (rows.length < 2) throw new Error(`${o.input}: 数据行不足 / a series needs at least two rows (it has ${rows.length})`);

      // times: row i of the data is line i + 2 of the file
      let style: TimeStyle = ISO_LOCAL;
      const times = rows.map((r, i) => {
        if (timeCols.length > 1) {
          const t = timeFromParts(timeCols.map((c) => r[c]!));
          if (t === null) throw new Error(`${o.input}: 第 ${i + 2} 行时间无效 / line ${i + 2}: ${timeCols.join(',')} = ${timeCols.map((c) => r[c]).join(',')} is not a valid time`);
          return t;
        }
        const p = parseTime(r[timeCols[0]!]!);
        if (!p) throw new Error(`${o.input}: 第 ${i + 2} 行时间无效 / line ${i + 2}: "${r[timeCols[0]!]}" is not a time (ISO 8601 or YYYY-MM-DD HH:MM)`);
        if (i === 0) style = p.style;
        return p.ms;
      });
      let grid;
      try {
        grid = inferGrid(times);
      } catch (err) {
        if (err instanceof IrregularSeriesError) throw new Error(`${o.input}: 序列不等间隔 / irregular series: ${err.message} (line ${err.row + 2})`);
        throw err;
      }
      const values = new Float64Array(grid.length).fill(NaN);
      rows.forEach((r, i) => {
        const text = (r[valueCol] ?? '').trim();
        if (MISSING.has(text.toLowerCase())) return;
        const v = Number(text);
        if (!Number.isFinite(v)) throw new Error(`${o.input}: 第 ${i + 2} 行数值无效 / line ${i + 2}: "${text}" is not a number (write a missing value as empty or NA)`);
        values[grid.position[i]!] = v;
      });
      const missing = values.reduce((n, v) => n + (Number.isNaN(v) ? 1 : 0), 0);

      process.stderr.write(`forecast: fitting on ${grid.length} points every ${grid.stepMs / 1000} s (${missing} missing)…\n`);
      const bar = grid.length >= PROGRESS_FROM ? progressBar('forecast', METHODS.length + 1, 'models') : null;
      let model;
      try {
        model = fitForecaster(values, {
          horizon, level, periods: grid.periods, method: o.method as Method | 'auto',
          onProgress: (done, total) => {
            bar?.setTotal(total);
            bar?.update(done);
          },
        });
      } catch (err) {
        if (err instanceof RangeError) throw new Error(`${o.input}: ${err.message}`);
        throw err;
      } finally {
        bar?.stop();
      }
      const f = model.forecast(horizon);
      const last = grid.start + (grid.length - 1) * grid.stepMs;
      const r3 = (x: number) => String(Math.round(x * 1000) / 1000);
      const out = Array.from({ length: horizon }, (_, k) => [formatTime(last + (k + 1) * grid.stepMs, style), r3(f.forecast[k]!), r3(f.lower[k]!), r3(f.upper[k]!)]);
      fs.writeFileSync(o.out, stringify(out, { header: true, columns: ['time', 'forecast', 'lower', 'upper'] }));
      const picked = model.validation.find((v) => v.method === model.method);
      process.stdout.write(
        `OK: ${grid.length} points (${missing} missing), model ${model.method}${picked ? ` (validation MAE ${picked.mae.toPrecision(4)})` : ''}, ` +
          `${Math.round(level * 100)}% intervals, fitted in ${model.fitSeconds.toFixed(2)} s; ${horizon} steps → ${o.out}\n`,
      );
    });
}
