#!/usr/bin/env node
// npm test: type-check, then every test file under test/ with node's test runner.
// Integration tests run on PGlite, and on PostgreSQL too when GOVHUB_TEST_DATABASE_URL is set.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const only = process.argv.slice(2);

function find(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? find(p) : e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const files = ['unit', 'integration', 'security', 'e2e'].flatMap((d) => find(path.join(root, 'test', d))).filter((f) => !only.length || only.some((o) => f.includes(o)));

// a filter that names no test file would leave node to find tests by itself (and run this script again)
if (only.length && !files.length) {
  console.error(`no test file under test/ matches ${only.join(', ')}`);
  process.exit(2);
}

if (!only.length) {
  const tsc = spawnSync('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}

// Browser tests serve web/dist: build the console once, before any of them starts.
if (files.some((f) => f.includes(`${path.sep}e2e${path.sep}`))) {
  const web = spawnSync(process.execPath, ['scripts/build.mjs', '--web'], { cwd: root, stdio: 'inherit' }); // skipped when web/dist is newer than web/
  if (web.status !== 0) process.exit(web.status ?? 1);
}

// Test files wait on child processes, servers and browsers as much as they compute: one more file
// than there are cores keeps the cores busy (GOVHUB_TEST_CONCURRENCY overrides).
const CONCURRENCY = Number(process.env.GOVHUB_TEST_CONCURRENCY) || os.availableParallelism() + 1;

const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${CONCURRENCY}`, '--test-timeout=600000', ...files.map((f) => path.relative(root, f))],
  // GOVHUB_FROM_SOURCE: the govhub command (bin/govhub.mjs), which tests start, runs src/ through tsx, not dist/
  { cwd: root, stdio: 'inherit', env: { ...process.env, GOVHUB_FROM_SOURCE: '1', GOVHUB_LOG_LEVEL: process.env.GOVHUB_LOG_LEVEL ?? 'warn' } },
);
process.exit(res.status ?? 1);
