/** Limits on what an ingest accepts. */

/** Most columns a source file may have. */
export const MAX_COLUMNS = 2000;

/** Longest line (record) DuckDB's CSV reader accepts; longer lines are quarantined. */
export const MAX_LINE_BYTES = 2 * 1024 * 1024;

/**
 * DuckDB's CSV read buffer (per reading thread). Its default is 16 × the longest line; a smaller
 * buffer keeps a read within small memory limits.
 */
export const CSV_BUFFER_BYTES = 4 * MAX_LINE_BYTES;

/** Largest upload through the API (GOVHUB_INGEST_MAX_BYTES, default 2 GiB). */
export function maxUploadBytes(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.GOVHUB_INGEST_MAX_BYTES);
  return Number.isFinite(n) && n > 0 ? n : 2 * 1024 ** 3;
}

/** Rows a preview shows. */
export const PREVIEW_ROWS = 20;

/** Entries of a code-value map, items of an enum. */
export const MAX_CODE_MAP = 10_000;
