import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ensureAdmin } from '../../../src/identity/index.ts';
import { childControlPlane, drivers, openTestPlatform } from '../../helpers/platform.ts';
import { buildApp } from '../../../src/server/index.ts';

/** The CLI as a child process, on a data directory and the driver's control plane. */
function cli(dir: string, env: Record<string, string>) {
  return (...args: string[]) => spawnSync(process.execPath, ['bin/govhub.mjs', ...args], { encoding: 'utf8', env: { ...process.env, ...env, GOVHUB_DATA_DIR: dir } });
}

for (const driver of drivers()) describe(`first start (${driver})`, () => {
  test('creates admin once, with the configured password or a random one', async () => {
    const p = await openTestPlatform(driver, { adminPassword: undefined });
    try {
      const first = await ensureAdmin(p);
      assert.ok(first?.generated);
      assert.ok(first!.password.length >= 16);
      assert.equal(await ensureAdmin(p), null, 'never again');
      const app = await buildApp(p, { web: false, logger: false });
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: first!.password } });
      assert.equal(res.statusCode, 200);
      await app.close();
    } finally {
      await p.close();
    }
  });

  test('govhub migrate reports every migration; user add refuses a weak password', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-cli-'));
    const cp = await childControlPlane(driver);
    const run = cli(dir, cp.env);
    try {
      const m = run('migrate');
      assert.equal(m.status, 0, m.stderr);
      assert.match(m.stdout, /(\d+)\/\1 migrations applied/);
      const bad = run('user', 'add', '--username', 'x', '--password', 'short');
      assert.notEqual(bad.status, 0);
      assert.match(bad.stderr, /password/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await cp.drop();
    }
  });
});

test('the CLI answers --version and --help for every command', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-cli-'));
  const run = cli(dir, { GOVHUB_DATABASE_URL: '' });
  try {
    assert.match(run('--version').stdout.trim(), /^\d+\.\d+\.\d+$/);
    for (const cmd of [[], ['start'], ['demo'], ['migrate'], ['user', 'add'], ['audit', 'verify'], ['ingest']]) {
      const r = run(...cmd, '--help');
      assert.equal(r.status, 0, `${cmd.join(' ')} --help: ${r.stderr}`);
      assert.match(r.stdout, /Usage: govhub/);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
