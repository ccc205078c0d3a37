// Attack: someone with write access to the database (not to the key host) deletes the newest audit
// events together with their checkpoints, or rewrites the chain under a checkpoint and deletes the
// checkpoints that no longer match. Every signed checkpoint is also anchored in a file outside the
// database and can be handed to witnesses; verify checks the chain against both.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import pino from 'pino';
import { AnchorFile, AuditKey, AuditLog, auditService, type SignedCheckpoint } from '../../src/audit/index.ts';
import { auditHead, auditVerify, verifyReport, type VerifyOptions } from '../../src/cli/audit.ts';
import { rowToEvent } from '../../src/audit/AuditLog.ts';
import { chainedPart, eventHash } from '../../src/audit/chain.ts';
import { loadConfig } from '../../src/kernel/index.ts';
import { PgliteDb, type Queryable } from '../../src/control/index.ts';
import { ensureAdmin } from '../../src/identity/index.ts';
import { openPlatform, type Platform } from '../../src/platform.ts';
import { ADMIN_PASSWORD, childControlPlane, drivers, openTestPlatform, SYSTEM, type TestDriver, type TestPlatform } from '../helpers/platform.ts';
import { login, openTestApp } from '../helpers/server.ts';

// Small numbers keep the fixtures quick: a checkpoint every 10 events, no timed ones unless a test asks.
process.env.GOVHUB_AUDIT_CHECKPOINT_EVERY = '10';
process.env.GOVHUB_AUDIT_CHECKPOINT_SECONDS = '0';

const CHILD = path.join(import.meta.dirname, 'audit-anchor-child.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function populate(p: Platform, n: number) {
  for (let i = 0; i < n; i++) await p.audit.record(SYSTEM, { action: 'test.event', objectType: 'test', details: { i } });
}

/** Delete the events after `seq` and their checkpoints, as a DBA covering tracks would. */
async function truncateAfter(db: Queryable, seq: number) {
  await db.query('DELETE FROM audit_events WHERE seq > $1', [seq]);
  await db.query('DELETE FROM audit_checkpoints WHERE seq > $1', [seq]);
}

/** Edit event `seq`, recompute every hash from there on so the chain is self-consistent, drop the checkpoints that no longer match. */
async function rewriteFrom(db: Queryable, seq: number) {
  await db.query(`UPDATE audit_events SET details = '{"i":"rewritten"}' WHERE seq = $1`, [seq]);
  const rows = await db.query<Parameters<typeof rowToEvent>[0]>('SELECT * FROM audit_events WHERE seq >= $1 ORDER BY seq', [seq]);
  let prev = (await db.one<{ hash: string }>('SELECT hash FROM audit_events WHERE seq = $1', [seq - 1]))!.hash;
  for (const r of rows) {
    const hash = eventHash(prev, chainedPart(rowToEvent(r)));
    await db.query('UPDATE audit_events SET prev_hash = $1, hash = $2 WHERE seq = $3', [prev, hash, r.seq]);
    prev = hash;
  }
  await db.query('DELETE FROM audit_checkpoints WHERE seq >= $1', [seq]);
}

function anchorLines(file: string): SignedCheckpoint[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

/** The real `govhub audit ARGS --data-dir DIR` in a child process. */
function cli(dir: string, env: NodeJS.ProcessEnv, ...args: string[]) {
  return spawnSync(process.execPath, ['bin/govhub.mjs', 'audit', ...args, '--data-dir', dir], { encoding: 'utf8', env });
}

function expectExit(res: { status: number | null; stdout: string; stderr: string }, status: number, pattern?: RegExp) {
  assert.equal(res.status, status, res.stdout + res.stderr);
  if (pattern) assert.match(res.stdout, pattern);
}

/** `govhub audit verify` through the command's own code (auditVerify + verifyReport), without a child process per run. */
async function verify(p: Platform | undefined, o: VerifyOptions = {}) {
  return verifyReport(await auditVerify(o, p));
}

function expectReport(r: { out: string; err: string; exitCode: number }, exitCode: number, pattern?: RegExp) {
  assert.equal(r.exitCode, exitCode, r.out + r.err);
  if (pattern) assert.match(r.out, pattern);
}

async function exportTo(p: Platform, file: string) {
  await pipeline(auditService.exportStream(p, SYSTEM), fs.createWriteStream(file));
}

/** A test platform with 25 events: checkpoints (and anchors) at 10, 20 and, signed on demand, 25. */
async function populated(driver: TestDriver) {
  const p = await openTestPlatform(driver);
  await populate(p, 25);
  await p.audit.checkpoint();
  return p;
}

for (const driver of drivers()) {
  describe(`audit trail survives truncation (${driver})`, () => {
    test('the real CLI: removing the newest events together with their checkpoints fails verify, naming the anchored checkpoint', async () => {
      let dir: string;
      let env: NodeJS.ProcessEnv;
      let tamper: (fn: (db: Queryable) => Promise<void>) => Promise<void>;
      let close: () => Promise<void>;
      if (driver === 'pglite') {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-trunc-'));
        const p = await openPlatform(loadConfig({ dataDir: dir, adminPassword: ADMIN_PASSWORD }, {}), { log: pino({ level: 'silent' }) });
        await populate(p, 25);
        await p.audit.checkpoint();
        await p.close();
        env = { ...process.env, GOVHUB_DATABASE_URL: '' };
        tamper = async (fn) => {
          const db = await PgliteDb.open(path.join(dir, 'control'));
          try { await fn(db); } finally { await db.close(); }
        };
        close = async () => fs.rmSync(dir, { recursive: true, force: true });
      } else {
        const p = await populated('pg');
        dir = p.dir;
        // The CLI reaches the test schema through the connection URL (libpq `options`), as an operator can.
        const url = new URL(process.env.GOVHUB_TEST_DATABASE_URL!);
        url.searchParams.set('options', `-c search_path=${p.schema}`);
        env = { ...process.env, GOVHUB_DATABASE_URL: url.toString() };
        tamper = (fn) => fn(p.db);
        close = () => p.close();
      }
      try {
        expectExit(cli(dir, env, 'verify'), 0, /anchors: 3 checked/);
        assert.deepEqual(anchorLines(path.join(dir, 'keys', 'audit-anchors.ndjson')).map((a) => a.seq), [10, 20, 25]);
        await tamper((db) => truncateAfter(db, 15));
        const res = cli(dir, env, 'verify');
        expectExit(res, 2, /the chain ends before anchored checkpoint seq 25 \(head is seq 15\)/);
        assert.match(res.stdout, /FAILED: first bad event seq=25/);
      } finally {
        await close();
      }
    });

    describe('verify, through the command\'s code', () => {
      let p: TestPlatform;
      let anchors: string;
      beforeEach(async () => {
        p = await populated(driver);
        anchors = p.audit.anchors!.path;
      });
      afterEach(() => p.close());

      test('truncation is caught online and in the export the platform makes afterwards', async () => {
        expectReport(await verify(p), 0, /anchors: 3 checked .*\(newest seq 25\)/);
        await truncateAfter(p.db, 15);
        expectReport(await verify(p), 2, /the chain ends before anchored checkpoint seq 25 \(head is seq 15\)/);
        // The export carries the anchors from outside the database, so it fails offline too.
        const exp = path.join(p.dir, 'after.ndjson');
        await exportTo(p, exp);
        expectReport(await verify(undefined, { export: exp }), 2, /the chain ends before anchored checkpoint seq 25/);
      });

      test('a chain rewritten under an anchored checkpoint, its checkpoints deleted, fails verify', async () => {
        await rewriteFrom(p.db, 12);
        expectReport(await verify(p), 2, /anchored checkpoint seq 20 does not match the chain/);
      });

      test('a forged, foreign or malformed anchor line fails verify', async () => {
        const original = fs.readFileSync(anchors, 'utf8');
        const newest = anchorLines(anchors).at(-1)!;
        // Extend the anchors to cover a made-up later head: the signature does not verify.
        fs.appendFileSync(anchors, JSON.stringify({ ...newest, seq: 40, hash: 'f'.repeat(64) }) + '\n');
        expectReport(await verify(p), 2, /anchor .*audit-anchors\.ndjson:4 \(seq 40\) has an invalid signature/);
        // Signed, but with a key that is not the platform's.
        const other = generateKeyPairSync('ed25519').privateKey;
        const foreign = { ...newest, seq: 40, keyId: 'ffffffffffffffff', signature: sign(null, AuditKey.message(40, newest.hash, newest.ts), other).toString('base64') };
        fs.writeFileSync(anchors, original + JSON.stringify(foreign) + '\n');
        expectReport(await verify(p), 2, /was signed by key ffffffffffffffff, not this platform's key/);
        fs.writeFileSync(anchors, original + '{"seq": 40, "hash": \n');
        expectReport(await verify(p), 2, /anchor file .*audit-anchors\.ndjson line 4 is malformed/);
      });

      test('a moved anchor file: verify cannot vouch for the end (exit 3) until pointed at it with --anchors', async () => {
        const moved = path.join(p.dir, 'moved-anchors.ndjson');
        fs.renameSync(anchors, moved);
        expectReport(await verify(p), 3, /CANNOT VERIFY: .*does not exist while 3 signed checkpoints do/);
        expectReport(await verify(p, { anchors: moved }), 0, /anchors: 3 checked/);
        await truncateAfter(p.db, 15);
        expectReport(await verify(p, { anchors: moved }), 2, /the chain ends before anchored checkpoint seq 25/);
        // Nothing re-creates the file behind the operator's back: a new one would start from the truncated database.
        await p.audit.checkpoint();
        assert.equal(fs.existsSync(anchors), false);
      });

      test('a witness that kept a head the chain no longer has fails verify, even when the anchor file was rolled back too', async () => {
        const before = fs.readFileSync(anchors, 'utf8');
        const head = await auditHead(p);
        assert.equal(head.format, 'govhub-audit-head/1');
        assert.equal(head.seq, 25);
        assert.match(head.publicKey, /BEGIN PUBLIC KEY/);
        const witness = path.join(p.dir, 'witness.ndjson');
        fs.writeFileSync(witness, JSON.stringify(head) + '\n');
        expectReport(await verify(p, { witness: [witness] }), 0, /witnesses: 1 checked\n {4}seq 25 from .*witness\.ndjson:1/);
        // Drop the last events and restore an older anchor file (as if its host were reached as well): only the witness still knows.
        await truncateAfter(p.db, 20);
        fs.writeFileSync(anchors, before.split('\n').filter((l) => l && JSON.parse(l).seq <= 20).join('\n') + '\n');
        expectReport(await verify(p), 0);
        expectReport(await verify(p, { witness: [witness] }), 2, /the chain ends before witnessed head seq 25 \(head is seq 20\)/);
        // A witness head whose hash was changed no longer carries a valid signature.
        fs.writeFileSync(witness, JSON.stringify({ ...head, seq: 20, hash: 'a'.repeat(64) }) + '\n');
        expectReport(await verify(p, { witness: [witness] }), 2, /witness head .*witness\.ndjson:1 \(seq 20\) has an invalid signature/);
        // A head from another platform names another key.
        const stranger = await openTestPlatform(driver);
        try {
          await populate(stranger, 10);
          fs.writeFileSync(witness, JSON.stringify(await auditHead(stranger)) + '\n');
        } finally {
          await stranger.close();
        }
        expectReport(await verify(p, { witness: [witness] }), 2, /carries a public key other than this platform's/);
      });

      test('an untouched chain verifies with its anchors and a witness, online and from an export offline', async () => {
        const head = await auditHead(p);
        const witness = path.join(p.dir, 'witness.ndjson');
        fs.writeFileSync(witness, JSON.stringify(head) + '\n');
        expectReport(await verify(p, { witness: [witness] }), 0, /OK: 26 events.*\n {2}anchors: 3 checked in .*audit-anchors\.ndjson \(newest seq 25\)\n {2}witnesses: 1 checked/);
        const exp = path.join(p.dir, 'export.ndjson');
        await exportTo(p, exp);
        const lines = fs.readFileSync(exp, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
        assert.deepEqual(lines.filter((l) => l.kind === 'anchor').map((l) => l.seq), [10, 20, 25, 27]);
        // Offline: the key comes from the witness head, not from the export.
        expectReport(await verify(undefined, { export: exp, witness: [witness] }), 0, /witnesses: 1 checked/);
        const pem = path.join(p.dir, 'audit.pub.pem');
        fs.writeFileSync(pem, p.audit.key.publicPem);
        expectReport(await verify(undefined, { export: exp, publicKey: pem }), 0, /anchors: 4 checked/);
        // An export cut short (events, checkpoints and anchors after seq 15 removed) passes alone, but not against the witness.
        const cut = path.join(p.dir, 'cut.ndjson');
        fs.writeFileSync(cut, lines.filter((l) => l.kind === 'header' || l.seq <= 15).map((l) => JSON.stringify(l)).join('\n') + '\n');
        const alone = await verify(undefined, { export: cut });
        expectReport(alone, 0);
        assert.match(alone.err, /the public key was taken from the export itself/);
        expectReport(await verify(undefined, { export: cut, witness: [witness] }), 2, /the chain ends before witnessed head seq 25/);
      });
    });

    test('a rolled-back transaction leaves no anchor; a checkpoint signed in a committed one is anchored after the commit', async () => {
      const p = await openTestPlatform(driver);
      try {
        await populate(p, 9);
        const file = p.audit.anchors!.path;
        await assert.rejects(p.db.transaction(async (tx) => {
          const ev = await p.audit.append(tx, SYSTEM, { action: 'test.rolled-back', objectType: 'test' });
          assert.equal(ev.seq, 10);
          throw new Error('roll back');
        }), /roll back/);
        await sleep(400); // past the first two anchor retries
        await p.audit.syncAnchors();
        assert.deepEqual(anchorLines(file).map((a) => a.seq), [], 'the rolled-back checkpoint was anchored');
        // The same seq, committed this time, inside a caller's transaction: anchored once the commit is visible.
        const ev = await p.db.transaction((tx) => p.audit.append(tx, SYSTEM, { action: 'test.committed', objectType: 'test' }));
        assert.equal(ev.seq, 10);
        for (let i = 0; i < 50 && !anchorLines(file).length; i++) await sleep(100);
        assert.deepEqual(anchorLines(file).map((a) => [a.seq, a.hash]), [[10, ev.hash]]);
        assert.equal((await p.audit.verify()).ok, true);
      } finally {
        await p.close();
      }
    });

    test('with GOVHUB_AUDIT_CHECKPOINT_SECONDS the head is signed and anchored on time, between count checkpoints', async () => {
      process.env.GOVHUB_AUDIT_CHECKPOINT_SECONDS = '1';
      const p = await openTestPlatform(driver).finally(() => { process.env.GOVHUB_AUDIT_CHECKPOINT_SECONDS = '0'; });
      try {
        await populate(p, 3);
        const file = p.audit.anchors!.path;
        const at3 = () => anchorLines(file).some((a) => a.seq === 3);
        for (let i = 0; i < 50 && !at3(); i++) await sleep(100);
        assert.ok(at3(), 'no timed checkpoint anchored at the head');
        assert.ok((await p.audit.checkpoints()).every((c) => c.seq <= 3));
      } finally {
        await p.close();
      }
    });

    test('the signed head over HTTP: admins only, audited, and verify takes witnessed heads', async () => {
      const t = await openTestApp(driver);
      try {
        const h = await login(t.app);
        await t.app.inject({ method: 'POST', url: '/api/v1/audit/checkpoints', headers: h });
        const res = await t.app.inject({ method: 'GET', url: '/api/v1/audit/head', headers: h });
        assert.equal(res.statusCode, 200, res.body);
        const head = res.json();
        assert.equal(head.format, 'govhub-audit-head/1');
        assert.equal(head.publicKey, t.p.audit.key.publicPem);
        const events = (await t.app.inject({ method: 'GET', url: '/api/v1/audit/events?action=audit.head', headers: h })).json();
        assert.equal(events.items[0].details.seq, head.seq);
        const good = (await t.app.inject({ method: 'POST', url: '/api/v1/audit/verify', headers: h, payload: { witnesses: [head] } })).json();
        assert.equal(good.ok, true, JSON.stringify(good.firstBad));
        assert.deepEqual([good.anchors.checked, good.witnesses.checked], [1, 1]);
        const forged = (await t.app.inject({ method: 'POST', url: '/api/v1/audit/verify', headers: h, payload: { witnesses: [{ ...head, seq: head.seq + 5 }] } })).json();
        assert.equal(forged.ok, false);
        assert.match(forged.firstBad.reason, /invalid signature/);
        const bad = await t.app.inject({ method: 'POST', url: '/api/v1/audit/verify', headers: h, payload: { witnesses: [{ seq: 1 }] } });
        assert.equal(bad.statusCode, 400);
        await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: h, payload: { username: 'a1', displayName: 'a', password: 'password-123', role: 'analyst' } });
        const ah = await login(t.app, 'a1', 'password-123');
        assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/audit/head', headers: ah })).statusCode, 403);
      } finally {
        await t.close();
      }
    });
  });
}

describe('anchor file writers in two processes', () => {
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-anchors-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) => new Promise<void>((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: process.env });
    let err = '';
    c.stderr.on('data', (d) => { err += d; });
    c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child ${args[0]} exited ${code}: ${err}`))));
  });

  test('concurrent appends do not split or interleave lines', async () => {
    const file = new AnchorFile(path.join(dir, 'lines.ndjson'));
    await Promise.all([run('lines', file.path, '1', '3000'), run('lines', file.path, '2', '3000')]);
    const read = (await file.read())!;
    assert.deepEqual(read.malformed, []);
    assert.equal(read.anchors.length, 6000);
    for (const tag of [1, 2]) {
      const seqs = read.anchors.map((a) => a.value.seq).filter((s) => Math.floor(s / 1_000_000) === tag);
      assert.deepEqual(seqs, Array.from({ length: 3000 }, (_, i) => tag * 1_000_000 + i + 1), `process ${tag}'s lines out of order or missing`);
    }
  });

  if (drivers().includes('pg')) {
    test('two servers sharing one database and data directory anchor every checkpoint, in whole lines', async () => {
      process.env.GOVHUB_AUDIT_CHECKPOINT_EVERY = '7';
      const p = await openTestPlatform('pg');
      try {
        await Promise.all([run('events', p.dir, p.schema!, '120'), run('events', p.dir, p.schema!, '120')]);
        const read = (await p.audit.anchors!.read())!;
        assert.deepEqual(read.malformed, []);
        const cps = await p.audit.checkpoints();
        assert.equal(cps.length, Math.floor(240 / 7));
        assert.deepEqual([...new Set(read.anchors.map((a) => a.value.seq))].sort((a, b) => a - b), cps.map((c) => c.seq));
        const res = await p.audit.verify();
        assert.equal(res.ok, true, JSON.stringify(res.firstBad));
        assert.equal(res.anchors.checked, cps.length);
      } finally {
        process.env.GOVHUB_AUDIT_CHECKPOINT_EVERY = '10';
        await p.close();
      }
    });
  }
});

for (const driver of drivers()) describe(`an upgraded platform: checkpoints but no anchor file yet (${driver})`, () => {
  test('the real CLI: verify cannot vouch for the end (exit 3) until the operator creates the file with anchors --init', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-upgrade-'));
    const cp = await childControlPlane(driver);
    const file = path.join(dir, 'keys', 'audit-anchors.ndjson');
    const open = () => openPlatform(loadConfig({ dataDir: dir, databaseUrl: cp.databaseUrl, adminPassword: ADMIN_PASSWORD }, {}), { log: pino({ level: 'silent' }) });
    try {
      let p = await open();
      await ensureAdmin(p);
      await populate(p, 12);
      await p.close();
      fs.rmSync(file); // as before anchors existed
      const env = { ...process.env, ...cp.env };
      expectExit(cli(dir, env, 'verify'), 3, /CANNOT VERIFY/);
      assert.equal(fs.existsSync(file), false, 'opening the platform must not re-create the file from the database');
      expectExit(cli(dir, env, 'anchors', '--init'), 0, /created .*audit-anchors\.ndjson\n.*\n {2}1 anchors, newest seq 10/);
      p = await open();
      try {
        expectReport(await verify(p), 0, /anchors: 1 checked/);
        await assert.rejects(p.audit.initAnchors(), /exists already/);
      } finally {
        await p.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await cp.drop();
    }
  });
});

for (const driver of drivers()) describe(`anchoring trusts the key, not the database (${driver})`, () => {
  test('a checkpoint row written into the database by hand, without the key, is never anchored', async () => {
    const p = await openTestPlatform(driver);
    try {
      await populate(p, 3);
      const row = { seq: 3, hash: (await p.db.one<{ hash: string }>('SELECT hash FROM audit_events WHERE seq = 3'))!.hash, ts: new Date().toISOString() };
      await p.db.query('INSERT INTO audit_checkpoints (seq, hash, ts, key_id, signature) VALUES ($1,$2,$3,$4,$5)', [row.seq, row.hash, row.ts, p.audit.key.keyId, Buffer.alloc(64).toString('base64')]);
      const log = new AuditLog(p.db, p.audit.key, { anchorFile: p.audit.anchors });
      assert.equal(await log.syncAnchors(), 0);
      assert.deepEqual(anchorLines(p.audit.anchors!.path), []);
    } finally {
      await p.close();
    }
  });
});
