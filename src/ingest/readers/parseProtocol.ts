import type { IngestEncoding, IngestFormat } from '../types.ts';
import type { FileMeta } from './openFile.ts';

/** What the server asks of a parse process: one file, read and written as Parquet in workDir. */
export interface ParseRequest {
  file: string;
  /** The name the file came with (format detection by extension). */
  name: string;
  format?: IngestFormat;
  encoding?: IngestEncoding;
  delimiter?: string;
  sheet?: string | number;
  /** Only the first rows, answered in the reply (no Parquet written). */
  preview: boolean;
  previewRows: number;
  workDir: string;
  tag: string;
  memoryLimitMb: number;
  threads?: number;
}

export interface ParseResult {
  /** How the file was read: everything of an OpenedFile but its relations, which the server builds over the files. */
  meta: FileMeta;
  /** Parquet of the source relation: `c0…cN` VARCHAR plus the flag columns (full parse). */
  parsed?: string;
  /** Parquet of the CSV rows the reader rejected (line, error_type, csv_line, error_message), when any. */
  rejects?: string;
  /** The first rows, by source column (preview). */
  rows?: (string | null)[][];
}

/** Messages from the parse process. */
export type ParseMessage =
  | { type: 'ready' }
  | { type: 'progress'; stage: string; percent: number }
  | { type: 'done'; result: ParseResult }
  | { type: 'problem'; slug: 'unprocessable' | 'validation' | 'payload-too-large'; detail: string; errors?: { field: string; message: string }[] }
  | { type: 'error'; message: string };
