#!/usr/bin/env node
// npm run build: the server (src/**/*.ts → dist/, with tsc) and the web console (web/ → web/dist, with vite).
//
//   node scripts/build.mjs                 build what is out of date (npm install runs this as `prepare`)
//   node scripts/build.mjs --force         build everything again (npm run build)
//   node scripts/build.mjs --server        only the server; --web: only the console
//   node scripts/build.mjs --out-dir DIR   the server into DIR instead of dist/ (always built)
//
// Besides the compiled JavaScript, files under src/ that the server reads at run time by path
// (the control plane's migrations/*.sql, the GB/T 2260 table) are copied next to it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const force = args.includes('--force');
const outAt = args.indexOf('--out-dir');
const outDir = outAt >= 0 ? path.resolve(args[outAt + 1] ?? '') : path.join(root, 'dist');
const onlyServer = args.includes('--server') || outAt >= 0;
const onlyWeb = args.includes('--web');
const STAMP = '.build-stamp';

/** Newest modification time of a file or of anything under a directory (directories count: a deleted file changes its folder). */
function newest(p, skip = () => false) {
  if (!fs.existsSync(p) || skip(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return fs.readdirSync(p).reduce((m, e) => Math.max(m, newest(path.join(p, e), skip)), st.mtimeMs);
}

const mtime = (p) => (fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0);

/** A tool from a development dependency, or null when only production dependencies are installed. */
function tool(pkg, bin) {
  const p = path.join(root, 'node_modules', pkg, bin);
  return fs.existsSync(p) ? p : null;
}

function run(file, argv, what) {
  const t = Date.now();
  const r = spawnSync(process.execPath, [file, ...argv], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`govhub build: ${what} failed\n`);
    process.exit(r.status ?? 1);
  }
  process.stdout.write(`govhub build: ${what} (${((Date.now() - t) / 1000).toFixed(1)} s)\n`);
}

/** Copy every file under src/ that is not TypeScript (SQL migrations) to the same place under out/. */
function copyAssets(from, to) {
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    if (e.isDirectory()) copyAssets(src, dst);
    else if (!e.name.endsWith('.ts')) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(src, dst);
    }
  }
}

function buildServer() {
  const stamp = path.join(outDir, STAMP);
  const inputs = Math.max(newest(path.join(root, 'src')), ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => mtime(path.join(root, f))));
  const upToDate = outAt < 0 && !force && mtime(stamp) > inputs;
  if (upToDate) return;
  const tsc = tool('typescript', 'bin/tsc');
  if (!tsc) {
    if (fs.existsSync(stamp)) return void process.stdout.write('govhub build: no TypeScript compiler installed (production install); keeping dist/ as built\n');
    process.stderr.write('govhub build: dist/ is missing and TypeScript is not installed: run `npm install` (with development dependencies) to build the server\n');
    process.exit(1);
  }
  if (force) fs.rmSync(outDir, { recursive: true, force: true });
  run(tsc, ['-p', 'tsconfig.build.json', '--outDir', outDir, '--tsBuildInfoFile', path.join(outDir, '.tsbuildinfo')], `server → ${path.relative(root, outDir) || outDir}`);
  copyAssets(path.join(root, 'src'), outDir);
  fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

function buildWeb() {
  const web = path.join(root, 'web');
  const index = path.join(web, 'dist', 'index.html');
  const inputs = Math.max(newest(web, (p) => p === path.join(web, 'dist')), mtime(path.join(root, 'package.json')));
  if (!force && mtime(index) > inputs) return;
  const vite = tool('vite', 'bin/vite.js');
  if (!vite) {
    if (fs.existsSync(index)) return void process.stdout.write('govhub build: no vite installed (production install); keeping web/dist as built\n');
    process.stderr.write('govhub build: web/dist is missing and vite is not installed: run `npm install` (with development dependencies) to build the console\n');
    process.exit(1);
  }
  run(vite, ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], 'console → web/dist');
}

if (!onlyWeb) buildServer();
if (!onlyServer) buildWeb();
