import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { backoff, checkWebhookUrl, notifySettings, signBody, webhookRefusal } from '../../../../src/apps/notify/index.ts';
import { Problem } from '../../../../src/kernel/index.ts';

const HOSTS = ['hooks.mz.gov.cn', '127.0.0.1:8443'];

test('only http(s) addresses on a listed host (or host:port) may be called', () => {
  assert.equal(webhookRefusal('https://hooks.mz.gov.cn/push', HOSTS), null);
  assert.equal(webhookRefusal('http://HOOKS.mz.gov.cn:80/x?y=1', HOSTS), null);
  assert.equal(webhookRefusal('https://127.0.0.1:8443/hook', HOSTS), null);
  assert.match(webhookRefusal('https://127.0.0.1:9000/hook', HOSTS)!, /not in GOVHUB_WEBHOOK_HOSTS/, 'another port of a host:port entry');
  assert.match(webhookRefusal('https://evil.example.com/hook', HOSTS)!, /evil\.example\.com/);
  assert.match(webhookRefusal('https://hooks.mz.gov.cn.evil.example/x', HOSTS)!, /not in/);
  assert.match(webhookRefusal('https://user:secret@hooks.mz.gov.cn/x', HOSTS)!, /password/, 'credentials in the address are refused');
  assert.match(webhookRefusal('ftp://hooks.mz.gov.cn/x', HOSTS)!, /http/);
  assert.match(webhookRefusal('file:///etc/passwd', HOSTS)!, /http/);
  assert.match(webhookRefusal('not a url', HOSTS)!, /URL/);
  assert.match(webhookRefusal('https://hooks.mz.gov.cn/x', [])!, /not in/, 'an empty list allows nothing');
});

test('a refused address is a 400 naming the field', () => {
  assert.equal(checkWebhookUrl('https://hooks.mz.gov.cn/push', HOSTS), 'https://hooks.mz.gov.cn/push');
  assert.throws(() => checkWebhookUrl('https://evil.example.com/', HOSTS), (e: unknown) => {
    assert.ok(e instanceof Problem);
    assert.equal(e.status, 400);
    assert.deepEqual(e.errors?.map((x) => x.field), ['action.webhook']);
    return true;
  });
});

test('the signature is HMAC-SHA256 over "<timestamp>.<body>"', () => {
  const body = JSON.stringify({ a: '推送', n: 1 });
  const expected = createHmac('sha256', 'k').update(`1700000000.${body}`).digest('hex');
  assert.equal(signBody('k', '1700000000', body), `sha256=${expected}`);
  assert.notEqual(signBody('k', '1700000001', body), signBody('k', '1700000000', body), 'the timestamp is signed');
});

test('settings: defaults, the platform key as the webhook key, and doubling backoff capped at an hour', () => {
  const ctx = { config: { secretKey: 'platform-key' } } as Parameters<typeof notifySettings>[0];
  const d = notifySettings(ctx, {});
  assert.deepEqual([d.smsSender, d.webhookHosts, d.webhookSecret, d.attempts, d.timeoutMs], ['file', [], 'platform-key', 5, 5000]);
  const s = notifySettings(ctx, { GOVHUB_WEBHOOK_HOSTS: 'A.gov.cn, b.gov.cn:8080', GOVHUB_WEBHOOK_SECRET: 'hook-key', GOVHUB_WEBHOOK_ATTEMPTS: '3', GOVHUB_WEBHOOK_ATTEMPTS_X: 'x' });
  assert.deepEqual([s.webhookHosts, s.webhookSecret, s.attempts], [['a.gov.cn', 'b.gov.cn:8080'], 'hook-key', 3]);
  assert.equal(notifySettings(ctx, { GOVHUB_WEBHOOK_ATTEMPTS: 'zero' }).attempts, 5, 'nonsense keeps the default');
  assert.deepEqual([1, 2, 3, 4].map((n) => backoff({ backoffMs: 1000 }, n)), [1000, 2000, 4000, 8000]);
  assert.equal(backoff({ backoffMs: 1000 }, 40), 3600_000);
});
