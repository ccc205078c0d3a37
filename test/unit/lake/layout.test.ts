import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Layout, writeIdOf } from '../../../src/lake/layout.ts';
import { ownerMayBeAlive } from '../../../src/lake/WriteIntents.ts';
import { COMPACTION, filesToCompact, sizeClass } from '../../../src/lake/compaction.ts';

test('lake layout: version and staging directories, manifest-relative paths', () => {
  const l = new Layout('/data');
  assert.equal(l.versionDir('ds', 3, 'w1'), path.join('/data', 'lake', 'ds', 'v3_w1'));
  assert.equal(l.stagingDir('ds', 'w1'), path.join('/data', 'lake', 'ds', '_staging', 'w1'));
  assert.equal(l.rel(path.join('/data', 'lake', 'ds', 'v3_w1', 'data_0.parquet')), 'lake/ds/v3_w1/data_0.parquet');
  assert.equal(l.abs('lake/ds/v3_w1/data_0.parquet'), path.join('/data', 'lake', 'ds', 'v3_w1', 'data_0.parquet'));
  assert.equal(l.tempDir, path.join('/data', 'tmp', `duckdb-${os.hostname()}-${process.pid}`));
  assert.equal(writeIdOf('v12_0190-abc'), '0190-abc');
  assert.equal(writeIdOf('0190-abc'), '0190-abc');
});

test('a writer is alive, dead, or unknown (another host)', async () => {
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  const live = spawn('sleep', ['30']);
  try {
    assert.equal(ownerMayBeAlive({ host: os.hostname(), pid: dead }), false);
    assert.equal(ownerMayBeAlive({ host: os.hostname(), pid: live.pid! }), true);
    assert.equal(ownerMayBeAlive({ host: os.hostname(), pid: process.pid }), false, 'our own writes are not running while the dataset lock is held');
    assert.equal(ownerMayBeAlive({ host: 'another-host', pid: live.pid! }), 'unknown');
  } finally {
    live.kill('SIGKILL');
  }
});

test('compaction folds the smallest full size class, leaves large and empty files alone', () => {
  const f = (bytes: number, i: number, rows = 10) => ({ path: `lake/x/v${i}/data_0.parquet`, rows, bytes });
  assert.equal(sizeClass(1), 0);
  assert.equal(sizeClass(8), 1);
  assert.equal(sizeClass(63), 1);
  assert.equal(sizeClass(64), 2);
  // seven in one class: nothing to do
  assert.deepEqual(filesToCompact(Array.from({ length: 7 }, (_, i) => f(1000, i))), []);
  // eight 1 KB files and eight 100 KB files: the smaller class goes first
  const small = Array.from({ length: 8 }, (_, i) => f(1000, i));
  const mid = Array.from({ length: 8 }, (_, i) => f(100_000, 10 + i));
  assert.deepEqual(filesToCompact([...mid, ...small]), small);
  assert.deepEqual(filesToCompact(mid), mid);
  // files at or above maxBytes and files without rows never count
  assert.deepEqual(filesToCompact(Array.from({ length: 9 }, (_, i) => f(COMPACTION.maxBytes, i))), []);
  assert.deepEqual(filesToCompact(Array.from({ length: 9 }, (_, i) => f(1000, i, 0))), []);
  assert.deepEqual(filesToCompact(Array.from({ length: 4 }, (_, i) => f(1000, i)), { fanout: 4 }).length, 4);
});
