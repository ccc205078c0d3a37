import type { Logger } from 'pino';
import type { Db, Queryable } from '../control/index.ts';
import { type Caller, newId } from '../kernel/index.ts';
import { AnchorFile } from './AnchorFile.ts';
import { eventHash, GENESIS_HASH, type AuditEvent, type ChainedEvent } from './chain.ts';
import { HEAD_FORMAT, type Located, type SignedCheckpoint, type SignedHead } from './heads.ts';
import { AuditKey } from './keys.ts';
import type { AuditSettings } from './settings.ts';
import { verifyChain, type VerifyResult } from './verifyChain.ts';

export type { AuditEvent } from './chain.ts';
export type { VerifyResult } from './verifyChain.ts';

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

export interface AuditLogOptions {
  /** Where signed checkpoints are anchored outside the database; null: nowhere. */
  anchorFile?: AnchorFile | null;
  checkpointEvery?: number;
  /** Sign the head every this many seconds when it moved (0 = only by count and on demand). */
  checkpointSeconds?: number;
  log?: Logger;
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

interface CheckpointRow {
  seq: number;
  hash: string;
  ts: Date | string;
  key_id: string;
  signature: string;
}

const LOCK = 74110001; // advisory lock id serialising appends
/** Events one group commit writes at most. */
const GROUP_MAX = 256;
const ANCHOR_LOCK = 'govhub-audit-anchors'; // serialises anchor writers, across servers on PostgreSQL
/** After a checkpoint signed in a caller's transaction: look for its commit this long after, then longer. */
const ANCHOR_RETRY_MS = [50, 250, 1000, 5000, 30_000];

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

const rowToCheckpoint = (c: CheckpointRow): SignedCheckpoint =>
  ({ seq: Number(c.seq), hash: c.hash, ts: new Date(c.ts).toISOString(), keyId: c.key_id, signature: c.signature });

/**
 * The hash-chained audit log (留痕): append, checkpoint, verify, export.
 *
 * Signed checkpoints are also appended to an anchor file outside the database, but only once their
 * transaction has committed: a checkpoint signed inside a caller's transaction is anchored by a
 * sync that reads committed checkpoints only (right after `record`, shortly after `append`, at
 * `checkpoint()`, on the timer and at close). A rolled-back checkpoint is never seen, so never anchored.
 */
export class AuditLog {
  readonly anchors: AnchorFile | null;
  private readonly every: number;
  private readonly seconds: number;
  private readonly log?: Logger;
  /** Highest checkpoint seq this process signed that is not yet known to be anchored. */
  private pendingSeq = 0;
  private retry: NodeJS.Timeout | null = null;
  private retryStep = 0;
  private ticker: NodeJS.Timeout | null = null;
  private ticking = false;
  private closed = false;
  private missingLogged = false;
  private inflight = new Set<Promise<unknown>>();
  private group: { caller: Caller; input: AuditInput; also?: (tx: Queryable) => Promise<unknown>; resolve: (v: { event: AuditEvent; result: unknown }) => void; reject: (err: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private db: Db,
    readonly key: AuditKey,
    opts: AuditLogOptions = {},
  ) {
    this.anchors = opts.anchorFile ?? null;
    this.every = opts.checkpointEvery ?? 100;
    this.seconds = opts.checkpointSeconds ?? 0;
    this.log = opts.log;
  }

  /** The key from its file, the anchor file beside it (created empty on a platform without checkpoints). */
  static async open(db: Db, settings: AuditSettings, log?: Logger): Promise<AuditLog> {
    const audit = new AuditLog(db, AuditKey.loadOrCreate(settings.keyFile), {
      anchorFile: new AnchorFile(settings.anchorFile),
      checkpointEvery: settings.checkpointEvery,
      checkpointSeconds: settings.checkpointSeconds,
      log,
    });
    if (!audit.anchors!.exists()) {
      if (await audit.checkpointCount() === 0) await audit.anchors!.create();
      else audit.warnMissingAnchors();
    }
    return audit;
  }

  /** Append inside the caller's transaction, so a change and its audit event commit together. */
  async append(tx: Queryable, caller: Caller, input: AuditInput): Promise<AuditEvent> {
    return (await this.appendEvent(tx, caller, input)).event;
  }

  private async appendEvent(tx: Queryable, caller: Caller, input: AuditInput): Promise<{ event: AuditEvent; signed: boolean }> {
    const [event] = await this.appendEvents(tx, [{ caller, input }]);
    return { event: event!, signed: event!.seq % this.every === 0 };
  }

  /**
   * Append events in order, in one statement: one lock, one read of the head, one multi-row insert;
   * each event chained to the one before it. Checkpoints are signed where a seq falls on the interval.
   */
  private async appendEvents(tx: Queryable, items: { caller: Caller; input: AuditInput }[]): Promise<AuditEvent[]> {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK]);
    const head = await tx.one<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
    let prevHash = head?.hash ?? GENESIS_HASH;
    let seq = head ? Number(head.seq) : 0;
    const events: AuditEvent[] = [];
    const values: unknown[] = [];
    const rows: string[] = [];
    for (const { caller, input } of items) {
      const ev: ChainedEvent = {
        seq: ++seq,
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
      const at = values.length;
      rows.push(`(${Array.from({ length: 14 }, (_, i) => `$${at + i + 1}`).join(',')})`);
      values.push(ev.seq, ev.id, ev.ts, ev.actorId, ev.actorName, ev.actorDepartmentId, ev.action, ev.objectType, ev.objectId,
        ev.departmentId, ev.subjectKeys, JSON.stringify(ev.details), prevHash, hash);
      events.push({ ...ev, prevHash, hash });
      prevHash = hash;
    }
    await tx.query(
      `INSERT INTO audit_events (seq, id, ts, actor_id, actor_name, actor_department_id, action, object_type, object_id,
         department_id, subject_keys, details, prev_hash, hash) VALUES ${rows.join(', ')}`,
      values,
    );
    for (const ev of events) {
      if (ev.seq % this.every !== 0) continue;
      await this.signCheckpoint(tx, ev.seq, ev.hash);
      // Not anchored here: this transaction may still roll back. Look for its commit shortly.
      this.pendingSeq = Math.max(this.pendingSeq, ev.seq);
      this.anchorSoon(true);
    }
    this.startTicker();
    return events;
  }

  /**
   * Record an event together with `also` (statements that must commit with it), grouped with the
   * records of concurrent callers into one transaction (group commit): under load, one lock, one
   * head read and one insert serve many reads. Resolves once the group has committed.
   */
  recordGrouped<T>(caller: Caller, input: AuditInput, also?: (tx: Queryable) => Promise<T>): Promise<{ event: AuditEvent; result: T | undefined }> {
    return new Promise((resolve, reject) => {
      this.group.push({ caller, input, also: also as ((tx: Queryable) => Promise<unknown>) | undefined, resolve: resolve as (v: { event: AuditEvent; result: unknown }) => void, reject });
      this.flushing ??= this.flushGroups().finally(() => (this.flushing = null));
    });
  }

  private async flushGroups(): Promise<void> {
    // let the callers of this turn of the event loop join the first group
    await new Promise((ok) => setImmediate(ok));
    while (this.group.length) {
      const batch = this.group.splice(0, GROUP_MAX);
      try {
        const out = await this.db.transaction(async (tx) => {
          const events = await this.appendEvents(tx, batch);
          const results: unknown[] = [];
          for (const item of batch) results.push(item.also ? await item.also(tx) : undefined);
          return events.map((event, i) => ({ event, result: results[i] }));
        });
        if (out.some(({ event }) => event.seq % this.every === 0)) await this.syncAnchors().catch((err) => this.log?.error({ err }, 'audit: anchoring the signed checkpoint failed'));
        batch.forEach((item, i) => item.resolve(out[i]!));
      } catch (err) {
        for (const item of batch) item.reject(err);
      }
    }
  }

  /** Append in a transaction of its own (reads, logins, anything that changes no other row). */
  async record(caller: Caller, input: AuditInput): Promise<AuditEvent> {
    const { event, signed } = await this.db.transaction((tx) => this.appendEvent(tx, caller, input));
    if (signed) await this.syncAnchors().catch((err) => this.log?.error({ err }, 'audit: anchoring the signed checkpoint failed'));
    return event;
  }

  private async signCheckpoint(q: Queryable, seq: number, hash: string) {
    const ts = new Date().toISOString();
    await q.query(
      `INSERT INTO audit_checkpoints (seq, hash, ts, key_id, signature) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (seq) DO NOTHING`,
      [seq, hash, ts, this.key.keyId, this.key.sign(seq, hash, ts)],
    );
  }

  /** Sign a checkpoint at the current head (on demand, at shutdown, before export) and anchor it. */
  async checkpoint(): Promise<{ seq: number; hash: string } | null> {
    const cp = await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK]);
      const head = await tx.one<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
      if (!head) return null;
      await this.signCheckpoint(tx, Number(head.seq), head.hash);
      return { seq: Number(head.seq), hash: head.hash };
    });
    await this.syncAnchors();
    return cp;
  }

  async checkpoints(): Promise<SignedCheckpoint[]> {
    return (await this.db.query<CheckpointRow>('SELECT seq, hash, ts, key_id, signature FROM audit_checkpoints ORDER BY seq')).map(rowToCheckpoint);
  }

  private async checkpointCount(): Promise<number> {
    return Number((await this.db.one<{ n: number }>('SELECT count(*)::int AS n FROM audit_checkpoints'))?.n ?? 0);
  }

  /**
   * Append to the anchor file every committed checkpoint newer than its newest anchor that carries
   * a valid signature of this key (a row written into the database by hand has none). Serialised
   * across processes by a control-plane lock; returns how many lines were appended.
   */
  syncAnchors(): Promise<number> {
    const anchors = this.anchors;
    if (!anchors) return Promise.resolve(0);
    return this.track(this.db.withLock(ANCHOR_LOCK, async () => {
      if (!anchors.exists()) {
        this.warnMissingAnchors();
        return 0;
      }
      const last = (await anchors.newest((cp) => this.key.signed(cp)))?.seq ?? 0;
      const rows = await this.db.query<CheckpointRow>('SELECT seq, hash, ts, key_id, signature FROM audit_checkpoints WHERE seq > $1 ORDER BY seq', [last]);
      const good: SignedCheckpoint[] = [];
      for (const cp of rows.map(rowToCheckpoint)) {
        if (this.key.signed(cp)) good.push(cp);
        else this.log?.error({ seq: cp.seq }, 'audit: a checkpoint in the database has no valid signature of this key (written there by hand); not anchored');
      }
      await anchors.append(good);
      if ((good.at(-1)?.seq ?? last) >= this.pendingSeq) this.pendingSeq = 0;
      return good.length;
    }));
  }

  private warnMissingAnchors() {
    if (this.missingLogged) return;
    this.missingLogged = true;
    this.log?.error({ anchorFile: this.anchors?.path },
      'audit: the anchor file is missing while the database holds signed checkpoints; nothing is anchored until an operator points GOVHUB_AUDIT_ANCHOR_FILE at it, or (right after an upgrade) runs govhub audit anchors --init');
  }

  /** Keep track of background work so close() can wait for it. */
  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => {});
    return p;
  }

  /** Sync soon, and again later while a checkpoint this process signed is not anchored (its transaction may be long). */
  private anchorSoon(restart = false) {
    if (this.closed || !this.anchors) return;
    if (restart) {
      if (this.retry) clearTimeout(this.retry);
      this.retry = null;
      this.retryStep = 0;
    }
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!this.pendingSeq) return; // anchored meanwhile (by record, checkpoint or another sync)
      void this.syncAnchors()
        .catch((err) => this.log?.error({ err }, 'audit: anchoring signed checkpoints failed'))
        .then(() => {
          if (this.pendingSeq && ++this.retryStep < ANCHOR_RETRY_MS.length) this.anchorSoon();
        });
    }, ANCHOR_RETRY_MS[this.retryStep]).unref();
  }

  /** Every `seconds`, sign the head if it moved since the newest checkpoint: bounds the unsigned tail in time. */
  private startTicker() {
    if (this.ticker || this.closed || !this.seconds) return;
    this.ticker = setInterval(() => {
      if (this.ticking || this.closed) return;
      this.ticking = true;
      void this.track((async () => {
        const r = await this.db.one<{ head: number | null; cp: number | null }>(
          'SELECT (SELECT max(seq) FROM audit_events) AS head, (SELECT max(seq) FROM audit_checkpoints) AS cp');
        if (r?.head && Number(r.head) > Number(r.cp ?? 0)) await this.checkpoint();
        else if (this.pendingSeq) await this.syncAnchors();
      })().catch((err) => this.log?.error({ err }, 'audit: timed checkpoint failed')).finally(() => { this.ticking = false; }));
    }, this.seconds * 1000).unref();
  }

  /** Stop the timers, finish background work and anchor what this process signed. Call before closing the database. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.ticker) clearInterval(this.ticker);
    this.retry = this.ticker = null;
    if (this.flushing) await this.flushing;
    await Promise.allSettled([...this.inflight]);
    if (this.pendingSeq) await this.syncAnchors().catch((err) => this.log?.error({ err }, 'audit: anchoring at close failed'));
  }

  /** The newest anchored checkpoint as a signed head a witness can keep, or null when nothing is anchored. */
  async head(): Promise<SignedHead | null> {
    const cp = await this.anchors?.newest((c) => this.key.signed(c));
    return cp ? { format: HEAD_FORMAT, ...cp, publicKey: this.key.publicPem } : null;
  }

  /**
   * Create a missing anchor file from the database's checkpoints, once the chain verifies against
   * them (trust on first use, for a platform upgraded from before anchors). Refuses when the file exists.
   */
  async initAnchors(): Promise<VerifyResult> {
    if (!this.anchors) throw new Error('audit: no anchor file configured');
    if (this.anchors.exists()) throw new Error(`audit anchor file ${this.anchors.path} exists already; nothing to initialise`);
    const res = await this.verify(undefined, { anchorFile: false });
    if (!res.ok) return res;
    await this.anchors.create();
    this.missingLogged = false;
    await this.syncAnchors();
    return this.verify();
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
   * Walk the whole chain and check it against the stored checkpoints, the anchor file (this
   * platform's, another one named by `anchorFile`, or none with `false`) and any witnessed heads.
   */
  async verify(onProgress?: (checked: number) => void, opts: { anchorFile?: string | false; witnesses?: Located<SignedHead>[] } = {}): Promise<VerifyResult> {
    const checkpoints = await this.checkpoints();
    const file = opts.anchorFile === false ? null : opts.anchorFile ? new AnchorFile(opts.anchorFile) : this.anchors;
    const anchors = file ? { source: file.path, read: await file.read() } : null;
    return verifyChain(this.events(), { key: this.key, checkpoints, anchors, witnesses: opts.witnesses ?? [] }, onProgress);
  }
}
