/** What the senders of notify share: a channel, a message and what sending it did. */

/** Where a notice goes: the citizen's in-app inbox, a text message, or a system's webhook. */
export type Channel = 'inbox' | 'sms' | 'webhook';
export const CHANNELS: readonly Channel[] = ['inbox', 'sms', 'webhook'];

/** One message to send. */
export interface OutgoingMessage {
  /** The delivery this is an attempt of (receivers use it to drop repeats). */
  id: string;
  channel: Channel;
  /** sms: the recipient (a subject pseudonym the gateway resolves, or a number); webhook: the URL. */
  target: string;
  /** What is sent: the JSON body of a webhook, `{ text, … }` of a text message. */
  payload: Record<string, unknown>;
}

/** What one attempt did. `permanent`: trying again will not help (a refused host, a 4xx answer). */
export type SendResult =
  | { ok: true; status?: number }
  | { ok: false; status?: number; error: string; permanent?: boolean };

/** A way to send: one per channel (production plugs an SMS gateway in with `registerSender`). */
export interface Sender {
  readonly channel: Channel;
  send(message: OutgoingMessage): Promise<SendResult>;
}
