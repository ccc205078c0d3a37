import path from 'node:path';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { datasetByCode } from '../../catalog/index.ts';
import { type Ctx, Problem, OWNER } from '../../kernel/index.ts';
import type { IngestJob } from '../../ingest/index.ts';
import { reportFailure, sourceCaller } from '../runner.ts';
import { brokerTarget, ConnectFailure, connectWithin, pinnedBroker, recordConnectFailure } from '../sourceConnect.ts';
import { emptyTally, runStore, type RunTally } from '../runs.ts';
import { saveState, sourceById, type StoredSource } from '../store.ts';
import type { MqttSettings } from '../types.ts';
import { SegmentWriter } from './SegmentWriter.ts';
import { HeldWrites } from './HeldWrites.ts';
import { SensorJournal } from './SensorJournal.ts';
import { journalLine, sensorRows, topicMatcher } from './sensorRows.ts';

/** Columns of the journal (the sensor dataset's fields). */
const COLUMNS = ['device', 'metric', 'value', 'time', 'payload'] as const;

/** Job ids a long-running sensor run keeps in its history record. */
const KEEP_JOB_IDS = 50;

export interface SensorStats {
  connected: boolean;
  /** Messages received (and journaled) since start. */
  received: number;
  /** Readings journaled since start (a message may hold several). */
  readings: number;
  /** Readings written to the lake since start (accepted + quarantined). */
  written: number;
  accepted: number;
  rejected: number;
  versions: number;
  /** Closed segments waiting to be written. */
  queued: number;
  lastError: string | null;
}

const message = (err: unknown) => (err instanceof Problem ? err.detail ?? err.message : err instanceof Error ? err.message : String(err));

/**
 * One MQTT sensor source at work: a persistent session (fixed client id, clean: false, QoS 1)
 * subscribed to the source's topic filters.
 *   - Each message is journaled (written and synced to disk, see SensorJournal) before its PUBACK
 *     leaves; a message not journaled is never acknowledged, so the broker delivers it again.
 *   - Every `batchSeconds` or `batchMessages` the open segment is written to the dataset through
 *     the ingest pipeline; the segment number commits with the version.
 *   - While the broker or govhub is away the broker keeps the session and its messages (within
 *     its own limits: Mosquitto's max_queued_messages); mqtt.js reconnects every second.
 * QoS 1 is at least once: a message whose PUBACK was lost (connection dropped) comes again and is
 * journaled twice; the dataset's key (device, metric, time) and the upsert keep one copy.
 */
export class SensorSubscriber {
  private client: MqttClient | null = null;
  private journal: SensorJournal;
  private writer: SegmentWriter | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Journal text of readings not yet written to the journal (their acknowledgements are held). */
  private pending = '';
  private pendingMessages = 0;
  /** The connection's writes, held until the readings they acknowledge are durable. */
  private held: HeldWrites | null = null;
  private flushScheduled = false;
  /** A journal sync is in flight (nothing rotates or closes the journal meanwhile). */
  private syncing = false;
  private rotateWanted = false;
  private idleWaiters: (() => void)[] = [];
  private runId: string | null = null;
  private tally: RunTally = emptyTally();
  private settings: MqttSettings;
  /** The broker's address, admitted by the target policy when the subscriber starts (reconnects go there too). */
  private address = '';
  private lastProgress = 0;
  private t0 = performance.now();
  readonly stats: SensorStats = { connected: false, received: 0, readings: 0, written: 0, accepted: 0, rejected: 0, versions: 0, queued: 0, lastError: null };

  constructor(
    private ctx: Ctx,
    private source: StoredSource & { settings: MqttSettings },
    private password: string,
  ) {
    this.settings = source.settings;
    this.journal = new SensorJournal(path.join(ctx.config.dataDir, 'ingest', 'sensors', source.id), COLUMNS.join('\t'));
  }

  get sourceId(): string {
    return this.source.id;
  }

  /** Readings journaled and not yet in the lake. */
  get backlog(): number {
    return this.stats.readings - this.stats.written;
  }

  async start(): Promise<void> {
    const ds = await datasetByCode(this.ctx.db, this.source.datasetCode);
    if (!ds) throw new Error(`dataset ${this.source.datasetCode} not found`);
    const { host, port } = brokerTarget(this.settings);
    try {
      this.address = await connectWithin(this.ctx, host, port, async (address) => address, () => {});
    } catch (err) {
      if (err instanceof ConnectFailure) await recordConnectFailure(this.ctx, sourceCaller(this.source), this.source.id, `${host}:${port}`, err);
      throw err;
    }
    const fresh = (await sourceById(this.ctx.db, this.source.id)) ?? this.source;
    const pending = this.journal.open(fresh.state.segment ?? 0);
    this.runId = await runStore.start(this.ctx.db, { sourceId: this.source.id, trigger: 'sensor', owner: OWNER, createdBy: null, cursorFrom: String(fresh.state.segment ?? 0) });
    this.writer = new SegmentWriter(this.ctx, this.source, ds, this.journal, COLUMNS, {
      onCommit: async (tx, last) => {
        if (this.runId) await runStore.tally(tx, this.runId, { ...this.tally, versions: this.tally.versions + 1, cursorTo: String(last) });
      },
      onWritten: (job, last) => this.written(job, last),
      onFailure: async (err, failures) => {
        this.stats.lastError = message(err);
        this.ctx.log.error({ source: this.source.name, err: this.stats.lastError }, 'sensor batch not written; will retry');
        if (failures === 1) await reportFailure(this.ctx, this.source, this.runId, this.stats.lastError);
      },
    });
    this.writer.add(...pending);
    this.connect(fresh.state as { topics?: string[] });
    const tick = Math.max(20, Math.min(250, (this.settings.batchSeconds ?? 5) * 250));
    this.timer = setInterval(() => this.tick(), tick);
  }

  /** A batch is done: count it in the stats and the run. */
  private async written(job: IngestJob, last: number): Promise<void> {
    const ok = job.status === 'succeeded';
    this.tally.rowsRead += job.rowsRead;
    this.tally.rowsAccepted += ok ? job.accepted : 0;
    this.tally.rowsRejected += job.rejected;
    this.tally.versions += ok ? 1 : 0;
    this.tally.jobIds = [...this.tally.jobIds, job.jobId].slice(-KEEP_JOB_IDS);
    this.tally.cursorTo = String(last);
    if (this.runId) await runStore.tally(this.ctx.db, this.runId, this.tally).catch(() => {});
    this.stats.written += job.rowsRead;
    this.stats.accepted += ok ? job.accepted : 0;
    this.stats.rejected += job.rejected;
    this.stats.versions += ok ? 1 : 0;
    this.stats.queued = this.writer?.queued ?? 0;
    this.stats.lastError = null;
  }

  private connect(state: { topics?: string[] }): void {
    const s = this.settings;
    const v5 = (s.protocolVersion ?? 5) === 5;
    const opts: IClientOptions = {
      clientId: s.clientId, clean: false, protocolVersion: s.protocolVersion ?? 5, username: s.username ?? undefined,
      password: this.password || undefined, reconnectPeriod: 1000, connectTimeout: this.ctx.config.sourceConnectTimeoutMs, keepalive: 30, resubscribe: false,
      ...pinnedBroker(s, this.address),
      properties: v5 ? { sessionExpiryInterval: 7 * 24 * 3600, receiveMaximum: 65535 } : undefined,
      log: () => {}, // not mqtt.js's debug tracing: a dozen calls per message
    };
    const client = mqtt.connect(s.url, opts);
    this.client = client;
    let subscribed = new Set(state.topics ?? []);
    client.on('connect', (connack) => {
      this.stats.connected = true;
      const wanted = new Set(s.topics);
      const stale = connack.sessionPresent ? [...subscribed].filter((t) => !wanted.has(t)) : [];
      const add = connack.sessionPresent ? s.topics.filter((t) => !subscribed.has(t)) : s.topics;
      if (stale.length) client.unsubscribe(stale);
      if (add.length) {
        client.subscribe(add, { qos: 1 }, (err) => {
          if (err) {
            this.stats.lastError = `subscribe: ${err.message}`;
            return;
          }
          subscribed = new Set(s.topics);
          void saveState(this.ctx.db, this.source.id, { topics: s.topics }).catch(() => {});
        });
      } else if (stale.length) {
        subscribed = wanted;
        void saveState(this.ctx.db, this.source.id, { topics: s.topics }).catch(() => {});
      }
    });
    client.on('close', () => {
      this.stats.connected = false;
    });
    client.on('error', (err) => {
      this.stats.lastError = message(err);
    });
    // Journal first, then acknowledge. mqtt.js sends each PUBACK when the callback runs; those
    // writes are held (HeldWrites) and let out, a burst at a time, once the burst's readings are
    // written to the journal and synced to disk — while the next burst is being received.
    const match = topicMatcher(s.topicTemplate);
    client.handleMessage = (packet: IPublishPacket, done: (err?: Error) => void) => {
      if (this.closed) return; // never acknowledged: the broker delivers it again next session
      const rows = sensorRows(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload), Date.now(), match);
      for (const r of rows) this.pending += journalLine(r);
      this.pendingMessages++;
      this.stats.received++;
      this.stats.readings += rows.length;
      const stream = client.stream;
      if (this.held?.stream !== stream) this.held = new HeldWrites(stream);
      this.held.hold();
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flushPending());
      }
      done();
    };
  }

  /** Write the readings received so far to the journal and sync it; their acknowledgements go out when it is durable. */
  private flushPending(): void {
    this.flushScheduled = false;
    if (this.syncing) return; // taken up when the sync in flight ends
    if (!this.pending) return;
    const held = this.held;
    if (!this.appendPending(held)) return;
    this.syncing = true;
    this.journal.sync((err) => {
      this.syncing = false;
      if (err) this.journalFailed(err, held);
      else {
        held?.release();
        if (!this.pending && held) {
          held.seal(); // writes that acknowledge nothing (a ping) go out too
          held.release();
        }
      }
      if (this.rotateWanted || this.journal.lines >= (this.settings.batchMessages ?? 10_000)) this.rotate();
      else if (this.pending) this.flushPending();
      for (const w of this.idleWaiters.splice(0)) w();
    });
  }

  /** Write the pending readings to the journal; their acknowledgements form a group, let out once it is durable. */
  private appendPending(held: HeldWrites | null): boolean {
    try {
      if (this.pending) this.journal.append(this.pending, this.pendingMessages);
    } catch (err) {
      this.journalFailed(err, held);
      return false;
    } finally {
      this.pending = '';
      this.pendingMessages = 0;
    }
    held?.seal();
    return true;
  }

  /** Not journaled, so not acknowledged: drop the connection; the broker delivers those messages again. */
  private journalFailed(err: unknown, held: HeldWrites | null): void {
    this.stats.lastError = `journal: ${message(err)}`;
    this.ctx.log.error({ source: this.source.name, err: this.stats.lastError }, 'sensor journal write failed');
    held?.fail(err instanceof Error ? err : new Error(String(err)));
  }

  /** Until no journal sync is in flight. */
  private async idle(): Promise<void> {
    while (this.syncing) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private tick(): void {
    if (this.journal.lines > 0 && performance.now() - this.journal.openedAt >= (this.settings.batchSeconds ?? 5) * 1000) this.rotate();
    const now = performance.now();
    if (this.runId && now - this.lastProgress > 5000) {
      this.lastProgress = now;
      const rate = Math.round(this.stats.received / Math.max((now - this.t0) / 1000, 0.001));
      void runStore.progress(this.ctx.db, this.runId, {
        stage: this.stats.connected ? 'receiving' : 'disconnected', rows: this.stats.received, rowsPerSecond: rate, at: new Date().toISOString(),
      }).catch(() => {});
    }
  }

  /** Close the open segment (its readings durable, their acknowledgements out) and queue it for the lake. */
  private rotate(): void {
    if (this.syncing) {
      this.rotateWanted = true;
      return;
    }
    this.rotateWanted = false;
    const held = this.held;
    if (!this.appendPending(held)) return;
    let seq: number | null;
    try {
      seq = this.journal.rotate(); // fsync
    } catch (err) {
      this.journalFailed(err, held);
      return;
    }
    held?.release();
    if (seq !== null) this.writer?.add(seq);
    this.stats.queued = this.writer?.queued ?? 0;
  }

  /** Everything received so far written (or given up after `timeoutMs`; what is left stays journaled). */
  async flush(timeoutMs = 60_000): Promise<boolean> {
    await this.idle();
    this.rotate();
    return this.writer ? this.writer.drain(timeoutMs) : true;
  }

  /** Disconnect (the broker keeps the session), write what was journaled, close the run. */
  async stop(timeoutMs = 60_000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.closed = true;
    await this.idle();
    this.rotate();
    await this.client?.endAsync().catch(() => {});
    this.stats.connected = false;
    await this.flush(timeoutMs);
    await this.writer?.close();
    this.journal.close();
    const left = this.writer?.queued ?? 0;
    if (this.runId) await runStore.finish(this.ctx.db, this.runId, 'succeeded', this.tally, left ? `${left} segment(s) left to write on the next start` : null).catch(() => {});
  }
}
