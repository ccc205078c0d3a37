import type { Db, Queryable } from '../control/index.ts';
import type { Caller } from '../context.ts';
import { newId } from '../ids.ts';
import { eventHash, GENESIS_HASH, type ChainedEvent } from './chain.ts';
import { AuditKey } from './keys.ts';

/** What a caller records: the action and the object it touched. */
export interface AuditInput {
  action: string;
  objectType: string;
  objectId?: string | null;
  departmentId?: string | null;
  /** Keys (pseudonymised) of the people or enterprises whose records were touched. */
  subjectKeys?: string[];
  details?: Record<string, unknown>;
}

export interface AuditEvent extends ChainedEvent {
  prevHash: string;
  hash: string;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  headSeq: number;
  headHash: string;
  checkpoints: { checked: number; latestSeq: number | null };
  firstBad?: { seq: number; id: string | null; reason: string };
}

interface EventRow {
  seq: number;
  id: string;
  ts: Date | string;
  actor_id: string | null;
  actor_name: string;
  actor_department_id: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  department_id: string | null;
  subject_keys: string[] | null;
  details: Record<string, unknown> | string;
  prev_hash: string;
  hash: string;
}

const LOCK = 74110001; // advisory lock id serialising appends

export function rowToEvent(r: EventRow): AuditEvent {
  return {
    seq: Number(r.seq),
    id: r.id,
    ts: new Date(r.ts).toISOString(),
    actorId: r.actor_id,
    actorName: r.actor_name,
    actorDepartmentId: r.actor_department_id,
    action: r.action,
    objectType: r.object_type,
    objectId: r.object_id,
    departmentId: r.department_id,
    subjectKeys: r.subject_keys ?? [],
    details: typeof r.details === 'string' ? JSON.parse(r.details) : r.details,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

function chained(e: AuditEvent): ChainedEvent {
  const { prevHash: _p, hash: _h, ...rest } = e;
  return rest;
}

/** The hash-chained audit log (留痕): append, checkpoint, verify, export. */
export class AuditLog {
  constructor(
    private db: Db,
    readonly key: AuditKey,
    private checkpointEvery = 100,
  ) {}

  /** Append inside the caller's transaction, so a change and its audit event commit together. */
  async append(tx: Queryable, caller: Caller, input: AuditInput): Promise<AuditEvent> {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK]);
    const head = await tx.one<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
    const prevHash = head?.hash ?? GENESIS_HASH;
    const ev: ChainedEvent = {
      seq: (head ? Number(head.seq) : 0) + 1,
      id: newId(),
      ts: new Date().toISOString(),
      actorId: caller.id,
      actorName: caller.username,
      actorDepartmentId: caller.departmentId,
      action: input.action,
      objectType: input.objectType,
      objectId: input.objectId ?? null,
      departmentId: input.departmentId ?? null,
      subjectKeys: input.subjectKeys ?? [],
      // Round-trip through JSON so what is hashed is exactly what is stored.
      details: JSON.parse(JSON.stringify(input.details ?? {})),
    };
    const hash = eventHash(prevHash, ev);
    await tx.query(
      `INSERT INTO audit_events (seq, id, ts, actor_id, actor_name, actor_department_id, action, object_type, object_id,
         department_id, subject_keys, details, prev_hash, hash)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
      [ev.seq, ev.id, ev.ts, ev.actorId, ev.actorName, ev.actorDepartmentId, ev.action, ev.objectType, ev.objectId,
        ev.departmentId, ev.subjectKeys, JSON.stringify(ev.details), prevHash, hash],
    );
    if (ev.seq % this.checkpointEvery === 0) await this.signCheckpoint(tx, ev.seq, hash);
    return { ...ev, prevHash, hash };
  }

  /** Append in a transaction of its own (reads, logins, anything that changes no other row). */
  record(caller: Caller, input: AuditInput): Promise<AuditEvent> {
    return this.db.transaction((tx) => this.append(tx, caller, input));
  }

  private async signCheckpoint(q: Queryable, seq: number, hash: string) {
    const ts = new Date().toISOString();
    await q.query(
      `INSERT INTO audit_checkpoints (seq, hash, ts, key_id, signature) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (seq) DO NOTHING`,
      [seq, hash, ts, this.key.keyId, this.key.sign(seq, hash, ts)],
    );
  }

  /** Sign a checkpoint at the current head (on demand, at shutdown, before export). */
  async checkpoint(): Promise<{ seq: number; hash: string } | null> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK]);
      const head = await tx.one<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
      if (!head) return null;
      await this.signCheckpoint(tx, Number(head.seq), head.hash);
      return { seq: Number(head.seq), hash: head.hash };
    });
  }

  /** Events in seq order, a page at a time. */
  async *events(batch = 5000): AsyncGenerator<AuditEvent> {
    let after = 0;
    for (;;) {
      const rows = await this.db.query<EventRow>('SELECT * FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2', [after, batch]);
      for (const r of rows) yield rowToEvent(r);
      if (rows.length < batch) return;
      after = Number(rows[rows.length - 1].seq);
    }
  }

  /**
   * Walk the whole chain: contiguous seq from 1, each prev_hash equal to the previous hash, each hash
   * recomputed; then every signed checkpoint must verify and match the event at its seq.
   * Reports the first bad event.
   */
  async verify(onProgress?: (checked: number) => void, publicKey: AuditKey = this.key): Promise<VerifyResult> {
    let prevHash = GENESIS_HASH;
    let expectSeq = 1;
    let checked = 0;
    const hashes = new Map<number, string>();
    const cps = await this.db.query<{ seq: number; hash: string; ts: Date | string; key_id: string; signature: string }>(
      'SELECT * FROM audit_checkpoints ORDER BY seq',
    );
    const cpSeqs = new Set(cps.map((c) => Number(c.seq)));
    const fail = (seq: number, id: string | null, reason: string): VerifyResult => ({
      ok: false, checked, headSeq: expectSeq - 1, headHash: prevHash,
      checkpoints: { checked: 0, latestSeq: cps.length ? Number(cps[cps.length - 1].seq) : null },
      firstBad: { seq, id, reason },
    });
    for await (const e of this.events()) {
      if (e.seq !== expectSeq) return fail(expectSeq, e.seq > expectSeq ? null : e.id, `missing or reordered event: expected seq ${expectSeq}, found ${e.seq}`);
      if (e.prevHash !== prevHash) return fail(e.seq, e.id, 'prev_hash does not match the previous event (an event before it was removed, inserted or changed)');
      if (eventHash(prevHash, chained(e)) !== e.hash) return fail(e.seq, e.id, 'hash does not match the event content (event edited)');
      if (cpSeqs.has(e.seq)) hashes.set(e.seq, e.hash);
      prevHash = e.hash;
      expectSeq++;
      checked++;
      if (onProgress && checked % 1000 === 0) onProgress(checked);
    }
    for (const c of cps) {
      const seq = Number(c.seq);
      const ts = new Date(c.ts).toISOString();
      if (!publicKey.verify(seq, c.hash, ts, c.signature)) return fail(seq, null, `checkpoint at seq ${seq} has an invalid signature`);
      if (seq >= expectSeq) return fail(seq, null, `checkpoint at seq ${seq} names an event that is missing (events were removed from the end)`);
      if (hashes.get(seq) !== c.hash) return fail(seq, null, `checkpoint at seq ${seq} does not match the chain (chain rewritten)`);
    }
    onProgress?.(checked);
    return {
      ok: true, checked, headSeq: expectSeq - 1, headHash: prevHash,
      checkpoints: { checked: cps.length, latestSeq: cps.length ? Number(cps[cps.length - 1].seq) : null },
    };
  }
}
