// The server as operators run it: compiled JavaScript in dist/ (scripts/build.mjs), started by
// bin/govhub.mjs with plain node — no tsx, no GOVHUB_FROM_SOURCE — on PGlite in a fresh data directory.
// A resolve hook in the server process fails any load of tsx or of a .ts file; the upload goes
// through the forked parse process, which must run dist/…/parseWorker.js, not the TypeScript source.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import semver from 'semver';
import { ROOT } from '../../../src/kernel/index.ts';

const ADMIN_PASSWORD = 'Zq8!vLw2#pRt9xK-build';

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** Command lines of a process's children (Linux /proc; empty elsewhere). */
function childCommands(pid: number): string[] {
  try {
    const ids = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return ids.map((id) => fs.readFileSync(`/proc/${id}/cmdline`, 'utf8').split('\0').join(' ').trim());
  } catch {
    return [];
  }
}

test('every installed package supports the lowest Node version of each range in engines (npm install prints no EBADENGINE)', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
  const floors = pkg.engines.node.split('||').map((r) => semver.minVersion(r)!.version);
  assert.ok(floors.length >= 2, pkg.engines.node);
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; engines?: { node?: string } }> };
  const unsupported = Object.entries(lock.packages)
    // optional packages for other platforms are not installed here, and npm does not check them
    .filter(([p, info]) => p && info.engines?.node && fs.existsSync(path.join(ROOT, p)))
    .flatMap(([p, info]) => floors.filter((v) => !semver.satisfies(v, info.engines!.node!)).map((v) => `${p}@${info.version}: node ${info.engines!.node} excludes ${v}`));
  assert.deepEqual(unsupported, []);
});

describe('compiled server (dist/)', () => {
  let dir: string;
  let base: string;
  let server: ChildProcess;
  let output = '';
  let auth: Record<string, string>;

  before(async () => {
    // builds dist/ only when src/ is newer than the last build (npm install builds it)
    const build = spawnSync(process.execPath, ['scripts/build.mjs', '--server'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr + build.stdout);

    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-build-'));
    fs.writeFileSync(path.join(dir, 'hooks.mjs'), [
      'export async function resolve(specifier, context, next) {',
      '  const r = await next(specifier, context);',
      "  if (/\\/node_modules\\/tsx\\/|\\.[cm]?ts$/.test(r.url)) throw new Error(`loaded from source: ${r.url}`);",
      '  return r;',
      '}',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'no-typescript.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(new URL('hooks.mjs', `file://${dir}/`).href)});\n`);

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GOVHUB_') && k !== 'NODE_OPTIONS') env[k] = v;
    server = spawn(process.execPath, ['--import', path.join(dir, 'no-typescript.mjs'), 'bin/govhub.mjs', 'start'], {
      cwd: ROOT,
      env: { ...env, GOVHUB_DATA_DIR: path.join(dir, 'data'), GOVHUB_PORT: String(port), GOVHUB_HOST: '127.0.0.1', GOVHUB_ADMIN_PASSWORD: ADMIN_PASSWORD, GOVHUB_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
    server.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));

    // the first start applies the migrations: slow on a busy machine
    const deadline = Date.now() + 180_000;
    for (;;) {
      const up = await fetch(`${base}/api/v1/health`).then((r) => r.ok, () => false);
      if (up) break;
      if (server.exitCode !== null || Date.now() > deadline) assert.fail(`the compiled server did not start:\n${output}`);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 250))]);
    }
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    assert.equal(login.status, 200, await login.clone().text());
    auth = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
  });

  after(async () => {
    if (server && server.exitCode === null) {
      const gone = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await gone;
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const api = async (method: string, url: string, body?: unknown) => {
    const r = await fetch(`${base}/api/v1${url}`, { method, headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  test('runs the JavaScript in dist/ with plain node and answers the health check', async () => {
    if (fs.existsSync(`/proc/${server.pid}/cmdline`)) {
      const cmd = fs.readFileSync(`/proc/${server.pid}/cmdline`, 'utf8').split('\0');
      assert.ok(!cmd.some((a) => a.includes('tsx')), cmd.join(' '));
    }
    const r = await fetch(`${base}/api/v1/health`);
    assert.equal(r.status, 200);
    assert.deepEqual({ ...((await r.json()) as object), version: 'x' }, { status: 'ok', version: 'x', controlPlane: 'pglite', dataPlane: 'duckdb' });
  });

  test('an uploaded file is parsed by the compiled parse process and ingested', async () => {
    const dept = await api('POST', '/departments', { code: 'BLD', name: '构建局', regionCode: '330102' });
    assert.equal(dept.status, 201, JSON.stringify(dept.body));
    const ds = await api('POST', '/datasets', {
      code: 'BLD_RK', name: '构建检查', departmentId: dept.body.id, updateCycle: 'daily',
      fields: [{ name: 'bh', title: '编号', type: 'string', required: true, sensitivity: 'L2' }, { name: 'mc', title: '名称', type: 'string', sensitivity: 'L2' }],
    });
    assert.equal(ds.status, 201, JSON.stringify(ds.body));

    const form = new FormData();
    form.append('file', new Blob([Buffer.from('编号,名称\r\nA1,甲\r\nA2,乙\r\n')]), '构建.csv');
    const r = await fetch(`${base}/api/v1/datasets/BLD_RK/ingest`, { method: 'POST', headers: auth, body: form });
    const job = (await r.json()) as Record<string, unknown>;
    assert.equal(r.status, 201, JSON.stringify(job));
    assert.deepEqual([job.status, job.format, job.rowsRead, job.accepted, job.rejected], ['succeeded', 'csv', 2, 2, 0], JSON.stringify(job));

    // the spare parse process started after the upload is the compiled worker, run without a loader
    const deadline = Date.now() + 30_000;
    let workers: string[] = [];
    while (!workers.length && Date.now() < deadline) {
      workers = childCommands(server.pid!).filter((c) => c.includes('parseWorker'));
      if (!workers.length) await new Promise((res) => setTimeout(res, 200));
    }
    if (fs.existsSync('/proc')) assert.ok(workers.length, 'no parse process found');
    for (const w of workers) {
      assert.match(w, /dist\/ingest\/readers\/parseWorker\.js/);
      assert.doesNotMatch(w, /tsx/);
    }
    assert.doesNotMatch(output, /loaded from source/);
  });
});
