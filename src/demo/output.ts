/** Streaming file writers: CSV (UTF-8, UTF-8 with BOM, or GBK) and NDJSON, flushed in chunks. */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import type { DemoDataset } from './departments.ts';
import { fieldGroups, injectDefects, rowRejected, type DefectKind, type DefectRates, type FieldGroups, type Row, type RowDefect } from './defects.ts';
import { Prng } from './prng.ts';

const FLUSH_AT = 1 << 18;

/** One CSV record (quoted where needed, by csv-stringify), ending in a line break. */
export const csvLine = (cells: (string | number | null | undefined)[]): string => stringify([cells]);

/**
 * Buffered text sink with an encoding; `write` is synchronous, `flush` awaits back-pressure.
 * UTF-8 text is encoded straight into a fixed buffer (no joined strings to collect).
 */
export class TextSink {
  private readonly stream: WriteStream;
  private parts: string[] = [];
  private size = 0;
  private buf: Buffer = Buffer.allocUnsafe(FLUSH_AT * 4);
  private used = 0;

  constructor(
    path: string,
    private readonly encoding: 'utf-8' | 'gbk' = 'utf-8',
    bom = false,
  ) {
    this.stream = createWriteStream(path);
    if (bom) this.stream.write(Buffer.from([0xef, 0xbb, 0xbf]));
  }

  write(text: string): void {
    if (this.encoding === 'gbk') {
      this.parts.push(text);
      this.size += text.length;
      return;
    }
    if (this.used + text.length * 3 > this.buf.length) this.rotate(text.length * 3);
    this.used += this.buf.write(text, this.used, 'utf8');
    this.size = this.used;
  }

  /** Hand the filled buffer to the stream and start a new one. */
  private rotate(need = 0): void {
    if (this.used > 0) this.stream.write(this.buf.subarray(0, this.used));
    this.buf = Buffer.allocUnsafe(Math.max(FLUSH_AT * 4, need));
    this.used = 0;
    this.size = 0;
  }

  get pending(): number {
    return this.size;
  }

  async flush(): Promise<void> {
    if (this.encoding === 'gbk') {
      if (this.size === 0) return;
      const text = this.parts.join('');
      this.parts = [];
      this.size = 0;
      if (!this.stream.write(iconv.encode(text, 'gbk'))) await once(this.stream, 'drain');
      return;
    }
    if (this.used === 0) return;
    this.rotate();
    if (this.stream.writableNeedDrain) await once(this.stream, 'drain');
  }

  async maybeFlush(): Promise<void> {
    if (this.size >= FLUSH_AT || this.stream.writableNeedDrain) await this.flush();
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

export interface FileStats {
  rowCount: number;
  expectedRejected: number;
  duplicateRows: number;
  defects: RowDefect[];
  defectCounts: Partial<Record<DefectKind, number>>;
}

interface Pending {
  due: number;
  line: string;
  sourceRow: number;
  rejected: boolean;
  defects: Omit<RowDefect, 'row'>[];
  entity: string;
  entity2: string;
}

/**
 * Writes one dataset file and its ground-truth sidecar (row, entity ids, rejected, defects).
 * Each row passes through defect injection; the recorded verdict is checked against the
 * standards validators so the ground truth cannot drift from what ingest will see.
 */
export class DatasetWriter {
  private readonly sink: TextSink;
  private readonly truth: TextSink;
  private readonly rng: Prng;
  private readonly pending: Pending[] = [];
  private readonly groups: FieldGroups;
  readonly stats: FileStats = { rowCount: 0, expectedRejected: 0, duplicateRows: 0, defects: [], defectCounts: {} };

  constructor(
    readonly dataset: DemoDataset,
    readonly format: { format: 'csv' | 'ndjson'; encoding: 'utf-8' | 'gbk'; bom: boolean },
    path: string,
    truthPath: string,
    private readonly rates: DefectRates,
    seed: number,
  ) {
    this.groups = fieldGroups(dataset.fields);
    this.sink = new TextSink(path, format.encoding, format.bom);
    this.truth = new TextSink(truthPath);
    this.truth.write('row,entity_id,entity_id2,rejected,defects\n');
    if (format.format === 'csv') this.sink.write(dataset.fields.map((f) => f.name).join(',') + '\n');
    let h = seed >>> 0;
    for (const ch of dataset.code) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    this.rng = new Prng(h || 1);
  }

  private line(row: Row): string {
    if (this.format.format === 'ndjson') {
      const o: Record<string, string | number | null> = {};
      for (const f of this.dataset.fields) o[f.name] = row[f.name] ?? null;
      return JSON.stringify(o) + '\n';
    }
    return csvLine(this.dataset.fields.map((f) => row[f.name]));
  }

  private emit(line: string, rejected: boolean, defects: Omit<RowDefect, 'row'>[], entity: string, entity2: string): number {
    const row = ++this.stats.rowCount;
    this.sink.write(line);
    if (rejected) this.stats.expectedRejected++;
    for (const d of defects) {
      this.stats.defects.push({ row, ...d });
      this.stats.defectCounts[d.kind] = (this.stats.defectCounts[d.kind] ?? 0) + 1;
    }
    this.truth.write(`${row},${entity},${entity2},${rejected ? 1 : 0},${defects.map((d) => d.kind).join(';')}\n`);
    return row;
  }

  private drain(force: boolean): void {
    while (this.pending.length && (force || this.pending[0]!.due <= this.stats.rowCount)) {
      const p = this.pending.shift()!;
      this.stats.duplicateRows++;
      this.emit(p.line, p.rejected, [...p.defects, { field: null, kind: 'duplicate', reject: false, fixable: false, duplicateOf: p.sourceRow }], p.entity, p.entity2);
    }
  }

  /** Add a clean row; defects are injected here. `entity2` is a second subject (spouse, legal person). */
  add(row: Row, entity: string, entity2 = ''): void {
    this.drain(false);
    const defects = injectDefects(this.rng, this.groups, row, this.rates);
    const rejected = defects.some((d) => d.reject);
    // Prove the verdict with the standards validators: every row that has a defect, and one
    // clean row in eight (clean values are valid by construction; the unit tests check all).
    const check = defects.length > 0 || (this.stats.rowCount & 7) === 0;
    if (check && rowRejected(this.dataset.fields, row) !== rejected) {
      throw new Error(`ground truth mismatch in ${this.dataset.code}: ${JSON.stringify(row)} ${JSON.stringify(defects)}`);
    }
    const line = this.line(row);
    const n = this.emit(line, rejected, defects, entity, entity2);
    if (this.rng.chance(this.rates.duplicate)) {
      this.pending.push({ due: n + this.rng.between(1, 30), line, sourceRow: n, rejected, defects, entity, entity2 });
    }
  }

  async maybeFlush(): Promise<void> {
    await this.sink.maybeFlush();
    await this.truth.maybeFlush();
  }

  async close(): Promise<void> {
    this.drain(true);
    await this.sink.close();
    await this.truth.close();
  }
}
