/**
 * The demo city, loaded once and copied: tests that start from a loaded demo city (and do not test
 * the loading itself) open a copy of a template instead of running `loadDemo` themselves.
 *
 * A template is one load of the demo (admin, then `loadDemo(people, seed)`) on PGlite, kept in the
 * temp directory as `govhub-test-demo-<key>/`:
 *   control.tar   the control plane, a PGlite data directory dump (`PgliteDb.dump()`)
 *   data/         the data directory (lake, quarantine, entity index, demo files, audit keys and anchors)
 *   result.json   what `loadDemo` returned, the data directory written as a placeholder
 * The key hashes everything that could change what a load leaves: the code that loading runs (the
 * source of every module this file imports, directly or not, and every file under src/ that is not
 * TypeScript: migrations, data files), the PGlite and DuckDB versions, people, seed, the config
 * overrides (the secret key that pseudonyms are derived with among them), and the day (UTC) — the
 * demo's dates and deadlines are relative to when it was loaded.
 *
 * Each test file runs in a process of its own, several at once: the first to need a template builds
 * it while holding `govhub-test-demo-<key>.lock` (made with O_EXCL; the builder's pid inside, its
 * mtime refreshed while it works), the others wait for it. A lock whose process is gone, or not
 * refreshed for a minute, is taken over. The template appears by an atomic rename, so a reader
 * never sees half of one. Templates not used for a day are removed when a new one is built.
 *
 * On PostgreSQL (`pg`) there is no template: the demo is loaded into the test's fresh schema.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pino from 'pino';
import type { Config } from '../../src/kernel/index.ts';
import type { PgliteDb } from '../../src/control/index.ts';
import { ensureAdmin } from '../../src/identity/index.ts';
import { loadDemo, type DemoLoadResult } from '../../src/demo/index.ts';
import { openTestPlatform, type TestDriver, type TestPlatform } from './platform.ts';

/** Size and seed of a demo city. */
export interface DemoCity {
  people: number;
  seed: number;
}

/** The small demo city most tests share (one template for all of them). */
export const SMALL_CITY: DemoCity = { people: 300, seed: 5 };

export interface DemoPlatform extends TestPlatform {
  /** What `loadDemo` returned (for a copy: what it returned when the template was made, paths in this data directory). */
  demo: DemoLoadResult;
}

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const PREFIX = 'govhub-test-demo-';
const DATA_DIR_MARK = '<govhub-test-demo-data-dir>';
/** A builder that has not refreshed its lock for this long is taken to be gone. */
const STALE_MS = 60_000;
/** How long a process waits for another's build before giving up. */
const WAIT_MS = Number(process.env.GOVHUB_TEST_DEMO_WAIT_SECONDS ?? 1200) * 1000;
/** Templates not used for this long are removed when a new one is built. */
const UNUSED_MS = 24 * 3600_000;

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

const IMPORT = /\b(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** `file` and every module it imports, directly or not, by relative path (node_modules left out: its versions are in package-lock.json). */
function importClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const p = path.resolve(path.dirname(file), spec!);
    const found = [p, `${p}.ts`, path.join(p, 'index.ts')].find((c) => c.endsWith('.ts') && fs.existsSync(c) && fs.statSync(c).isFile());
    if (found) importClosure(found, seen);
  }
  return seen;
}

/**
 * The template's key: see the comment at the top. The code is the source of every module this file
 * imports (loadDemo, openPlatform and what they import), of the parse worker ingest may start, and
 * every file under src/ that is not TypeScript (migrations, data files): editing a part of govhub
 * that loading the demo does not run leaves the template as it is.
 */
export function demoTemplateKey(city: DemoCity, overrides: Partial<Config> = {}): string {
  const h = createHash('sha256');
  const version = (pkg: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  h.update(JSON.stringify({ people: city.people, seed: city.seed, overrides, day: new Date().toISOString().slice(0, 10), pglite: version('@electric-sql/pglite'), duckdb: version('@duckdb/node-api') }));
  const code = importClosure(path.join(ROOT, 'test/helpers/demoCity.ts'));
  importClosure(path.join(ROOT, 'src/ingest/readers/parseWorker.ts'), code);
  for (const f of filesUnder(path.join(ROOT, 'src'))) if (!f.endsWith('.ts')) code.add(f);
  for (const f of [...code].sort()) {
    h.update(`\0${path.relative(ROOT, f)}\0`);
    h.update(fs.readFileSync(f));
  }
  return h.digest('hex').slice(0, 16);
}

/** The directory of the template for a city (built first, or waited for, when missing). */
export function demoTemplate(city: DemoCity, overrides: Partial<Config> = {}): Promise<string> {
  const key = demoTemplateKey(city, overrides);
  let t = templates.get(key);
  if (!t) templates.set(key, t = ensureTemplate(path.join(os.tmpdir(), `${PREFIX}${key}`), city, overrides));
  return t;
}
const templates = new Map<string, Promise<string>>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock's holder, and whether it is gone (dead, or silent for STALE_MS); null when there is no lock. */
function lockHolder(lock: string): { pid: number | null; gone: boolean } | null {
  try {
    const pid = Number(fs.readFileSync(lock, 'utf8').trim()) || null;
    const silent = Date.now() - fs.statSync(lock).mtimeMs > STALE_MS;
    return { pid, gone: silent || (pid !== null && !alive(pid)) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function ensureTemplate(dir: string, city: DemoCity, overrides: Partial<Config>): Promise<string> {
  const done = path.join(dir, 'result.json');
  const lock = `${dir}.lock`;
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (fs.existsSync(done)) {
      const now = new Date();
      fs.utimesSync(dir, now, now); // in use: not removed as unused
      return dir;
    }
    let fd: number | undefined;
    try {
      fd = fs.openSync(lock, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (fd !== undefined) {
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      const beat = setInterval(() => { try { const now = new Date(); fs.utimesSync(lock, now, now); } catch { /* taken over */ } }, STALE_MS / 6);
      try {
        if (!fs.existsSync(done)) await build(dir, city, overrides);
      } finally {
        clearInterval(beat);
        fs.rmSync(lock, { force: true });
      }
      continue;
    }
    const holder = lockHolder(lock);
    if (holder?.gone) {
      // a builder that crashed or hangs: take its lock over (should two processes do so at once,
      // both build, and the atomic rename keeps one of the two identical templates)
      fs.rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`demo template ${dir} (${city.people} people, seed ${city.seed}) is still being built by process ${holder?.pid} after ${WAIT_MS / 1000} s; `
        + `if that process is stuck, end it or remove ${lock}`);
    }
    await sleep(500);
  }
}

/** Load the demo on a fresh PGlite platform and save it as the template `dir`. */
async function build(dir: string, city: DemoCity, overrides: Partial<Config>): Promise<void> {
  const stage = `${dir}.${process.pid}.building`;
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage);
  try {
    const p = await openTestPlatform('pglite', overrides);
    try {
      await ensureAdmin(p);
      const result = await loadDemo(p, city);
      // everything written and anchored before the copy: audit and lake closed, the database dumped
      await p.audit.close();
      await p.dataLake.close();
      const dump = await (p.db as PgliteDb).dump();
      fs.writeFileSync(path.join(stage, 'control.tar'), Buffer.from(await dump.arrayBuffer()));
      const skip = path.join(p.dir, 'tmp');
      fs.cpSync(p.dir, path.join(stage, 'data'), { recursive: true, filter: (src) => src !== skip });
      let json = JSON.stringify(result);
      for (const d of new Set([p.config.dataDir, p.dir, fs.realpathSync(p.dir)])) json = json.replaceAll(JSON.stringify(d).slice(1, -1), DATA_DIR_MARK);
      fs.writeFileSync(path.join(stage, 'result.json'), json);
    } finally {
      await p.close();
    }
    try {
      fs.renameSync(stage, dir);
    } catch (err) {
      if (!fs.existsSync(path.join(dir, 'result.json'))) throw err; // another process made the same template meanwhile
    }
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
  removeUnused(dir);
}

/** Templates (of other code versions, sizes or days) that no test used for a day. */
function removeUnused(keep: string): void {
  const tmp = path.dirname(keep);
  for (const name of fs.readdirSync(tmp)) {
    const p = path.join(tmp, name);
    if (!name.startsWith(PREFIX) || p === keep || name.endsWith('.lock')) continue;
    try {
      if (Date.now() - fs.statSync(p).mtimeMs > UNUSED_MS) fs.rmSync(p, { recursive: true, force: true });
    } catch { /* removed by another process */ }
  }
}

/**
 * A platform holding the loaded demo city: on PGlite a copy of the template (the control plane
 * from its dump, the data directory copied), on PostgreSQL the demo loaded into a fresh schema.
 * The admin exists (ADMIN_PASSWORD), as after `ensureAdmin`.
 */
export async function openDemoPlatform(driver: TestDriver, city: DemoCity, overrides: Partial<Config> = {}, opts: { log?: pino.Logger } = {}): Promise<DemoPlatform> {
  if (driver === 'pg') {
    const p = await openTestPlatform(driver, overrides, opts);
    try {
      await ensureAdmin(p);
      return { ...p, demo: await loadDemo(p, city) };
    } catch (err) {
      await p.close();
      throw err;
    }
  }
  const dir = await demoTemplate(city, overrides);
  const controlPlane = new Blob([fs.readFileSync(path.join(dir, 'control.tar'))]);
  const p = await openTestPlatform(driver, overrides, { ...opts, from: { controlPlane, dataDir: path.join(dir, 'data') } });
  const json = fs.readFileSync(path.join(dir, 'result.json'), 'utf8').replaceAll(DATA_DIR_MARK, JSON.stringify(p.config.dataDir).slice(1, -1));
  return { ...p, demo: JSON.parse(json) as DemoLoadResult };
}
