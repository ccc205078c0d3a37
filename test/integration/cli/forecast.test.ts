/**
 * `govhub forecast` as a command, on hourly CSV files made here (gaps, NA, a GBK header is not needed:
 * the file is UTF-8 with BOM): the output has one row per step ahead, its times continue the input's in
 * the input's style, its forecasts follow the daily pattern inside their intervals; a missing file or
 * column, an irregular series and a bad horizon fail the command with exit code 1 naming the problem.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { ROOT } from '../../../src/kernel/index.ts';

let dir: string;
const HOURS = 24 * 7 * 6;
const level = (h: number) => 60 + 40 * Math.sin((2 * Math.PI * (h - 9)) / 24);
const pad = (n: number) => String(n).padStart(2, '0');
const stamp = (d: Date, sep = ' ') => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}${sep}${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-forecast-cli-'));
  const t0 = Date.UTC(2024, 0, 1);
  const lines = ['station,time,pm25'];
  const parts = ['year,month,day,hour,pm2.5'];
  for (let i = 0; i < HOURS; i++) {
    const d = new Date(t0 + i * 3_600_000);
    const v = (level(d.getUTCHours()) + ((i * 7919) % 13) - 6).toFixed(1);
    // rows 100–111 are absent (a gap on the grid), a few readings are empty or NA
    if (i >= 100 && i < 112) continue;
    const value = i % 50 === 7 ? 'NA' : i % 61 === 3 ? '' : v;
    lines.push(`S1,${stamp(d)},${value}`);
    parts.push(`${d.getUTCFullYear()},${d.getUTCMonth() + 1},${d.getUTCDate()},${d.getUTCHours()},${value || 'NA'}`);
  }
  fs.writeFileSync(path.join(dir, 'series.csv'), '\ufeff' + lines.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'parts.csv'), parts.join('\n') + '\n');
  const bad = [...lines];
  bad.splice(40, 0, `S1,${stamp(new Date(t0 + 38.5 * 3_600_000))},50`);
  fs.writeFileSync(path.join(dir, 'irregular.csv'), bad.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'iso.csv'), 'time,v\n2024-03-01T00:00:00+08:00,1\n2024-03-01T00:15:00+08:00,2\n2024-03-01T00:30:00+08:00,3\n2024-03-01T00:45:00+08:00,2\n2024-03-01T01:00:00+08:00,1\n2024-03-01T01:15:00+08:00,2\n');
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

const govhub = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/govhub.mjs', 'forecast', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, GOVHUB_FROM_SOURCE: '1' } });

test('forecasts the 24 hours after the last time, in the input style, following the daily pattern', () => {
  const out = path.join(dir, 'out.csv');
  const r = govhub('--input', path.join(dir, 'series.csv'), '--time', 'time', '--value', 'PM25', '--horizon', '24', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^OK: ${HOURS} points \\(\\d+ missing\\), model [a-z-]+ .*80% intervals.* 24 steps`));
  const text = fs.readFileSync(out, 'utf8');
  assert.equal(text.split('\n')[0], 'time,forecast,lower,upper');
  const rows = parse(text, { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, 24);
  const last = new Date(Date.UTC(2024, 0, 1) + (HOURS - 1) * 3_600_000);
  rows.forEach((row, k) => {
    const when = new Date(last.getTime() + (k + 1) * 3_600_000);
    assert.equal(row.time, stamp(when));
    const [f, lo, hi] = [Number(row.forecast), Number(row.lower), Number(row.upper)];
    assert.ok(lo <= f && f <= hi, `${row.time}: ${lo} ≤ ${f} ≤ ${hi}`);
    assert.ok(Math.abs(f - level(when.getUTCHours())) < 12, `${row.time}: ${f} vs ${level(when.getUTCHours())}`);
  });
});

test('times composed from year,month,day,hour columns; ISO times with a zone keep it; 15-minute steps', () => {
  const out = path.join(dir, 'parts-out.csv');
  const r = govhub('--input', path.join(dir, 'parts.csv'), '--time', 'year,month,day,hour', '--value', 'pm2.5', '--horizon', '3', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const rows = parse(fs.readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[];
  const last = new Date(Date.UTC(2024, 0, 1) + (HOURS - 1) * 3_600_000);
  assert.deepEqual(rows.map((x) => x.time), [1, 2, 3].map((k) => stamp(new Date(last.getTime() + k * 3_600_000), 'T') + ':00'));
  const iso = path.join(dir, 'iso-out.csv');
  const r2 = govhub('--input', path.join(dir, 'iso.csv'), '--time', 'time', '--value', 'v', '--horizon', '2', '--out', iso);
  assert.equal(r2.status, 0, r2.stderr);
  assert.deepEqual((parse(fs.readFileSync(iso, 'utf8'), { columns: true }) as Record<string, string>[]).map((x) => x.time), ['2024-03-01T01:30:00+08:00', '2024-03-01T01:45:00+08:00']);
});

test('errors name the problem and exit 1', () => {
  const out = path.join(dir, 'never.csv');
  const cases: [string[], RegExp][] = [
    [['--input', path.join(dir, 'missing.csv'), '--time', 'time', '--value', 'pm25', '--horizon', '24'], /cannot read the input file/],
    [['--input', path.join(dir, 'series.csv'), '--time', 'time', '--value', 'no2', '--horizon', '24'], /column "no2" is missing \(columns: station, time, pm25\)/],
    [['--input', path.join(dir, 'irregular.csv'), '--time', 'time', '--value', 'pm25', '--horizon', '24'], /irregular series: row 40 is 1800 s after the row before it.*\(line 41\)/],
    [['--input', path.join(dir, 'series.csv'), '--time', 'time', '--value', 'pm25', '--horizon', '0'], /--horizon must be a whole number/],
    [['--input', path.join(dir, 'series.csv'), '--time', 'time', '--value', 'pm25', '--horizon', 'soon'], /--horizon must be a whole number/],
    [['--input', path.join(dir, 'series.csv'), '--time', 'station', '--value', 'pm25', '--horizon', '2'], /line 2: "S1" is not a time/],
  ];
  for (const [args, message] of cases) {
    const r = govhub(...args, '--out', out);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.equal(fs.existsSync(out), false);
});
