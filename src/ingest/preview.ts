import fs from 'node:fs';
import path from 'node:path';
import { datasetByCode } from '../catalog/index.ts';
import type { Caller, Ctx } from '../context.ts';
import { requireRole, requireSameDepartment } from '../identity/index.ts';
import { newId } from '../ids.ts';
import { problem } from '../server/errors.ts';
import { PREVIEW_ROWS } from './limits.ts';
import { proposeMapping, type ColumnMatch } from './mapping.ts';
import { openSource } from './readers/source.ts';
import { savedMapping } from './settings.ts';
import { srcCol } from './sql.ts';
import { Stages } from './Stages.ts';
import type { HeaderMapping, IngestEncoding, IngestFormat } from './types.ts';

export interface PreviewInput {
  datasetCode: string;
  file: string;
  sourceName?: string;
  format?: IngestFormat;
  encoding?: IngestEncoding;
  delimiter?: string;
  sheet?: string | number;
  mapping?: HeaderMapping;
}

/** What the upload wizard shows before the ingest: how the file was read and how its columns map. */
export interface Preview {
  format: IngestFormat;
  encoding: IngestEncoding | null;
  delimiter: string | null;
  sheet: string | null;
  sheets: string[] | null;
  headers: string[];
  columns: ColumnMatch[];
  rows: (string | null)[][];
  /** Dataset fields no column maps to (required ones will fail every row). */
  unmappedFields: { name: string; title: string; required: boolean }[];
}

/** Read the first rows of a file and propose the header → field mapping (saved mapping first). */
export async function previewFile(ctx: Ctx, caller: Caller, input: PreviewInput): Promise<Preview> {
  requireRole(caller, 'admin', 'officer');
  const ds = await datasetByCode(ctx.db, input.datasetCode);
  if (!ds) throw problem('not-found', `数据集不存在 / dataset ${input.datasetCode}`);
  requireSameDepartment(caller, ds.departmentId);
  if (!fs.existsSync(input.file)) throw problem('validation', 'file: no such file', [{ field: 'file', message: 'no such file' }]);
  const sourceName = input.sourceName ?? path.basename(input.file);
  const workDir = path.join(ctx.config.dataDir, 'ingest', 'work', `preview-${newId()}`);
  fs.mkdirSync(workDir, { recursive: true });
  try {
    return await ctx.lake.withConnection(async (conn) => {
      const st = new Stages(conn);
      const src = await openSource(st, input.file, { ...input, name: sourceName, workDir, tag: 'preview', preview: true });
      const cols = src.headers.map((_, i) => srcCol(i)).join(', ');
      let rows: Record<string, string | null>[];
      try {
        rows = await st.rows(`preview`, `SELECT ${cols} FROM ${src.relation} ${src.hasSkipColumn ? 'WHERE NOT __skip' : ''} LIMIT ${PREVIEW_ROWS}`);
      } catch (err) {
        throw problem('unprocessable', `文件无法读取：${((err as Error).cause as Error | undefined)?.message?.split('\n')[0] ?? (err as Error).message} / the file cannot be read`);
      }
      const columns = proposeMapping(src.headers, ds.fields, input.mapping, await savedMapping(ctx.db, ds.id, sourceName));
      const mapped = new Set(columns.map((c) => c.field).filter(Boolean));
      return {
        format: src.format, encoding: src.encoding, delimiter: src.delimiter, sheet: src.sheet, sheets: src.sheets, headers: src.headers, columns,
        rows: rows.map((r) => src.headers.map((_, i) => r[srcCol(i)] ?? null)),
        unmappedFields: ds.fields.filter((f) => !mapped.has(f.name)).map((f) => ({ name: f.name, title: f.title, required: !!f.required || ds.primaryKey.includes(f.name) })),
      };
    });
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
