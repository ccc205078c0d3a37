import fs from 'node:fs';
import path from 'node:path';
import { datasets } from '../../catalog/index.ts';
import { type Caller, type Ctx, newId, problem, requireRole, requireSameDepartment } from '../../kernel/index.ts';
import { PREVIEW_ROWS } from '../limits.ts';
import { proposeMapping, type ColumnMatch } from '../pipeline/mapping.ts';
import { parseIsolated, parseLimits } from '../readers/parseIsolated.ts';
import type { FileMeta } from '../readers/openFile.ts';
import { savedMapping } from './settings.ts';
import { makeWorkDir, removeWorkDir } from './workDirs.ts';
import type { HeaderMapping, IngestEncoding, IngestFormat } from '../types.ts';

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
export interface Preview extends Pick<FileMeta, 'format' | 'encoding' | 'delimiter' | 'sheet' | 'sheets' | 'headers'> {
  columns: ColumnMatch[];
  rows: (string | null)[][];
  /** Dataset fields no column maps to (required ones will fail every row). */
  unmappedFields: { name: string; title: string; required: boolean }[];
}

/** Read the first rows of a file and propose the header → field mapping (saved mapping first). */
export async function previewFile(ctx: Ctx, caller: Caller, input: PreviewInput): Promise<Preview> {
  requireRole(caller, 'admin', 'officer');
  const ds = await datasets.require(ctx.db, input.datasetCode);
  requireSameDepartment(caller, ds.departmentId);
  if (!fs.existsSync(input.file)) throw problem('validation', 'file: no such file', [{ field: 'file', message: 'no such file' }]);
  const sourceName = input.sourceName ?? path.basename(input.file);
  const workDir = makeWorkDir(ctx.config.dataDir, 'work', `preview-${newId()}`);
  try {
    // an upload is untrusted: it is read in a process of its own, like an ingest
    const { meta: src, rows } = await parseIsolated(
      { file: input.file, name: sourceName, format: input.format, encoding: input.encoding, delimiter: input.delimiter, sheet: input.sheet, preview: true, previewRows: PREVIEW_ROWS, workDir, tag: 'preview', threads: ctx.config.duckdbThreads },
      parseLimits(),
    );
    const columns = proposeMapping(src.headers, ds.fields, input.mapping, await savedMapping(ctx.db, ds.id, sourceName));
    const mapped = new Set(columns.map((c) => c.field).filter(Boolean));
    return {
      format: src.format, encoding: src.encoding, delimiter: src.delimiter, sheet: src.sheet, sheets: src.sheets, headers: src.headers, columns, rows: rows ?? [],
      unmappedFields: ds.fields.filter((f) => !mapped.has(f.name)).map((f) => ({ name: f.name, title: f.title, required: !!f.required || ds.primaryKey.includes(f.name) })),
    };
  } finally {
    removeWorkDir(workDir);
  }
}
