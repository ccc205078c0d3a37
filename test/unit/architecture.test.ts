/**
 * The module structure of docs/architecture.md, checked on the real import graph (dpdm, type-only
 * imports left out since they vanish at run time):
 *  - no import cycle;
 *  - src/kernel imports nothing of govhub above it;
 *  - no domain module imports src/server (the server assembles the modules, not the other way round);
 *  - a module reaches another only through its index.ts (listed exceptions say why).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, test } from 'node:test';
import { parseCircular, parseDependencyTree, type DependencyTree } from 'dpdm';
import { ROOT } from '../../src/kernel/index.ts';

/** Imports of another module's inner file that are allowed, and why. */
const INNER_ALLOWED: Record<string, string> = {
  // the parse process starts once per upload: it loads the engine side of the lake, not the whole lake
  'src/ingest/readers/parseWorker.ts -> src/lake/Engine.ts': 'startup cost of the parse process',
  'src/ingest/readers/parseWorker.ts -> src/lake/sql.ts': 'startup cost of the parse process',
  'src/ingest/sql.ts -> src/lake/sql.ts': 'startup cost of the parse process (readers use these helpers)',
  // `govhub classify` trains and predicts on files: it needs the classifier, not the case service and its control plane
  'src/cli/classify.ts -> src/apps/cases/classify/index.ts': 'the classify command loads the classifier alone',
  // `govhub forecast` fits and forecasts a file: it needs the forecaster, not the monitoring service
  'src/cli/forecast.ts -> src/apps/monitor/forecast/index.ts': 'the forecast command loads the forecaster alone',
};

let tree: DependencyTree;
const rel = (p: string) => path.relative(ROOT, path.resolve(ROOT, p)).split(path.sep).join('/');
// each application under src/apps/ is a module of its own (src/apps/workorders, src/apps/collide …)
const moduleOf = (file: string) => /^src\/(apps\/[^/]+|[^/]+)\//.exec(file)?.[1] ?? null;

before(async () => {
  tree = await parseDependencyTree('src/**/*.ts', { cwd: ROOT, context: ROOT, transform: true, skipDynamicImports: false, extensions: ['.ts'], js: ['.ts'], include: /\.ts$/, exclude: /node_modules/, tsconfig: path.join(ROOT, 'tsconfig.json') } as never);
});

/** Every import edge between govhub files: [from, to]. */
function edges(): [string, string][] {
  const out: [string, string][] = [];
  for (const [file, deps] of Object.entries(tree)) {
    for (const d of deps ?? []) if (d.id && d.id.startsWith(path.join(ROOT, 'src')) || (d.id && !path.isAbsolute(d.id) && d.id.startsWith('src/'))) out.push([rel(file), rel(d.id!)]);
  }
  return out;
}

test('the import graph is read (the check below is not vacuous)', () => {
  const e = edges();
  assert.ok(e.length > 300, `${e.length} edges`);
  assert.ok(e.some(([a, b]) => a === 'src/server/auth.ts' && b === 'src/identity/index.ts'));
});

test('no import cycle', () => {
  const cycles = parseCircular(tree).map((c) => c.map(rel).join(' -> '));
  assert.deepEqual(cycles, []);
});

test('src/kernel imports nothing of govhub above it', () => {
  const bad = edges().filter(([a, b]) => a.startsWith('src/kernel/') && !b.startsWith('src/kernel/'));
  assert.deepEqual(bad, []);
});

test('no domain module imports src/server', () => {
  const bad = edges().filter(([a, b]) => b.startsWith('src/server/') && !a.startsWith('src/server/') && !a.startsWith('src/cli/'));
  assert.deepEqual(bad, []);
});

test('modules reach each other through their index.ts', () => {
  const bad = edges()
    .filter(([a, b]) => {
      const ma = moduleOf(a);
      const mb = moduleOf(b);
      return ma !== null && mb !== null && ma !== mb && !b.endsWith(`src/${mb}/index.ts`);
    })
    .map(([a, b]) => `${a} -> ${b}`)
    .filter((e) => !(e in INNER_ALLOWED));
  assert.deepEqual(bad, []);
});
