import fs from 'node:fs';
import path from 'node:path';

const SEGMENT = /^seg-(\d{12})\.tsv$/;

/**
 * The local journal of a sensor source: numbered TSV segments (a header line, then one line per
 * reading) under `<dataDir>/ingest/sensors/<sourceId>/`. Readings are appended and synced to disk
 * before the broker gets their acknowledgements; a full or old segment is closed and written to
 * the lake as one batch, and the number of the last segment in the lake is committed with that
 * version. On start, segments after it are written again and older ones removed. So an
 * acknowledged message is in the lake or in a segment that will be, whatever stops the process.
 */
export class SensorJournal {
  private fd: number | null = null;
  private seq = 0;
  /** Messages in the open segment. */
  lines = 0;
  openedAt = 0;

  /** @param header the first line of every segment (column names, without the line break) */
  constructor(readonly dir: string, private readonly header: string) {}

  file(seq: number): string {
    return path.join(this.dir, `seg-${String(seq).padStart(12, '0')}.tsv`);
  }

  /** Open after `committed` (the last segment in the lake): returns the closed segments still to write, oldest first. */
  open(committed: number): number[] {
    fs.mkdirSync(this.dir, { recursive: true });
    const found = fs.readdirSync(this.dir).map((f) => SEGMENT.exec(f)).filter((m): m is RegExpExecArray => !!m).map((m) => Number(m[1])).sort((a, b) => a - b);
    const pending: number[] = [];
    for (const s of found) {
      if (s <= committed) fs.rmSync(this.file(s), { force: true });
      else if (fs.statSync(this.file(s)).size > this.header.length + 1) pending.push(s);
      else fs.rmSync(this.file(s), { force: true });
    }
    this.seq = Math.max(committed, ...found, 0) + 1;
    this.start();
    return pending;
  }

  private start(): void {
    const file = this.file(this.seq);
    const fresh = !fs.existsSync(file) || fs.statSync(file).size === 0;
    this.fd = fs.openSync(file, 'a');
    if (fresh) fs.writeSync(this.fd, `${this.header}\n`);
    this.lines = 0;
    this.openedAt = performance.now();
  }

  /** Append lines (complete, each ending in a line break) holding `messages` messages. */
  append(text: string, messages = 1): void {
    fs.writeSync(this.fd!, text);
    this.lines += messages;
  }

  /** Make what was appended so far durable (fdatasync, off the event loop). Do not rotate or close meanwhile. */
  sync(done: (err: Error | null) => void): void {
    if (this.fd === null) process.nextTick(done, null);
    else fs.fdatasync(this.fd, done);
  }

  /** Close the open segment if it holds anything (fsync) and start the next; returns the closed one's number. */
  rotate(): number | null {
    if (this.fd === null || this.lines === 0) return null;
    const done = this.seq;
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.seq++;
    this.start();
    return done;
  }

  remove(seqs: number[]): void {
    for (const s of seqs) fs.rmSync(this.file(s), { force: true });
  }

  close(): void {
    if (this.fd === null) return;
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    if (this.lines === 0) fs.rmSync(this.file(this.seq), { force: true });
    this.fd = null;
  }
}
