import fs from 'node:fs';
import path from 'node:path';
import type { OutgoingMessage, SendResult, Sender } from './types.ts';

/**
 * The demo's text-message stub: appends each message as one JSON line to
 * <dataDir>/notify/sms-outbox.jsonl and sends nothing. Production puts a gateway behind the
 * `Sender` interface (`registerSender`) and sets GOVHUB_SMS_SENDER to its name.
 */
export class SmsFileSender implements Sender {
  readonly channel = 'sms' as const;
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'notify', 'sms-outbox.jsonl');
  }

  async send(m: OutgoingMessage): Promise<SendResult> {
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    const line = JSON.stringify({ id: m.id, at: new Date().toISOString(), to: m.target, ...m.payload });
    await fs.promises.appendFile(this.file, `${line}\n`, { encoding: 'utf8', mode: 0o600 });
    return { ok: true };
  }
}
