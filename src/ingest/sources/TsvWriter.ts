import fs from 'node:fs';
import { tsvField, tsvLine } from './tsv.ts';

const BUFFER_BYTES = 4 << 20;

/**
 * Rows streamed from a source database into a UTF-8 TSV staging file (header + one line per row;
 * values with tabs, quotes or line breaks quoted RFC 4180-style), which the ingest pipeline then
 * reads like any uploaded file. Buffered: rows are encoded straight into a 4 MiB buffer.
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
    this.line(tsvLine(values));
    this.rows++;
  }

  private line(s: string): void {
    if (this.off + s.length * 3 + 1 > this.buf.length) {
      this.flush();
      if (s.length * 3 + 1 > this.buf.length) this.buf = Buffer.allocUnsafe(s.length * 3 + 1);
    }
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
