import { Cron } from 'croner';
import type { Ctx } from '../kernel/index.ts';
import { SCHEDULE_TIMEZONE } from './checkSettings.ts';
import { sourceEvents } from './events.ts';
import { acquireLease, LEASE_SECONDS, releaseLease, renewLease } from './lease.ts';
import { purgeKeys } from './push/idempotency.ts';
import { pushBatcher } from './push/pushRecords.ts';
import { resealLegacySecrets, sourcePassword } from './passwords.ts';
import { sourceCaller, startRun } from './runner.ts';
import { runStore } from './runs.ts';
import { SensorSubscriber } from './sensors/SensorSubscriber.ts';
import { isDbSettings, isMqttSettings, listSources, type StoredSource } from './store.ts';
import { targetPolicy } from './TargetPolicy.ts';
import type { MqttSettings } from './types.ts';

export interface SourcesHandle {
  /** Sensor subscribers running in this process, by source id. */
  readonly subscribers: ReadonlyMap<string, SensorSubscriber>;
  /** Look at the sources again now (also done every `pollSeconds`, and at once on a change made here). */
  reconcile(): Promise<void>;
  /** Stop schedules and subscribers; sensor batches still journaled after `timeoutMs` are written on the next start. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface StartOptions {
  /** How often to look for sources changed by other servers (default 30 s). */
  pollSeconds?: number;
  scheduler?: boolean;
  sensors?: boolean;
}

interface Scheduled {
  cron: Cron;
  expr: string;
}

interface Subscribed {
  sub: SensorSubscriber;
  version: string;
  renew: NodeJS.Timeout;
}

/**
 * Start the connectors of this server: one croner job per scheduled database source (cron in
 * Asia/Shanghai time) and the MQTT subscriber of every enabled sensor source this server holds
 * the lease of. Returns a handle whose stop() ends them (sensor batches are written first).
 */
export async function startSources(ctx: Ctx, opts: StartOptions = {}): Promise<SourcesHandle> {
  targetPolicy(ctx.config); // a bad GOVHUB_SOURCE_ALLOW / _DENY entry stops the start here
  await resealLegacySecrets(ctx);
  const crons = new Map<string, Scheduled>();
  const subs = new Map<string, Subscribed>();
  const running = new Map<string, SensorSubscriber>();
  let stopped = false;
  let pass: Promise<void> = Promise.resolve();

  // key: the source id (its schedule) or `<id>:refresh` (the full refresh of an incremental source)
  const schedule = (s: StoredSource, key: string, expr: string | null | undefined, full: boolean) => {
    const cur = crons.get(key);
    if (cur && cur.expr === expr) return;
    cur?.cron.stop();
    crons.delete(key);
    if (!expr) return;
    const cron = new Cron(expr, { timezone: SCHEDULE_TIMEZONE, protect: true, name: `source:${key}` }, async () => {
      try {
        const { done } = await startRun(ctx, sourceCaller(s), s.id, 'schedule', { full });
        await done;
      } catch (err) {
        ctx.log.warn({ source: s.name, full, err: (err as Error).message }, 'scheduled run not started');
      }
    });
    crons.set(key, { cron, expr });
  };

  const stopSub = async (id: string, timeoutMs?: number) => {
    const cur = subs.get(id);
    if (!cur) return;
    subs.delete(id);
    running.delete(id);
    clearInterval(cur.renew);
    await cur.sub.stop(timeoutMs).catch((err) => ctx.log.error({ err, source: id }, 'sensor subscriber did not stop cleanly'));
    await releaseLease(ctx.db, id).catch(() => {});
  };

  const subscribe = async (s: StoredSource & { settings: MqttSettings }, version: string) => {
    const lease = await acquireLease(ctx.db, s.id);
    if (!lease.ok) return;
    if (lease.previous) await runStore.abandon(ctx.db, s.id, lease.previous);
    let sub: SensorSubscriber;
    try {
      sub = new SensorSubscriber(ctx, s, await sourcePassword(ctx, s, s.settings));
    } catch (err) {
      ctx.log.error({ sourceId: s.id, source: s.name, err: (err as Error).message }, 'sensor subscriber did not start');
      await releaseLease(ctx.db, s.id).catch(() => {});
      return;
    }
    const renew = setInterval(() => {
      void renewLease(ctx.db, s.id).then((held) => {
        if (!held && subs.get(s.id)?.sub === sub) void stopSub(s.id);
      }).catch(() => {});
    }, (LEASE_SECONDS / 4) * 1000);
    subs.set(s.id, { sub, version, renew });
    running.set(s.id, sub);
    try {
      await sub.start();
    } catch (err) {
      ctx.log.error({ err, source: s.name }, 'sensor subscriber did not start');
      await stopSub(s.id);
    }
  };

  const reconcileOnce = async () => {
    if (stopped) return;
    const all = await listSources(ctx.db);
    const seen = new Set<string>();
    for (const s of all) {
      seen.add(s.id);
      if (opts.scheduler !== false) {
        const db = isDbSettings(s) && s.enabled ? s : null;
        schedule(s, s.id, db?.schedule, false);
        schedule(s, `${s.id}:refresh`, db?.settings.mode === 'incremental' ? db.settings.refreshSchedule : null, true);
      }
      if (opts.sensors !== false && isMqttSettings(s)) {
        const version = `${s.updatedAt}|${s.enabled}`;
        const cur = subs.get(s.id);
        if (cur && (cur.version !== version || !s.enabled)) await stopSub(s.id);
        if (s.enabled && !subs.has(s.id) && !stopped) await subscribe(s, version);
      }
    }
    for (const key of [...crons.keys()]) if (!seen.has(key.split(':')[0]!)) (crons.get(key)!.cron.stop(), crons.delete(key));
    for (const id of [...subs.keys()]) if (!seen.has(id)) await stopSub(id);
  };

  const reconcile = () => {
    pass = pass.then(reconcileOnce).catch((err) => ctx.log.error({ err }, 'sources: reconcile failed'));
    return pass;
  };

  const onChange = () => void reconcile();
  sourceEvents.on('changed', onChange);
  const poll = setInterval(() => void reconcile(), (opts.pollSeconds ?? 30) * 1000);
  const purge = setInterval(() => void purgeKeys(ctx.db).catch(() => {}), 3600_000);
  poll.unref();
  purge.unref();
  await reconcile();

  return {
    subscribers: running,
    reconcile,
    async stop(timeoutMs = 10_000) {
      stopped = true;
      sourceEvents.off('changed', onChange);
      clearInterval(poll);
      clearInterval(purge);
      await pass;
      for (const { cron } of crons.values()) cron.stop();
      crons.clear();
      await Promise.all([...subs.keys()].map((id) => stopSub(id, timeoutMs)));
      await pushBatcher(ctx).drain();
    },
  };
}
