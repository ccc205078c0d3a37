/** `govhub link` as a command: every record once in the output, the right clusters, clear errors. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

const FIRST = ['amelia', 'oliver', 'isla', 'jack', 'grace', 'noah', 'ruby', 'leo', 'ivy', 'oscar', 'chloe', 'henry', 'zoe', 'lucas', 'mia', 'ethan', 'ella', 'mason', 'lily', 'james'];
const LAST = ['thompson', 'nguyen', 'walker', 'harris', 'robinson', 'kelly', 'wright', 'mitchell', 'campbell', 'anderson', 'clarke', 'morgan', 'edwards', 'fletcher', 'gibson', 'hughes', 'jenkins', 'lawson', 'murray', 'palmer'];
const CITIES = ['sydney', 'perth', 'hobart', 'darwin', 'cairns'];

/** Swap two neighbouring letters: the typo a clerk makes. */
const typo = (s: string, k: number) => {
  const i = 1 + (k % (s.length - 2));
  return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
};

let dir: string;
/** id → person the record belongs to. */
const truth = new Map<string, number>();

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-link-cli-'));
  const lines = ['person_id,first_name,surname,dob,city,email'];
  let n = 0;
  for (let p = 0; p < 20; p++) {
    const dob = `19${50 + p}-0${1 + (p % 9)}-1${p % 10}`;
    const base = [FIRST[p]!, LAST[p]!, dob, CITIES[p % 5]!, `${FIRST[p]}.${LAST[p]}@mail.example`];
    const copies = p < 10 ? 3 : p < 16 ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const rec = [...base];
      if (c === 1) rec[1] = typo(rec[1]!, p);
      if (c === 2) { rec[0] = typo(rec[0]!, p); rec[4] = ''; }
      const id = `r${String(100 + n++)}`;
      truth.set(id, p);
      lines.push([id, ...rec].join(','));
    }
  }
  fs.writeFileSync(path.join(dir, 'people.csv'), lines.join('\n') + '\n');
  fs.writeFileSync(
    path.join(dir, 'link.json'),
    JSON.stringify({
      comparisons: [
        { use: 'jaroWinkler', columns: ['first_name'], thresholds: [0.9], tf: true },
        { use: 'jaroWinkler', columns: ['surname'], thresholds: [0.9], tf: true },
        { use: 'date', columns: ['dob'] },
        { use: 'exact', columns: ['city'] },
        { use: 'email', columns: ['email'] },
      ],
      blocking: ['l.dob = r.dob', 'l.surname = r.surname'],
      threshold: 0.9,
    }),
  );
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

const govhub = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/govhub.mjs', 'link', ...args], { encoding: 'utf8', env: { ...process.env, GOVHUB_FROM_SOURCE: '1' } });

function readClusters(file: string): Map<string, string> {
  const [head, ...rows] = fs.readFileSync(file, 'utf8').trim().split('\n');
  assert.equal(head, 'id,cluster');
  const out = new Map<string, string>();
  for (const r of rows) {
    const [id, cluster] = r.split(',');
    assert.ok(!out.has(id!), `id ${id} twice`);
    out.set(id!, cluster!);
  }
  return out;
}

/** The clusters are the people: two records share a cluster exactly when they share a person; a cluster is named by its smallest id. */
function assertClustersRight(got: Map<string, string>) {
  assert.deepEqual([...got.keys()].sort(), [...truth.keys()].sort(), 'every record once');
  for (const [a, pa] of truth) for (const [b, pb] of truth) if (a < b) assert.equal(got.get(a) === got.get(b), pa === pb, `${a} ~ ${b}`);
  for (const [id, cluster] of got) {
    const members = [...got].filter(([, c]) => c === cluster).map(([i]) => i).sort();
    assert.equal(cluster, members[0], `cluster of ${id}`);
  }
}

test('with a configuration: every id once, clusters = people, explain file written', () => {
  const out = path.join(dir, 'clusters.csv');
  const explain = path.join(dir, 'pairs.csv');
  const r = govhub('--input', path.join(dir, 'people.csv'), '--id', 'person_id', '--config', path.join(dir, 'link.json'), '--out', out, '--explain-out', explain);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /OK: 46 records → 20 clusters/);
  assertClustersRight(readClusters(out));
  const pairs = fs.readFileSync(explain, 'utf8').trim().split('\n');
  assert.match(pairs[0]!, /^id_l,id_r,match_weight,match_probability,deterministic,gamma_first_name,bf_first_name/);
  // every pair listed is two records of one person, and enough of them to join each person's records
  const listed = pairs.slice(1).map((l) => l.split(','));
  assert.ok(listed.every(([a, b]) => truth.get(a!) === truth.get(b!)));
  assert.ok(listed.length >= 10 * 2 + 6 && listed.length <= 10 * 3 + 6, `${listed.length} pairs`);
});

test('without a configuration (settings from the columns): every id appears once', () => {
  const out = path.join(dir, 'auto.csv');
  const r = govhub('--input', path.join(dir, 'people.csv'), '--id', 'person_id', '--out', out);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const got = readClusters(out);
  assert.deepEqual([...got.keys()].sort(), [...truth.keys()].sort());
});

test('two files whose ids collide: ids prefixed by the file index, linked across files', () => {
  const [head, ...rows] = fs.readFileSync(path.join(dir, 'people.csv'), 'utf8').trim().split('\n');
  fs.writeFileSync(path.join(dir, 'a.csv'), [head, ...rows.slice(0, 23)].join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'b.csv'), [head, ...rows.slice(20)].join('\n') + '\n');
  const out = path.join(dir, 'two.csv');
  const r = govhub('--input', path.join(dir, 'a.csv'), '--input', path.join(dir, 'b.csv'), '--id', 'person_id', '--config', path.join(dir, 'link.json'), '--out', out);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const got = readClusters(out);
  assert.equal(got.size, 49);
  assert.ok(got.has('0:r120') && got.has('1:r120') && got.has('0:r100') && got.has('1:r145'));
  assert.equal(got.get('0:r120'), got.get('1:r120'), 'the same record in both files is one cluster');
});

test('a missing id column or an unreadable file fails with a clear message and exit code 1', () => {
  const bad = govhub('--input', path.join(dir, 'people.csv'), '--id', 'nope', '--out', path.join(dir, 'x.csv'));
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /缺少 ID 列 \/ missing id column "nope"/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
  const missing = govhub('--input', path.join(dir, 'nothing.csv'), '--id', 'person_id', '--out', path.join(dir, 'x.csv'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot read file/);
  const col = path.join(dir, 'badcol.json');
  fs.writeFileSync(col, JSON.stringify({ comparisons: [{ use: 'exact', columns: ['shoe_size'] }], blocking: ['l.city = r.city'] }));
  const badConfig = govhub('--input', path.join(dir, 'people.csv'), '--id', 'person_id', '--config', col, '--out', path.join(dir, 'x.csv'));
  assert.equal(badConfig.status, 1);
  assert.match(badConfig.stderr, /missing columns: shoe_size/);
  const rule = path.join(dir, 'badrule.json');
  fs.writeFileSync(rule, JSON.stringify({ comparisons: [{ use: 'exact', columns: ['city'] }], blocking: ['l.cty = r.city'] }));
  const badRule = govhub('--input', path.join(dir, 'people.csv'), '--id', 'person_id', '--config', rule, '--out', path.join(dir, 'x.csv'));
  assert.equal(badRule.status, 1);
  assert.match(badRule.stderr, /bad rule or comparison: l\.cty = r\.city: .*cty/);
});
