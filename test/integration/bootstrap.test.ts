import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ensureAdmin } from '../../src/identity/index.ts';
import { openTestPlatform } from '../helpers/platform.ts';
import { buildApp } from '../../src/server/index.ts';

describe('first start', () => {
  test('creates admin once, with the configured password or a random one', async () => {
    const p = await openTestPlatform('pglite', { adminPassword: undefined });
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

  test('the CLI answers --version and --help for every command, and migrate reports every migration', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-cli-'));
    const run = (...args: string[]) => spawnSync(process.execPath, ['bin/govhub.mjs', ...args], { encoding: 'utf8', env: { ...process.env, GOVHUB_DATABASE_URL: '', GOVHUB_DATA_DIR: dir } });
    try {
      assert.match(run('--version').stdout.trim(), /^\d+\.\d+\.\d+$/);
      for (const cmd of [[], ['start'], ['demo'], ['migrate'], ['user', 'add'], ['audit', 'verify'], ['ingest']]) {
        const r = run(...cmd, '--help');
        assert.equal(r.status, 0, `${cmd.join(' ')} --help: ${r.stderr}`);
        assert.match(r.stdout, /Usage: govhub/);
      }
      const m = run('migrate');
      assert.equal(m.status, 0, m.stderr);
      assert.match(m.stdout, /(\d+)\/\1 migrations applied/);
      const bad = run('user', 'add', '--username', 'x', '--password', 'short');
      assert.notEqual(bad.status, 0);
      assert.match(bad.stderr, /password/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
