import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Layout, writeIdOf } from '../../src/lake/layout.ts';
import { ownerMayBeAlive } from '../../src/lake/WriteIntents.ts';

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
