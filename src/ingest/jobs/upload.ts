import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { fieldProblem, problem } from '../../kernel/index.ts';
import { makeWorkDir, removeWorkDir } from './workDirs.ts';
import type { CleaningSettings, ErrorLimit, IngestEncoding, IngestFormat, RuleSettings } from '../types.ts';

export interface Upload {
  file: string;
  filename: string;
  bytes: number;
  fields: Record<string, string>;
  cleanup(): void;
}

/** A safe file name to keep on disk (the original is kept as the source name). */
function safeName(name: string): string {
  const base = path.basename(name || 'upload').replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(-120);
  return base && base !== '.' && base !== '..' ? base : 'upload';
}

/**
 * Stream a multipart upload (one file plus form fields) to `<dataDir>/ingest/uploads/<id>/`.
 * The size cap is @fastify/multipart's fileSize limit: over it the stream errors (413) and the
 * partial file is removed.
 */
export async function receiveUpload(req: FastifyRequest, dataDir: string): Promise<Upload> {
  if (!req.isMultipart()) throw problem('unsupported-media-type', '请以 multipart/form-data 上传文件 / upload the file as multipart/form-data');
  const dir = makeWorkDir(dataDir, 'uploads');
  const cleanup = () => removeWorkDir(dir);
  const fields: Record<string, string> = {};
  let file: string | null = null;
  let filename = '';
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (file) {
          part.file.resume();
          throw problem('validation', 'file: 只能上传一个文件 / upload one file', [{ field: 'file', message: 'one file only' }]);
        }
        filename = part.filename || 'upload';
        file = path.join(dir, safeName(filename));
        await pipeline(part.file, fs.createWriteStream(file));
        if (part.file.truncated) throw problem('payload-too-large', '上传文件超过大小上限 / the file is over the upload limit');
      } else {
        fields[part.fieldname] = String(part.value ?? '');
      }
    }
  } catch (err) {
    cleanup();
    throw err;
  }
  if (!file) {
    cleanup();
    throw problem('validation', 'file: 缺少文件 / no file in the upload', [{ field: 'file', message: 'required' }]);
  }
  return { file, filename, bytes: fs.statSync(file).size, fields, cleanup };
}


function json<T>(field: string, s: string | undefined): T | undefined {
  if (s === undefined || s === '') return undefined;
  try {
    return JSON.parse(s) as T;
  } catch {
    throw fieldProblem(field, 'must be JSON');
  }
}

/** errorLimit as a form field: `100` (rows), `5%` (share), `0.05` (share) or JSON {"count":…, "share":…}. */
export function parseErrorLimit(s: string | undefined): ErrorLimit | undefined {
  if (s === undefined || s.trim() === '') return undefined;
  const v = s.trim();
  if (v.startsWith('{')) return json<ErrorLimit>('errorLimit', v);
  if (v.endsWith('%')) {
    const n = Number(v.slice(0, -1));
    if (!(n >= 0 && n <= 100)) throw fieldProblem('errorLimit', 'a share must be 0%–100%');
    return { share: n / 100 };
  }
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw fieldProblem('errorLimit', 'rows (100), a share (5% or 0.05) or JSON');
  return Number.isInteger(n) ? { count: n } : { share: n };
}

/** The ingest options carried as form fields of an upload. */
export function uploadOptions(f: Record<string, string>) {
  const sheet = f.sheet === undefined || f.sheet === '' ? undefined : /^\d+$/.test(f.sheet) ? Number(f.sheet) : f.sheet;
  return {
    mode: (f.mode || undefined) as 'append' | 'upsert' | 'replace' | undefined,
    format: (f.format || undefined) as IngestFormat | undefined,
    encoding: (f.encoding || undefined) as IngestEncoding | undefined,
    delimiter: f.delimiter === '\\t' || f.delimiter === 'tab' ? '\t' : f.delimiter || undefined,
    sheet,
    errorLimit: parseErrorLimit(f.errorLimit),
    mapping: json<Record<string, string | null>>('mapping', f.mapping),
    cleaning: json<CleaningSettings>('cleaning', f.cleaning),
    rules: json<RuleSettings>('rules', f.rules),
  };
}
