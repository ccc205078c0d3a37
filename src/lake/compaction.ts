import type { LakeFile } from './types.ts';

/**
 * Size-tiered compaction of append-only datasets (sensors, the push API, incremental syncs write
 * many small versions). Files are grouped by size class (powers of FANOUT); when one class holds
 * FANOUT files, the next append folds them into its own new file, which lands a class higher.
 * A version then carries at most about (FANOUT − 1) files per class, so its manifest and its scans
 * stay small however many appends came before, and each row is rewritten only once per class
 * (log_FANOUT of the dataset's size), not on every append. Older versions keep their own files:
 * time travel is unchanged.
 */
export const COMPACTION = {
  /** Files per size class that trigger folding them together. */
  fanout: 8,
  /** Files this large are left alone (they are already efficient to scan). */
  maxBytes: 256 * 1024 * 1024,
} as const;

/** Size class of a file: ⌊log_fanout(bytes)⌋. */
export function sizeClass(bytes: number, fanout: number = COMPACTION.fanout): number {
  return Math.floor(Math.log(Math.max(bytes, 1)) / Math.log(fanout));
}

/**
 * The files an append should fold into its new file: those of the smallest size class that holds
 * `fanout` or more files (below `maxBytes`); none when no class is full.
 */
export function filesToCompact(files: LakeFile[], opts: { fanout?: number; maxBytes?: number } = {}): LakeFile[] {
  const fanout = opts.fanout ?? COMPACTION.fanout;
  const maxBytes = opts.maxBytes ?? COMPACTION.maxBytes;
  const byClass = new Map<number, LakeFile[]>();
  for (const f of files) {
    if (f.rows === 0 || f.bytes >= maxBytes) continue;
    const c = sizeClass(f.bytes, fanout);
    byClass.set(c, [...(byClass.get(c) ?? []), f]);
  }
  const full = [...byClass.entries()].filter(([, fs]) => fs.length >= fanout).sort(([a], [b]) => a - b);
  return full[0]?.[1] ?? [];
}
