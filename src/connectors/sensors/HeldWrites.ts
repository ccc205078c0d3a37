import type { Duplex } from 'node:stream';

type Write = (chunk: unknown, encoding?: unknown, cb?: unknown) => boolean;

/**
 * What a client writes to its connection (for a sensor source: the PUBACKs mqtt.js sends), held
 * back and let out in groups, oldest first: a group goes out once the journal has made the readings
 * of its messages durable. While nothing is held, writes go straight through.
 *
 * The journal syncs one group while the next one's messages keep arriving (group commit without
 * stopping the event loop); the acknowledgements keep the order of the messages.
 */
export class HeldWrites {
  private open: Buffer[] = [];
  private sealed: Buffer[][] = [];
  private holding = false;
  private readonly write: Write;

  constructor(readonly stream: Duplex) {
    this.write = stream.write.bind(stream) as Write;
    stream.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
      if (!this.holding) return this.write(chunk, encoding, cb);
      // a written buffer is the stream's from now on (as with Node's own buffering): kept, not copied
      this.open.push(typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : (chunk as Buffer));
      const done = typeof encoding === 'function' ? encoding : cb;
      if (typeof done === 'function') process.nextTick(done as () => void);
      return true;
    }) as Duplex['write'];
  }

  /** Hold what is written from now on. */
  hold(): void {
    this.holding = true;
  }

  /** Close the group written so far: it goes out with the next `release`. */
  seal(): void {
    this.sealed.push(this.open);
    this.open = [];
  }

  /** Let the oldest sealed group out; writes pass straight through again once nothing is held. */
  release(): void {
    const group = this.sealed.shift();
    if (group?.length && !this.stream.destroyed) this.write(group.length === 1 ? group[0] : Buffer.concat(group));
    if (!this.sealed.length && !this.open.length) this.holding = false;
  }

  /** Give up the connection: nothing held goes out (the broker delivers those messages again). */
  fail(err: Error): void {
    this.open = [];
    this.sealed = [];
    this.stream.destroy(err);
  }
}
