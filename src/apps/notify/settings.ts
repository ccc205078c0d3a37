/**
 * Settings of the senders, read from the environment each time they are needed (so an operator's
 * change applies at the next send, and tests set them per case):
 *  - GOVHUB_SMS_SENDER        `file` (default): the demo stub writing <dataDir>/notify/sms-outbox.jsonl
 *  - GOVHUB_WEBHOOK_HOSTS     hosts webhooks may call (comma list of `host` or `host:port`); empty: none
 *  - GOVHUB_WEBHOOK_SECRET    the HMAC key of signatures (default: the platform's secret key)
 *  - GOVHUB_WEBHOOK_ATTEMPTS  attempts before a delivery is given up (default 5)
 *  - GOVHUB_WEBHOOK_TIMEOUT_MS  one attempt's time limit (default 5000)
 *  - GOVHUB_WEBHOOK_BACKOFF_MS  the wait after the first failure, doubled after each further one (default 10000, at most an hour)
 *  - GOVHUB_DELIVERY_POLL_MS  how often the ticker looks for due deliveries (default 1000)
 */
import type { Ctx } from '../../kernel/index.ts';

export interface NotifySettings {
  smsSender: string;
  webhookHosts: string[];
  webhookSecret: string;
  attempts: number;
  timeoutMs: number;
  backoffMs: number;
  pollMs: number;
}

const num = (v: string | undefined, d: number, min = 1) => {
  const n = Number(v);
  return v !== undefined && v.trim() !== '' && Number.isFinite(n) && n >= min ? Math.floor(n) : d;
};

export function notifySettings(ctx: Pick<Ctx, 'config'>, env: NodeJS.ProcessEnv = process.env): NotifySettings {
  return {
    smsSender: (env.GOVHUB_SMS_SENDER ?? '').trim() || 'file',
    webhookHosts: (env.GOVHUB_WEBHOOK_HOSTS ?? '').split(/[\s,]+/).map((h) => h.trim().toLowerCase()).filter(Boolean),
    webhookSecret: env.GOVHUB_WEBHOOK_SECRET || ctx.config.secretKey || '',
    attempts: num(env.GOVHUB_WEBHOOK_ATTEMPTS, 5),
    timeoutMs: num(env.GOVHUB_WEBHOOK_TIMEOUT_MS, 5000),
    backoffMs: num(env.GOVHUB_WEBHOOK_BACKOFF_MS, 10_000, 0),
    pollMs: num(env.GOVHUB_DELIVERY_POLL_MS, 1000, 10),
  };
}

/** The wait before attempt `attempts + 1`, after `attempts` failed ones: backoff doubled each time, at most an hour. */
export const backoff = (s: Pick<NotifySettings, 'backoffMs'>, attempts: number) => Math.min(3600_000, s.backoffMs * 2 ** Math.max(0, attempts - 1));
