#!/usr/bin/env node
// govhub command. Runs the compiled JavaScript in dist/ (built by `npm install` / `npm run build`).
// GOVHUB_FROM_SOURCE=1 runs the TypeScript sources in src/ through tsx instead (npm test sets it;
// tsx is a development dependency).
import fs from 'node:fs';

process.setSourceMapsEnabled(true);

if (process.env.GOVHUB_FROM_SOURCE === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
} else {
  const main = new URL('../dist/cli/main.js', import.meta.url);
  if (!fs.existsSync(main)) {
    process.stderr.write('govhub: dist/ is not built: run `npm run build` (or `npm install`) first\n');
    process.exit(1);
  }
  await import(main.href);
}
