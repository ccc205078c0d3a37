import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../control/index.ts';
import { isUuid } from '../kernel/index.ts';
import { STAGING_DIR, writeIdOf, type Layout } from './layout.ts';
import type { ManifestStore } from './ManifestStore.ts';
import { ownerMayBeAlive, type WriteIntent, type WriteIntents } from './WriteIntents.ts';

/** One directory (or stray file) a single write produced: a published `v<N>_<writeId>` or a staging dir. */
interface Unit {
  abs: string;
  writeId: string;
}

/**
 * Removes lake files no committed manifest refers to: what failed or killed writers left behind.
 * Each dataset is swept while holding its write lock, so no write of it is in progress; on top of
 * that, a unit whose writer may still be alive (its intent names a live process on this host) is
 * kept, and a unit with no provably dead writer is kept until it is older than the grace period.
 * Only UUID-named dataset directories under lake/ are touched.
 */
export class OrphanSweeper {
  constructor(
    private db: Db,
    private layout: Layout,
    private manifests: ManifestStore,
    private intents: WriteIntents,
    private graceMs: number,
  ) {}

  /**
   * Sweep one dataset (waiting for its write lock), or every dataset: then a dataset being written
   * right now (by this or another server) is skipped rather than waited for — its writer cleans up
   * after itself if it fails, and the next sweep looks again. Skipped datasets are listed.
   */
  async sweep(datasetId?: string): Promise<{ removed: string[]; skipped: string[] }> {
    const removed: string[] = [];
    const skipped: string[] = [];
    if (datasetId) {
      if (isUuid(datasetId)) removed.push(...(await this.db.withLock(`lake:${datasetId}`, () => this.sweepDataset(datasetId))));
      return { removed, skipped };
    }
    for (const id of new Set([...this.datasetDirs(), ...(await this.intents.datasets())])) {
      const r = await this.db.tryLock(`lake:${id}`, () => this.sweepDataset(id));
      if (r.ran) removed.push(...r.value);
      else skipped.push(id);
    }
    return { removed, skipped };
  }

  private datasetDirs(): string[] {
    if (!fs.existsSync(this.layout.root)) return [];
    return fs
      .readdirSync(this.layout.root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && isUuid(e.name))
      .map((e) => e.name);
  }

  private async sweepDataset(id: string): Promise<string[]> {
    const dir = this.layout.datasetDir(id);
    const exists = await this.manifests.datasetExists(id);
    const intents = exists ? new Map((await this.intents.list(id)).map((i) => [i.writeId, i])) : new Map<string, WriteIntent>();
    const removed: string[] = [];
    if (fs.existsSync(dir)) {
      const referenced = exists ? await this.manifests.referencedPaths(id) : new Set<string>();
      const cleared = new Set<string>();
      for (const unit of this.units(dir)) {
        const files = walk(unit.abs);
        const orphans = files.filter((f) => !referenced.has(this.layout.rel(f)));
        if (orphans.length === 0 && files.length > 0) continue;
        if (!this.removable(unit, intents.get(unit.writeId))) continue;
        if (orphans.length === files.length) {
          fs.rmSync(unit.abs, { recursive: true, force: true });
          removed.push(this.layout.rel(unit.abs));
        } else {
          for (const f of orphans) {
            fs.rmSync(f, { force: true });
            removed.push(this.layout.rel(f));
          }
        }
        if (intents.has(unit.writeId)) cleared.add(unit.writeId);
      }
      for (const w of cleared) {
        await this.intents.end(w);
        intents.delete(w);
      }
      removeIfEmpty(path.join(dir, STAGING_DIR));
      removeIfEmpty(dir);
    }
    // intents of writers that died (or, on another host, went stale) before leaving any file
    for (const i of intents.values()) {
      const alive = ownerMayBeAlive(i);
      if (alive === false || (alive === 'unknown' && Date.now() - Date.parse(i.startedAt) > this.graceMs)) await this.intents.end(i.writeId);
    }
    return removed;
  }

  private units(dir: string): Unit[] {
    const out: Unit[] = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.name === STAGING_DIR && e.isDirectory()) {
        for (const s of fs.readdirSync(abs)) out.push({ abs: path.join(abs, s), writeId: s });
      } else {
        out.push({ abs, writeId: writeIdOf(e.name) });
      }
    }
    return out;
  }

  private removable(unit: Unit, intent: WriteIntent | undefined): boolean {
    if (intent) {
      const alive = ownerMayBeAlive(intent);
      if (alive === false) return true;
      if (alive === true) return false;
    }
    return Date.now() - newestMtime(unit.abs) > this.graceMs;
  }
}

/** Every file under p (p itself if it is a file); symbolic links are not followed. */
function walk(p: string): string[] {
  const st = fs.lstatSync(p, { throwIfNoEntry: false });
  if (!st) return [];
  if (!st.isDirectory()) return [p];
  return fs.readdirSync(p).flatMap((n) => walk(path.join(p, n)));
}

function newestMtime(p: string): number {
  const st = fs.lstatSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  let t = st.mtimeMs;
  if (st.isDirectory()) for (const n of fs.readdirSync(p)) t = Math.max(t, newestMtime(path.join(p, n)));
  return t;
}

function removeIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // not empty, or already gone
  }
}
