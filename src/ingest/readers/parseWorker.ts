/**
 * The parse process: reads one uploaded file — untrusted bytes — and writes what it holds as
 * Parquet for the server to check. It runs apart from the server (see parseIsolated.ts) so that a
 * file that crashes a parser, or inflates without end, ends this process and fails one job, never
 * the server. Its DuckDB may touch only the upload and the job's work directory.
 */
import path from 'node:path';
// the engine alone, not the lake's index: this process starts once per upload, so it loads only what it needs
import { Engine } from '../../lake/Engine.ts';
import { literal } from '../../lake/sql.ts';
import { Problem, problem } from '../../kernel/index.ts';
import type { ParseMessage, ParseRequest, ParseResult } from './parseProtocol.ts';
import { openFile } from './openFile.ts';
import { srcCol } from '../sql.ts';

const send = (m: ParseMessage) => new Promise<void>((resolve) => process.send!(m, undefined, undefined, () => resolve()));

async function parse(req: ParseRequest): Promise<ParseResult> {
  const engine = await Engine.create({
    threads: req.threads, memoryLimit: `${req.memoryLimitMb}MB`, tempDir: path.join(req.workDir, 'duckdb-tmp'), maxIdle: 1,
    sandbox: { dirs: [req.workDir], files: [req.file] },
  });
  try {
    return await engine.stages('ingest.parse', async (st) => {
      const src = await openFile(st, req.file, {
        name: req.name, format: req.format, encoding: req.encoding, delimiter: req.delimiter, sheet: req.sheet, workDir: req.workDir,
        tag: req.tag, preview: req.preview, onBytes: (b, total) => void send({ type: 'progress', stage: 'transcode', percent: Math.min(30, (30 * b) / Math.max(total, 1)) }),
      });
      const meta = {
        format: src.format, encoding: src.encoding, delimiter: src.delimiter, sheet: src.sheet, sheets: src.sheets, headers: src.headers,
        hasRowColumn: src.hasRowColumn, hasSkipColumn: src.hasSkipColumn, hasParseColumns: src.hasParseColumns, bytes: src.bytes,
      };
      if (req.preview) {
        const cols = src.headers.map((_, i) => srcCol(i)).join(', ');
        let rows: Record<string, string | null>[];
        try {
          rows = await st.rows('preview', `SELECT ${cols} FROM ${src.relation} ${src.hasSkipColumn ? 'WHERE NOT __skip' : ''} LIMIT ${Math.trunc(req.previewRows)}`);
        } catch (err) {
          throw problem('unprocessable', `文件无法读取：${firstLine(err)} / the file cannot be read`);
        }
        return { meta, rows: rows.map((r) => src.headers.map((_, i) => r[srcCol(i)] ?? null)) };
      }
      await send({ type: 'progress', stage: 'parse', percent: 30 });
      const parsed = path.join(req.workDir, 'parsed.parquet');
      try {
        // uncompressed (the server reads it once, right away, from the same disk), in small row
        // groups so the server's read stays within small memory limits
        await st.run('parse', `COPY (SELECT * FROM ${src.relation}) TO ${literal(parsed)} (FORMAT parquet, COMPRESSION uncompressed, ROW_GROUP_SIZE 16384)`);
      } catch (err) {
        throw problem('unprocessable', `文件无法读取：${firstLine(err)} / the file cannot be read`);
      }
      let rejects: string | undefined;
      if (src.rejects) {
        const [{ n }] = await st.rows<{ n: number }>('parse', `SELECT count(*) AS n FROM ${src.rejects.relation}`);
        if (Number(n) > 0) {
          rejects = path.join(req.workDir, 'rejects.parquet');
          await st.run('parse', `COPY (SELECT line, error_type, csv_line, error_message FROM ${src.rejects.relation}) TO ${literal(rejects)} (FORMAT parquet)`);
        }
      }
      return { meta, parsed, rejects };
    });
  } finally {
    engine.close();
  }
}

function firstLine(err: unknown): string {
  const e = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const m = e instanceof Error ? e.message : String(e);
  return (m.split('\n').find((l) => l.trim()) ?? m).slice(0, 400);
}

process.once('message', (req: ParseRequest) => {
  void (async () => {
    let msg: ParseMessage;
    try {
      msg = { type: 'done', result: await parse(req) };
    } catch (err) {
      const p = err instanceof Problem ? err : err instanceof Error && err.cause instanceof Problem ? err.cause : null;
      msg = p && (p.slug === 'unprocessable' || p.slug === 'validation' || p.slug === 'payload-too-large')
        ? { type: 'problem', slug: p.slug, detail: p.detail ?? p.message, errors: p.errors }
        : { type: 'error', message: firstLine(err) };
    }
    await send(msg);
    process.exit(0);
  })();
});
// a spare process whose server has gone ends with it
process.on('disconnect', () => process.exit(0));
void send({ type: 'ready' });
