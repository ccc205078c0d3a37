import { createHmac } from 'node:crypto';
import { fieldProblem } from '../../kernel/index.ts';
import type { NotifySettings } from './settings.ts';
import type { OutgoingMessage, SendResult, Sender } from './types.ts';

/**
 * Why a webhook address may not be called, or null when it may: http(s) only, no user or password
 * in it, and its host (or host:port) named in GOVHUB_WEBHOOK_HOSTS. Asked when a rule is saved and
 * again before every attempt, so an address the list no longer names is not called.
 */
export function webhookRefusal(raw: string, hosts: readonly string[]): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '不是合法的网址 / not a valid URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return '只允许 http 或 https / http or https only';
  if (url.username || url.password) return '网址中不得含用户名或密码 / no user name or password in the address';
  const host = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  if (!hosts.includes(host) && !hosts.includes(`${host}:${port}`)) return `主机 ${host} 不在 GOVHUB_WEBHOOK_HOSTS 允许列表中 / host ${host} is not in GOVHUB_WEBHOOK_HOSTS`;
  return null;
}

/** The same check as a 400 naming the field (for a rule being saved: `action.webhook`). */
export function checkWebhookUrl(raw: string, hosts: readonly string[], field = 'action.webhook'): string {
  const why = webhookRefusal(raw, hosts);
  if (why) throw fieldProblem(field, why);
  return raw;
}

/** `sha256=<hex HMAC-SHA256 over "<timestamp>.<body>">`, the X-Govhub-Signature header. */
export function signBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/**
 * POSTs the payload as JSON, signed: `X-Govhub-Timestamp` (Unix seconds) and `X-Govhub-Signature`
 * over "<timestamp>.<body>"; `X-Govhub-Delivery` names the delivery so a receiver can drop a repeat.
 * Redirects are not followed (a 3xx is a failure); one attempt lasts at most the timeout.
 */
export class WebhookSender implements Sender {
  readonly channel = 'webhook' as const;
  constructor(private readonly settings: Pick<NotifySettings, 'webhookHosts' | 'webhookSecret' | 'timeoutMs'>) {}

  async send(m: OutgoingMessage): Promise<SendResult> {
    const refused = webhookRefusal(m.target, this.settings.webhookHosts);
    if (refused) return { ok: false, error: refused, permanent: true };
    const body = JSON.stringify(m.payload);
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const res = await fetch(m.target, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'govhub-webhook',
          'x-govhub-delivery': m.id,
          'x-govhub-timestamp': timestamp,
          'x-govhub-signature': signBody(this.settings.webhookSecret, timestamp, body),
        },
        body,
      });
      await res.body?.cancel().catch(() => {});
      if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
      // a refusal of the request itself will be refused again; 408, 429 and 5xx may pass later
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
      return { ok: false, status: res.status, error: `HTTP ${res.status}`, permanent };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const error = e.name === 'TimeoutError' ? `超时 / timed out after ${this.settings.timeoutMs} ms` : `${e.cause?.code ?? e.name}: ${e.message}`;
      return { ok: false, error: error.slice(0, 500) };
    }
  }
}
