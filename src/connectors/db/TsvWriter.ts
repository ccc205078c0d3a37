import fs from 'node:fs';
import { tsvField, tsvLine, tsvText } from './tsv.ts';

const BUFFER_BYTES = 4 << 20;

/**
 * Rows streamed from a source database into a UTF-8 TSV staging file (header + one line per row;
 * values with tabs, quotes or line breaks quoted RFC 4180-style), which the ingest pipeline then
 * reads like any uploaded file. Buffered: rows are encoded straight into a 4 MiB buffer; values
 * that arrive as UTF-8 bytes (Buffers) are copied without decoding.
 */
export class TsvWriter {
  private fd: number;
  private buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private off = 0;
  rows = 0;
  bytes = 0;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'w');
  }

  header(columns: string[]): void {
    this.line(columns.map(tsvField).join('\t'));
  }

  row(values: unknown[]): void {
    if (!values.some(Buffer.isBuffer)) this.line(tsvLine(values));
    else {
      // raw UTF-8 values (MySQL text protocol): copied byte for byte, quoted where they need it
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (i) this.byte(0x09);
        if (Buffer.isBuffer(v)) this.raw(v);
        else this.text(tsvField(tsvText(v)));
      }
      this.byte(0x0a);
    }
    this.rows++;
  }

  /** At least `n` bytes free in the buffer (flushed first; grown for a value larger than it). */
  private room(n: number): void {
    if (this.off + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }

  private byte(b: number): void {
    this.room(1);
    this.buf[this.off++] = b;
  }

  private text(s: string): void {
    this.room(s.length * 3);
    this.off += this.buf.write(s, this.off);
  }

  private raw(v: Buffer): void {
    let quote = false;
    for (let i = 0; i < v.length; i++) {
      const b = v[i]!;
      if (b === 0x09 || b === 0x0a || b === 0x0d || b === 0x22) {
        quote = true;
        break;
      }
    }
    if (!quote) {
      this.room(v.length);
      this.off += v.copy(this.buf, this.off);
      return;
    }
    this.room(v.length * 2 + 2);
    this.buf[this.off++] = 0x22;
    for (let i = 0; i < v.length; i++) {
      const b = v[i]!;
      if (b === 0x22) this.buf[this.off++] = 0x22;
      this.buf[this.off++] = b;
    }
    this.buf[this.off++] = 0x22;
  }

  private line(s: string): void {
    this.room(s.length * 3 + 1);
    this.off += this.buf.write(s, this.off);
    this.buf[this.off++] = 0x0a;
  }

  private flush(): void {
    if (!this.off) return;
    fs.writeSync(this.fd, this.buf, 0, this.off);
    this.bytes += this.off;
    this.off = 0;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}
