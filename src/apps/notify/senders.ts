import type { Ctx } from '../../kernel/index.ts';
import { notifySettings } from './settings.ts';
import { SmsFileSender } from './SmsFileSender.ts';
import type { Channel, Sender } from './types.ts';
import { WebhookSender } from './WebhookSender.ts';

/** Text-message gateways plugged in by name (GOVHUB_SMS_SENDER chooses one; `file` is the built-in demo stub). */
const smsGateways = new Map<string, (ctx: Ctx) => Sender>();

/** Plug a text-message gateway in under a name, chosen by GOVHUB_SMS_SENDER=<name>. */
export function registerSmsGateway(name: string, make: (ctx: Ctx) => Sender): void {
  if (name === 'file') throw new Error(`registerSmsGateway: ${name} is reserved`);
  smsGateways.set(name, make);
}

/** The sender of a channel as configured now (the inbox is the notice itself, it has no sender). */
export function senderFor(ctx: Ctx, channel: Exclude<Channel, 'inbox'>): Sender {
  const s = notifySettings(ctx);
  if (channel === 'webhook') return new WebhookSender(s);
  if (s.smsSender === 'file') return new SmsFileSender(ctx.config.dataDir);
  const make = smsGateways.get(s.smsSender);
  if (!make) throw new Error(`GOVHUB_SMS_SENDER=${s.smsSender}: no such text-message gateway is registered`);
  return make(ctx);
}
