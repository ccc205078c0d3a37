import fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { once } from 'node:events';
import { problem } from '../../kernel/index.ts';
import { headerNames } from './sniff.ts';
import { checkZipBomb, DEFAULT_ZIP_LIMITS, type ZipLimits } from './zipInspect.ts';
import { MAX_COLUMNS } from '../limits.ts';

interface SheetReader extends AsyncIterable<import('exceljs').Row> {
  name: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A cell value as the text a person sees (dates as ISO; formulas as their result). */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)));
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) {
    const d = `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`;
    const t = v.getUTCHours() || v.getUTCMinutes() || v.getUTCSeconds() ? ` ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}` : '';
    return d + t;
  }
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: string; formula?: string };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('');
    if ('result' in o) return cellText(o.result);
    if ('text' in o) return cellText(o.text);
    if (o.error) return '';
  }
  return String(v);
}


export interface XlsxResult {
  headers: string[];
  rows: number;
  sheet: string;
  sheets: string[];
}

export interface XlsxOptions {
  /** Sheet name or 1-based index (default: the first sheet). */
  sheet?: string | number;
  /** Stop after this many data rows (previews). */
  maxRows?: number;
  limits?: ZipLimits;
  /** Most bytes the CSV may reach (default: the zip limit on uncompressed size). */
  maxCsvBytes?: number;
}

/**
 * Convert one sheet of an XLSX workbook into a UTF-8 CSV whose first column `__row` is the data
 * row number (Excel row minus the header row), streaming: exceljs reads the zip entry by entry
 * and the rows are written as they come. The zip is checked for bombs before it is opened: by the
 * sizes its directory declares, then by inflating every entry with a cap on the bytes that come out.
 */
export async function xlsxToCsv(file: string, outCsv: string, opts: XlsxOptions = {}): Promise<XlsxResult> {
  const limits = opts.limits ?? DEFAULT_ZIP_LIMITS;
  // the directory's sizes first (cheap), then the real ones: every entry inflated and counted
  checkZipBomb(file, limits);
  await (await import('./inflateCap.ts')).checkInflatedSize(file, limits.maxUncompressed);
  const maxBytes = opts.maxCsvBytes ?? limits.maxUncompressed;
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' });
  const out = fs.createWriteStream(outCsv);
  const sheets: string[] = [];
  let chosen: XlsxResult | undefined;
  let bytes = 0;
  const write = async (line: string) => {
    bytes += Buffer.byteLength(line);
    if (bytes > maxBytes) throw problem('unprocessable', `XLSX 内容过大（超过 ${Math.round(maxBytes / 1024 / 1024)} MB）/ XLSX content over ${Math.round(maxBytes / 1024 / 1024)} MB`);
    if (!out.write(line)) await once(out, 'drain');
  };
  try {
    let index = 0;
    for await (const ws of reader as unknown as AsyncIterable<SheetReader>) {
      index++;
      sheets.push(ws.name);
      const want = opts.sheet === undefined ? index === 1 : typeof opts.sheet === 'number' ? opts.sheet === index : opts.sheet === ws.name || String(index) === opts.sheet;
      if (!want || chosen) {
        for await (const _row of ws) { /* drain the sheet to reach the next one */ }
        continue;
      }
      let headerRow = 0;
      let headers: string[] = [];
      let rows = 0;
      for await (const row of ws) {
        const values = (row.values as unknown[]) ?? [];
        if (!headerRow) {
          const cells = values.slice(1).map(cellText);
          if (!cells.some((c) => c.trim())) continue;
          while (cells.length && !cells[cells.length - 1]!.trim()) cells.pop();
          if (cells.length > MAX_COLUMNS) throw problem('unprocessable', `列数 ${cells.length} 超过上限 ${MAX_COLUMNS} / ${cells.length} columns, limit ${MAX_COLUMNS}`);
          headerRow = row.number;
          headers = headerNames(cells);
          await write(stringify([['__row', ...headers]]));
          continue;
        }
        if (opts.maxRows !== undefined && rows >= opts.maxRows) continue;
        const cells: string[] = [];
        for (let c = 1; c <= headers.length; c++) cells.push(cellText(values[c]));
        if (!cells.some((c) => c !== '')) continue;
        await write(stringify([[row.number - headerRow, ...cells]]));
        rows++;
      }
      chosen = { headers, rows, sheet: ws.name, sheets };
    }
  } catch (err) {
    out.destroy();
    if ((err as { status?: number }).status) throw err;
    throw problem('unprocessable', `XLSX 文件无法读取：${(err as Error).message} / cannot read the XLSX file`);
  }
  out.end();
  await once(out, 'finish');
  if (!chosen) throw problem('unprocessable', `工作表不存在：${opts.sheet ?? 1}（现有：${sheets.join('、')}）/ no such sheet ${opts.sheet ?? 1} (sheets: ${sheets.join(', ')})`);
  return { ...chosen, sheets };
}
