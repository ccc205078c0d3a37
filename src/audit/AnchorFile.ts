import fs from 'node:fs';
import path from 'node:path';
import { checkpointOf, parseLine, SignedCheckpointSchema, type Located, type SignedCheckpoint } from './heads.ts';
import { fileLines } from './lines.ts';

/** Every anchor in a file, and the lines that are not anchors. */
export interface AnchorRead {
  anchors: Located<SignedCheckpoint>[];
  malformed: { line: number; reason: string }[];
}

/** How far from the end `newest` looks: many lines, whatever duplicates precede them. */
const TAIL_BYTES = 64 * 1024;

async function syncDir(dir: string) {
  try {
    const d = await fs.promises.open(dir, 'r');
    try { await d.sync(); } finally { await d.close(); }
  } catch { /* not every filesystem lets a directory be synced */ }
}

/**
 * The append-only file of signed checkpoints kept outside the database: the signed tree heads of
 * RFC 6962 that the operator holds. Lines are only ever appended (O_APPEND, one whole line per
 * write, fsync after), so a writer in another process cannot split a line; duplicates are harmless.
 */
export class AnchorFile {
  constructor(readonly path: string) {}

  exists(): boolean {
    return fs.existsSync(this.path);
  }

  /** Create the file empty (if absent) and make its directory entry durable. */
  async create(): Promise<void> {
    await fs.promises.mkdir(path.dirname(this.path), { recursive: true });
    const fh = await fs.promises.open(this.path, 'a');
    try { await fh.sync(); } finally { await fh.close(); }
    await syncDir(path.dirname(this.path));
  }

  async append(cps: SignedCheckpoint[]): Promise<void> {
    if (!cps.length) return;
    const fh = await fs.promises.open(this.path, 'a+');
    try {
      // A line torn by a crash stays (verify names it); what we write starts on a line of its own.
      const { size } = await fh.stat();
      let lead = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) lead = '\n';
      }
      for (const cp of cps) {
        const line = Buffer.from(lead + JSON.stringify(checkpointOf(cp)) + '\n');
        lead = '';
        const { bytesWritten } = await fh.write(line);
        if (bytesWritten !== line.length) throw new Error(`audit anchor file ${this.path}: short write`);
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  /**
   * The anchor with the highest seq among the last lines of the file that `accept` takes (e.g. those
   * with a valid signature), or null: no file, or no such anchor.
   */
  async newest(accept: (cp: SignedCheckpoint) => boolean = () => true): Promise<SignedCheckpoint | null> {
    let fh: fs.promises.FileHandle;
    try {
      fh = await fs.promises.open(this.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      const { size } = await fh.stat();
      const start = Math.max(0, size - TAIL_BYTES);
      const buf = Buffer.alloc(size - start);
      await fh.read(buf, 0, buf.length, start);
      const lines = buf.toString('utf8').split('\n');
      if (start > 0) lines.shift(); // cut mid-line
      const found: SignedCheckpoint[] = [];
      for (const l of lines) {
        const r = l.trim() ? parseLine(SignedCheckpointSchema, l) : null;
        if (r && 'value' in r) found.push(r.value);
      }
      return found.sort((a, b) => b.seq - a.seq).find(accept) ?? null;
    } finally {
      await fh.close();
    }
  }

  /** The whole file; null when it does not exist. */
  async read(): Promise<AnchorRead | null> {
    if (!this.exists()) return null;
    const out: AnchorRead = { anchors: [], malformed: [] };
    for await (const { line, text } of fileLines(this.path)) {
      const r = parseLine(SignedCheckpointSchema, text);
      if ('value' in r) out.anchors.push({ source: this.path, line, value: r.value });
      else out.malformed.push({ line, reason: r.error });
    }
    return out;
  }
}
