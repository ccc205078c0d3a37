import type { DbKind } from '../types.ts';

/** Where rows go while a query streams: called once per row, values in select-list order. */
export type RowSink = (row: unknown[]) => void;

/** Milliseconds to wait before reading more (the throttle), asked every few hundred rows. */
export type Gate = () => number;

/** One connection to a department database, read-only. */
export interface SourceDb {
  readonly kind: DbKind;
  /** Quote an identifier (`schema.table` is split and each part quoted). */
  quote(name: string): string;
  /** Placeholder of the n-th (1-based) parameter. */
  param(n: number): string;
  /** Column names of a query's result (no rows read). */
  columns(sql: string): Promise<string[]>;
  /** First row of a query (small results: min / max, counts). */
  one(sql: string, params?: unknown[]): Promise<unknown[] | undefined>;
  /**
   * Stream a query's rows into `sink` without holding them in memory, inside one READ ONLY
   * transaction; `gate` may hold the stream back (throttle). Returns the columns and row count.
   */
  stream(sql: string, params: unknown[], sink: RowSink, gate?: Gate): Promise<{ columns: string[]; rows: number }>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  ssl?: boolean;
  /** The host name TLS names when `host` is the address it resolved to (see connectDb). */
  servername?: string;
  connectTimeoutMs?: number;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
