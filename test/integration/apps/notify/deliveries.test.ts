/**
 * notify against a real local HTTP server: signed webhook bodies that verify, retries after 500s
 * that end in success, giving up after GOVHUB_WEBHOOK_ATTEMPTS, a host outside GOVHUB_WEBHOOK_HOSTS
 * refused (never called), redirects not followed, a restart resuming the queue; and the file-backed
 * SMS stub.
 */
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { deliveries, startDeliveries, type Delivery } from '../../../../src/apps/notify/index.ts';
import { drivers, openTestPlatform, type TestPlatform } from '../../../helpers/platform.ts';

interface Hit { path: string; headers: http.IncomingHttpHeaders; body: string }

/** A receiver answering each path with the statuses it is given, in turn (the last one repeats). */
async function receiver(script: Record<string, number[]>) {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits.push({ path: req.url ?? '', headers: req.headers, body });
      const statuses = script[req.url ?? ''] ?? [200];
      const n = hits.filter((h) => h.path === req.url).length;
      const status = statuses[Math.min(n, statuses.length) - 1]!;
      if (status === 302) res.writeHead(302, { location: '/ok' }).end();
      else res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { hits, port, url: (p: string) => `http://127.0.0.1:${port}${p}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Check a request's signature the way a receiver would. */
function verifies(h: Hit, secret: string): boolean {
  const ts = String(h.headers['x-govhub-timestamp']);
  const sig = String(h.headers['x-govhub-signature']);
  const want = `sha256=${createHmac('sha256', secret).update(`${ts}.${h.body}`).digest('hex')}`;
  return sig.length === want.length && timingSafeEqual(Buffer.from(sig), Buffer.from(want)) && Math.abs(Date.now() / 1000 - Number(ts)) < 300;
}

async function until(what: string, fn: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const ENV = ['GOVHUB_WEBHOOK_HOSTS', 'GOVHUB_WEBHOOK_SECRET', 'GOVHUB_WEBHOOK_ATTEMPTS', 'GOVHUB_WEBHOOK_BACKOFF_MS', 'GOVHUB_DELIVERY_POLL_MS', 'GOVHUB_WEBHOOK_TIMEOUT_MS', 'GOVHUB_SMS_SENDER'];

for (const driver of drivers()) {
  describe(`notify deliveries (${driver})`, () => {
    let p: TestPlatform;
    let r: Awaited<ReturnType<typeof receiver>>;
    let ticker: { stop(): Promise<void> } | null = null;
    const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

    before(async () => {
      p = await openTestPlatform(driver);
      r = await receiver({ '/flaky': [500, 503, 200], '/down': [500], '/bad': [400], '/moved': [302], '/resume': [500, 200] });
      Object.assign(process.env, {
        GOVHUB_WEBHOOK_HOSTS: `127.0.0.1:${r.port}`, GOVHUB_WEBHOOK_SECRET: 'hook-secret', GOVHUB_WEBHOOK_ATTEMPTS: '3',
        GOVHUB_WEBHOOK_BACKOFF_MS: '50', GOVHUB_DELIVERY_POLL_MS: '20', GOVHUB_WEBHOOK_TIMEOUT_MS: '2000',
      });
    });
    afterEach(async () => {
      await ticker?.stop();
      ticker = null;
    });
    after(async () => {
      for (const k of ENV) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
      await r.close();
      await p.close();
    });

    const settled = (id: string) => until(`delivery ${id}`, async () => (await deliveries.get(p, id))!.status !== 'pending');

    test('a webhook is POSTed as signed JSON that verifies with the key', async () => {
      const d = await deliveries.enqueue(p, { channel: 'webhook', target: r.url('/ok'), payload: { type: 'push.notice', title: '高龄津贴', n: 1 }, ref: { type: 'test', id: 'a' } });
      ticker = startDeliveries(p);
      await settled(d.id);
      const done = (await deliveries.get(p, d.id))!;
      assert.deepEqual([done.status, done.attempts, done.lastStatus], ['sent', 1, 200]);
      const hit = r.hits.find((h) => h.headers['x-govhub-delivery'] === d.id)!;
      assert.deepEqual(JSON.parse(hit.body), { type: 'push.notice', title: '高龄津贴', n: 1 });
      assert.match(String(hit.headers['content-type']), /application\/json/);
      assert.ok(verifies(hit, 'hook-secret'), 'the signature verifies');
      assert.ok(!verifies(hit, 'another-key'), 'and only with the key');
      assert.ok(!verifies({ ...hit, body: hit.body.replace('1', '2') }, 'hook-secret'), 'a changed body does not verify');
      assert.deepEqual((await deliveries.of(p, { type: 'test', id: 'a' })).map((x) => x.id), [d.id]);
    });

    test('500s are retried with backoff until the receiver takes it', async () => {
      const d = await deliveries.enqueue(p, { channel: 'webhook', target: r.url('/flaky'), payload: { k: 'flaky' } });
      ticker = startDeliveries(p);
      await settled(d.id);
      const done = (await deliveries.get(p, d.id))!;
      assert.deepEqual([done.status, done.attempts, done.lastStatus, done.lastError], ['sent', 3, 200, null]);
      const tries = r.hits.filter((h) => h.path === '/flaky');
      assert.equal(tries.length, 3);
      assert.ok(tries.every((h) => h.headers['x-govhub-delivery'] === d.id && verifies(h, 'hook-secret')));
    });

    test('gives up after GOVHUB_WEBHOOK_ATTEMPTS and marks it failed', async () => {
      const d = await deliveries.enqueue(p, { channel: 'webhook', target: r.url('/down'), payload: { k: 'down' } });
      ticker = startDeliveries(p);
      await settled(d.id);
      const done = (await deliveries.get(p, d.id))!;
      assert.deepEqual([done.status, done.attempts, done.maxAttempts, done.lastStatus, done.lastError, done.nextAt], ['failed', 3, 3, 500, 'HTTP 500', null]);
      await new Promise((res) => setTimeout(res, 200));
      assert.equal(r.hits.filter((h) => h.path === '/down').length, 3, 'no attempt after giving up');
    });

    test('a 4xx is not retried; a redirect is not followed', async () => {
      const bad = await deliveries.enqueue(p, { channel: 'webhook', target: r.url('/bad'), payload: {} });
      const moved = await deliveries.enqueue(p, { channel: 'webhook', target: r.url('/moved'), payload: {} });
      ticker = startDeliveries(p);
      await settled(bad.id);
      await settled(moved.id);
      assert.deepEqual(((await deliveries.get(p, bad.id))!).attempts, 1);
      assert.equal(((await deliveries.get(p, bad.id))!).status, 'failed');
      assert.equal(r.hits.filter((h) => h.path === '/ok' && h.body === '{}').length, 0, 'the redirect target was never called');
    });

    test('a host outside GOVHUB_WEBHOOK_HOSTS is refused at once and never called — and again at send time', async () => {
      const outside = await deliveries.enqueue(p, { channel: 'webhook', target: 'http://127.0.0.2:9/steal', payload: { password: 'x' } });
      assert.equal(outside.status, 'failed');
      assert.match(outside.lastError!, /GOVHUB_WEBHOOK_HOSTS/);
      // allowed when queued, no longer allowed when its turn comes
      const queued = await deliveries.enqueue(p, { channel: 'webhook', target: r.url('/ok?late'), payload: { k: 'late' } });
      assert.equal(queued.status, 'pending');
      process.env.GOVHUB_WEBHOOK_HOSTS = 'hooks.example.gov.cn';
      try {
        ticker = startDeliveries(p);
        await settled(queued.id);
      } finally {
        process.env.GOVHUB_WEBHOOK_HOSTS = `127.0.0.1:${r.port}`;
      }
      const d = (await deliveries.get(p, queued.id))!;
      assert.deepEqual([d.status, d.attempts], ['failed', 1]);
      assert.equal(r.hits.filter((h) => h.path === '/ok?late').length, 0);
    });

    test('a stopped ticker leaves the queue in the table; the next one resumes it', async () => {
      process.env.GOVHUB_WEBHOOK_BACKOFF_MS = '400';
      try {
        const d = await deliveries.enqueue(p, { channel: 'webhook', target: r.url('/resume'), payload: { k: 'resume' } });
        const first = startDeliveries(p);
        await until('the first attempt', async () => ((await deliveries.get(p, d.id))!).attempts === 1);
        await first.stop();
        const waiting = (await deliveries.get(p, d.id))!;
        assert.deepEqual([waiting.status, waiting.attempts], ['pending', 1]);
        assert.ok(waiting.nextAt && Date.parse(waiting.nextAt) > Date.now() - 1000);
        ticker = startDeliveries(p); // "after a restart"
        await settled(d.id);
        const done = (await deliveries.get(p, d.id))!;
        assert.deepEqual([done.status, done.attempts], ['sent', 2]);
        assert.equal(r.hits.filter((h) => h.path === '/resume').length, 2);
      } finally {
        process.env.GOVHUB_WEBHOOK_BACKOFF_MS = '50';
      }
    });

    test('the SMS stub appends one JSON line per message to <dataDir>/notify/sms-outbox.jsonl', async () => {
      const a = await deliveries.enqueue(p, { channel: 'sms', target: 'P0123456789abcdef', payload: { text: '【民政局】高龄津贴：已为您办理' } });
      const b = await deliveries.enqueue(p, { channel: 'sms', target: 'Pfedcba9876543210', payload: { text: '第二条' } });
      ticker = startDeliveries(p);
      await settled(a.id);
      await settled(b.id);
      const file = path.join(p.config.dataDir, 'notify', 'sms-outbox.jsonl');
      const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(lines.map((l) => [l.id, l.to, l.text]).sort(), [[a.id, 'P0123456789abcdef', '【民政局】高龄津贴：已为您办理'], [b.id, 'Pfedcba9876543210', '第二条']].sort());
      assert.equal(fs.statSync(file).mode & 0o077, 0, 'readable by the platform only');
    });

    test('an SMS sender nobody registered fails the delivery, it does not crash the ticker', async () => {
      process.env.GOVHUB_SMS_SENDER = 'gateway-x';
      process.env.GOVHUB_WEBHOOK_ATTEMPTS = '1';
      try {
        const d = await deliveries.enqueue(p, { channel: 'sms', target: 'P1', payload: { text: 'x' } });
        ticker = startDeliveries(p);
        await settled(d.id);
        const done: Delivery = (await deliveries.get(p, d.id))!;
        assert.equal(done.status, 'failed');
        assert.match(done.lastError!, /gateway-x/);
      } finally {
        delete process.env.GOVHUB_SMS_SENDER;
        process.env.GOVHUB_WEBHOOK_ATTEMPTS = '3';
      }
    });
  });
}
