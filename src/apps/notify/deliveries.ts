/**
 * Deliveries (投递): text messages and webhook calls, kept in the control plane until they are
 * sent or given up. A ticker takes the due ones (a lease keeps two servers off the same one),
 * sends each through its channel's sender, and on failure sets the next attempt after a doubling
 * wait; after GOVHUB_WEBHOOK_ATTEMPTS attempts, or at once on a failure that cannot pass later
 * (a host not allowed, a 4xx answer), the delivery is marked failed. A process that stops leaves
 * the rest in the table; the next one resumes them.
 */
import type { Queryable } from '../../control/index.ts';
import { type Ctx, iso, newId } from '../../kernel/index.ts';
import { senderFor } from './senders.ts';
import { backoff, notifySettings } from './settings.ts';
import type { Channel, SendResult } from './types.ts';
import { webhookRefusal } from './WebhookSender.ts';

export type DeliveryStatus = 'pending' | 'sent' | 'failed';

export interface DeliveryInput {
  channel: Exclude<Channel, 'inbox'>;
  target: string;
  payload: Record<string, unknown>;
  /** What the delivery is for: `{ type: 'push_notice', id }`, `{ type: 'finding', id }` … */
  ref?: { type: string; id: string } | null;
}

export interface Delivery {
  id: string;
  channel: Exclude<Channel, 'inbox'>;
  target: string;
  ref: { type: string; id: string } | null;
  status: DeliveryStatus;
  attempts: number;
  maxAttempts: number;
  nextAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

interface Row {
  id: string; channel: Delivery['channel']; target: string; payload: Record<string, unknown>; ref_type: string | null; ref_id: string | null;
  status: DeliveryStatus; attempts: number; max_attempts: number; next_at: Date | null; last_status: number | null; last_error: string | null;
  created_at: Date; sent_at: Date | null;
}

const toDelivery = (r: Row): Delivery => ({
  id: r.id, channel: r.channel, target: r.target, ref: r.ref_type && r.ref_id ? { type: r.ref_type, id: r.ref_id } : null,
  status: r.status, attempts: Number(r.attempts), maxAttempts: Number(r.max_attempts), nextAt: iso(r.next_at), lastStatus: r.last_status === null ? null : Number(r.last_status),
  lastError: r.last_error, createdAt: iso(r.created_at)!, sentAt: iso(r.sent_at),
});

/** How many due deliveries one tick takes. */
const BATCH = 20;

export const deliveries = {
  /**
   * Queue a delivery (in the caller's transaction when `q` is given, so it commits with what caused it).
   * A webhook to a host outside GOVHUB_WEBHOOK_HOSTS is recorded as failed at once and never called.
   */
  async enqueue(ctx: Ctx, input: DeliveryInput, q: Queryable = ctx.db): Promise<Delivery> {
    const s = notifySettings(ctx);
    const refused = input.channel === 'webhook' ? webhookRefusal(input.target, s.webhookHosts) : null;
    const id = newId();
    const row = await q.one<Row>(
      `INSERT INTO deliveries (id, channel, target, payload, ref_type, ref_id, status, attempts, max_attempts, next_at, last_error, created_at, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,0,$8,$9,$10, now(), now()) RETURNING *`,
      [id, input.channel, input.target, JSON.stringify(input.payload), input.ref?.type ?? null, input.ref?.id ?? null,
        refused ? 'failed' : 'pending', s.attempts, refused ? null : new Date().toISOString(), refused],
    );
    if (refused) ctx.log.warn({ delivery: id, reason: refused }, 'notify: webhook refused');
    return toDelivery(row!);
  },

  async get(ctx: Ctx, id: string): Promise<Delivery | undefined> {
    const r = await ctx.db.one<Row>('SELECT * FROM deliveries WHERE id = $1', [id]);
    return r && toDelivery(r);
  },

  /** The deliveries made for one object (a notice, a finding), oldest first. */
  async of(ctx: Ctx, ref: { type: string; id: string }, q: Queryable = ctx.db): Promise<Delivery[]> {
    return (await q.query<Row>('SELECT * FROM deliveries WHERE ref_type = $1 AND ref_id = $2 ORDER BY created_at, id', [ref.type, ref.id])).map(toDelivery);
  },

  /** Send what is due now (one batch); the number of attempts made. */
  async runDue(ctx: Ctx): Promise<number> {
    const s = notifySettings(ctx);
    const leaseMs = s.timeoutMs + 30_000;
    const due = await ctx.db.query<Row>(
      `UPDATE deliveries SET lease_until = now() + ($1 * interval '1 millisecond'), updated_at = now()
        WHERE id IN (SELECT id FROM deliveries WHERE status = 'pending' AND next_at <= now() AND (lease_until IS NULL OR lease_until < now())
                     ORDER BY next_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [leaseMs],
    );
    await Promise.all(due.map(async (d) => {
      let result: SendResult;
      try {
        result = await senderFor(ctx, d.channel).send({ id: d.id, channel: d.channel, target: d.target, payload: d.payload });
      } catch (err) {
        result = { ok: false, error: String((err as Error).message ?? err).slice(0, 500) };
      }
      await record(ctx, d, result);
    }));
    return due.length;
  },
};

async function record(ctx: Ctx, d: Row, result: SendResult): Promise<void> {
  const attempts = Number(d.attempts) + 1;
  if (result.ok) {
    await ctx.db.query(
      `UPDATE deliveries SET status = 'sent', attempts = $2, sent_at = now(), last_status = $3, last_error = NULL, next_at = NULL, lease_until = NULL, updated_at = now() WHERE id = $1`,
      [d.id, attempts, result.status ?? null],
    );
    return;
  }
  const giveUp = result.permanent || attempts >= Number(d.max_attempts);
  const next = giveUp ? null : new Date(Date.now() + backoff(notifySettings(ctx), attempts)).toISOString();
  await ctx.db.query(
    `UPDATE deliveries SET status = $2, attempts = $3, next_at = $4, last_status = $5, last_error = $6, lease_until = NULL, updated_at = now() WHERE id = $1`,
    [d.id, giveUp ? 'failed' : 'pending', attempts, next, result.status ?? null, result.error],
  );
  if (giveUp) ctx.log.warn({ delivery: d.id, channel: d.channel, attempts, error: result.error }, 'notify: delivery given up');
}

/**
 * The delivery ticker: every GOVHUB_DELIVERY_POLL_MS, sends what is due (batch after batch while
 * there is more). `stop()` waits for the attempt in flight.
 */
export function startDeliveries(ctx: Ctx): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = (async () => {
      try {
        while (!stopped && (await deliveries.runDue(ctx)) === BATCH);
      } catch (err) {
        ctx.log.error({ err }, 'notify: delivery tick failed');
      } finally {
        running = null;
      }
    })();
  };
  const timer = setInterval(tick, notifySettings(ctx).pollMs);
  timer.unref();
  tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
