import fs from 'node:fs';
import path from 'node:path';
import { newId, OWNER, ownerGone } from '../../kernel/index.ts';

/**
 * Short-lived directories of uploads, parses and staged batches, under `<dataDir>/ingest/`:
 *   uploads/<id>/   an uploaded file until its job has read it
 *   work/<id>/      one job's or preview's converted files and parsed Parquet
 * Each carries an `.owner` file naming the process (`host:pid`) that made it. Whoever made one
 * removes it when done; what a crashed or killed process left is removed by `sweepWorkDirs` at the
 * next start (owner gone on this host, or older than a day where the owner cannot be asked).
 */
export const WORK_AREAS = ['uploads', 'work'] as const;
type Area = (typeof WORK_AREAS)[number];

const OWNER_FILE = '.owner';
const STALE_MS = 24 * 3600_000;

/** Make a new work directory in `area` (named `prefix-<id>`, or `<id>` when no prefix) owned by this process. */
export function makeWorkDir(dataDir: string, area: Area, name: string = newId()): string {
  const dir = path.join(dataDir, 'ingest', area, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, OWNER_FILE), OWNER);
  return dir;
}

export function removeWorkDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Remove the work directories of processes that have ended. Returns what was removed. */
export function sweepWorkDirs(dataDir: string, now = Date.now()): string[] {
  const removed: string[] = [];
  for (const area of WORK_AREAS) {
    const root = path.join(dataDir, 'ingest', area);
    if (!fs.existsSync(root)) continue;
    for (const name of fs.readdirSync(root)) {
      const dir = path.join(root, name);
      let owner: string | null = null;
      let age = Infinity;
      try {
        age = now - fs.statSync(dir).mtimeMs;
        owner = fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8').trim();
      } catch {
        // no owner file (yet, or an old layout): judged by age alone
      }
      if (owner === OWNER) continue;
      if ((owner && ownerGone(owner)) || age > STALE_MS || (!owner && age > 60_000)) {
        removeWorkDir(dir);
        removed.push(path.join('ingest', area, name));
      }
    }
  }
  return removed;
}
