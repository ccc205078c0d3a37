#!/usr/bin/env node
// npm run bench [-- <name> [options]]: runs bench/<name>.ts (all benchmarks when no name is given).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const available = fs.readdirSync(path.join(root, 'bench')).filter((f) => f.endsWith('.ts') && !f.startsWith('_')).map((f) => f.slice(0, -3));
const [name, ...rest] = process.argv.slice(2);
if (name && !available.includes(name)) {
  console.error(`unknown benchmark "${name}"; available: ${available.join(', ')}`);
  process.exit(2);
}
let status = 0;
for (const b of name ? [name] : available) {
  console.log(`\n=== bench ${b} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join('bench', `${b}.ts`), ...rest], { cwd: root, stdio: 'inherit' });
  status ||= r.status ?? 1;
}
process.exit(status);
