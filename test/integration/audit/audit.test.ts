import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../../src/kernel/index.ts';
import { PgDb, PgliteDb } from '../../../src/control/index.ts';
import { departments, ensureAdmin } from '../../../src/identity/index.ts';
import { openPlatform } from '../../../src/platform.ts';
import { ADMIN_PASSWORD, childControlPlane, drivers, openTestPlatform, SYSTEM, type TestPlatform } from '../../helpers/platform.ts';
import { login, openTestApp } from '../../helpers/server.ts';
import pino from 'pino';

async function addDepartments(p: TestPlatform, n: number, prefix = 'D') {
  for (let i = 0; i < n; i++) await departments.create(p, SYSTEM, { code: `${prefix}${i}`, name: `部门${i}`, regionCode: '330102' });
}

for (const driver of drivers()) {
  describe(`audit chain (${driver})`, () => {
    let p: TestPlatform;
    before(async () => {
      p = await openTestPlatform(driver);
      await addDepartments(p, 12);
    });
    after(() => p.close());

    test('every change appends a chained event and an intact chain verifies', async () => {
      const res = await p.audit.verify();
      assert.equal(res.ok, true, JSON.stringify(res.firstBad));
      assert.equal(res.checked, 12);
      const evs = await p.db.query<{ action: string; prev_hash: string; hash: string; seq: number }>('SELECT * FROM audit_events ORDER BY seq');
      assert.ok(evs.every((e) => e.action === 'department.create'));
      for (let i = 1; i < evs.length; i++) assert.equal(evs[i].prev_hash, evs[i - 1].hash);
    });

    test('an edited event is named as the first bad one', async () => {
      const before = await p.db.one<{ details: unknown }>('SELECT details FROM audit_events WHERE seq = 5');
      await p.db.query(`UPDATE audit_events SET details = '{"code":"D4","name":"篡改"}' WHERE seq = 5`);
      const res = await p.audit.verify();
      assert.equal(res.ok, false);
      assert.equal(res.firstBad!.seq, 5);
      assert.match(res.firstBad!.reason, /edited/);
      await p.db.query('UPDATE audit_events SET details = $1 WHERE seq = 5', [JSON.stringify(before!.details)]);
      assert.equal((await p.audit.verify()).ok, true);
    });

    test('a deleted event is detected at the gap', async () => {
      const row = await p.db.one<Record<string, unknown>>('SELECT * FROM audit_events WHERE seq = 7');
      await p.db.query('DELETE FROM audit_events WHERE seq = 7');
      const res = await p.audit.verify();
      assert.equal(res.ok, false);
      assert.equal(res.firstBad!.seq, 7);
      assert.match(res.firstBad!.reason, /missing/);
      // Renumbering the rest to hide the gap breaks the chain at the same place.
      await p.db.query('UPDATE audit_events SET seq = seq - 1 WHERE seq > 7');
      const res2 = await p.audit.verify();
      assert.equal(res2.ok, false);
      assert.equal(res2.firstBad!.seq, 7);
      assert.match(res2.firstBad!.reason, /prev_hash/);
      await p.db.query('UPDATE audit_events SET seq = -seq WHERE seq >= 7');
      await p.db.query('UPDATE audit_events SET seq = -seq + 1 WHERE seq < 0');
      const r = row!;
      await p.db.query(
        `INSERT INTO audit_events (seq,id,ts,actor_id,actor_name,actor_department_id,action,object_type,object_id,department_id,subject_keys,details,prev_hash,hash)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
        [r.seq, r.id, r.ts, r.actor_id, r.actor_name, r.actor_department_id, r.action, r.object_type, r.object_id, r.department_id, r.subject_keys, JSON.stringify(r.details), r.prev_hash, r.hash]);
      assert.equal((await p.audit.verify()).ok, true);
    });

    test('an inserted event is detected', async () => {
      // Forge an event after seq 3 with a correctly computed own hash, shifting the rest up.
      await p.db.query('UPDATE audit_events SET seq = -seq WHERE seq > 3');
      await p.db.query('UPDATE audit_events SET seq = -seq + 1 WHERE seq < 0');
      const prev = await p.db.one<{ hash: string }>('SELECT hash FROM audit_events WHERE seq = 3');
      const { eventHash } = await import('../../../src/audit/index.ts');
      const forged = { seq: 4, id: '01900000-0000-7000-8000-000000000000', ts: new Date().toISOString(), actorId: null, actorName: 'intruder', actorDepartmentId: null, action: 'data.read', objectType: 'dataset', objectId: 'X', departmentId: null, subjectKeys: [], details: {} };
      await p.db.query(
        `INSERT INTO audit_events (seq,id,ts,actor_id,actor_name,actor_department_id,action,object_type,object_id,department_id,subject_keys,details,prev_hash,hash)
         VALUES ($1,$2,$3,NULL,$4,NULL,$5,$6,$7,NULL,'{}','{}',$8,$9)`,
        [4, forged.id, forged.ts, forged.actorName, forged.action, forged.objectType, forged.objectId, prev!.hash, eventHash(prev!.hash, forged)]);
      const res = await p.audit.verify();
      assert.equal(res.ok, false);
      assert.equal(res.firstBad!.seq, 5, 'the event after the forged one no longer links');
      await p.db.query('DELETE FROM audit_events WHERE seq = 4');
      await p.db.query('UPDATE audit_events SET seq = -seq WHERE seq > 4');
      await p.db.query('UPDATE audit_events SET seq = -seq - 1 WHERE seq < 0');
      assert.equal((await p.audit.verify()).ok, true);
    });

    test('signed checkpoints catch removal from the end and a rewritten chain', async () => {
      const cp = await p.audit.checkpoint();
      assert.ok(cp);
      const last = await p.db.one<Record<string, unknown>>('SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1');
      await p.db.query('DELETE FROM audit_events WHERE seq = $1', [last!.seq]);
      const res = await p.audit.verify();
      assert.equal(res.ok, false);
      assert.match(res.firstBad!.reason, /missing/);
      // A forged signature fails too.
      await p.db.query(`UPDATE audit_checkpoints SET signature = $1 WHERE seq = $2`, [Buffer.alloc(64).toString('base64'), cp!.seq]);
      assert.match((await p.audit.verify()).firstBad!.reason, /signature|missing/);
    });
  });
}

for (const driver of drivers()) describe(`audit over HTTP (${driver})`, () => {
  test('audit page API: list, verify, export with the public key', async () => {
    const t = await openTestApp(driver);
    try {
      const h = await login(t.app);
      await t.app.inject({ method: 'POST', url: '/api/v1/departments', headers: h, payload: { code: 'CG', name: '城管局', regionCode: '330102' } });
      const list = (await t.app.inject({ method: 'GET', url: '/api/v1/audit/events?action=department', headers: h })).json();
      assert.equal(list.items[0].action, 'department.create');
      const v = await t.app.inject({ method: 'POST', url: '/api/v1/audit/verify', headers: h });
      assert.equal(v.json().ok, true);
      const exp = await t.app.inject({ method: 'GET', url: '/api/v1/audit/export', headers: h });
      const lines = exp.body.trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(lines[0].kind, 'header');
      assert.match(lines[0].publicKey, /BEGIN PUBLIC KEY/);
      assert.ok(lines.some((l) => l.kind === 'event' && l.action === 'department.create'));
      assert.ok(lines.some((l) => l.kind === 'checkpoint'));
      const officer = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: h, payload: { username: 'o1', displayName: 'o', password: 'password-123', role: 'analyst' } });
      assert.equal(officer.statusCode, 201);
      const oh = await login(t.app, 'o1', 'password-123');
      assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/audit/verify', headers: oh })).statusCode, 403);
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/audit/export', headers: oh })).statusCode, 403);
    } finally {
      await t.close();
    }
  });
});

for (const driver of drivers()) describe(`govhub audit verify (CLI, ${driver})`, () => {
  test('exits 0 on an intact chain and non-zero naming the first bad event after tampering', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-cli-'));
    const cp = await childControlPlane(driver);
    try {
      const p = await openPlatform(loadConfig({ dataDir: dir, databaseUrl: cp.databaseUrl, adminPassword: ADMIN_PASSWORD }, {}), { log: pino({ level: 'silent' }) });
      await ensureAdmin(p);
      for (let i = 0; i < 5; i++) await departments.create(p, SYSTEM, { code: `C${i}`, name: `部门${i}`, regionCode: '330102' });
      await p.close();
      const cli = () => spawnSync(process.execPath, ['bin/govhub.mjs', 'audit', 'verify', '--data-dir', dir], { encoding: 'utf8', env: { ...process.env, ...cp.env } });
      const ok = cli();
      assert.equal(ok.status, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /OK: 6 events/);
      const db = cp.databaseUrl ? await PgDb.open(cp.databaseUrl) : await PgliteDb.open(path.join(dir, 'control'));
      await db.query(`UPDATE audit_events SET actor_name = 'someone-else' WHERE seq = 3`);
      await db.close();
      const bad = cli();
      assert.notEqual(bad.status, 0);
      assert.match(bad.stdout, /first bad event seq=3/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await cp.drop();
    }
  });
});
