/**
 * Bulk import of cases (批量导入) from CSV (UTF-8 or GBK) or XLSX, by the dispatch centre: every row
 * is checked first and a file with any bad row is refused whole, naming each row and field; then
 * each row becomes a pending case of channel `import`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { checkInflatedSize, decodeText } from '../../ingest/index.ts';
import { type Caller, type Ctx, type FieldError, problem } from '../../kernel/index.ts';
import { checkReport, intake, type ReportInput } from './intake.ts';

const MAX_ROWS = 5000;

/** Column headers, Chinese or English, to report fields. */
const HEADERS: Record<string, keyof ReportInput> = {
  标题: 'title', title: 'title', 内容: 'text', 诉求内容: 'text', text: 'text', 类别: 'category', 类别代码: 'category', category: 'category',
  紧急程度: 'urgency', urgency: 'urgency', 地址: 'address', address: 'address', 经度: 'lng', lng: 'lng', longitude: 'lng', 纬度: 'lat', lat: 'lat', latitude: 'lat',
  姓名: 'reporterName', 反映人: 'reporterName', name: 'reporterName', 电话: 'reporterPhone', 联系电话: 'reporterPhone', phone: 'reporterPhone',
  同意公开: 'consent', consent: 'consent', 时间: 'reportedAt', 反映时间: 'reportedAt', reported_at: 'reportedAt', time: 'reportedAt',
};

async function readRows(file: { filename: string; data: Buffer }): Promise<Record<string, string>[]> {
  if (/\.xlsx$/i.test(file.filename)) {
    const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-cases-')), 'in.xlsx');
    try {
      fs.writeFileSync(tmp, file.data);
      await checkInflatedSize(tmp, 64 * 1024 * 1024);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(tmp);
      const ws = wb.worksheets[0];
      if (!ws) return [];
      const header: string[] = [];
      const rows: Record<string, string>[] = [];
      ws.eachRow({ includeEmpty: false }, (row, n) => {
        const cells = (row.values as unknown[]).slice(1).map((v) => (v instanceof Date ? v.toISOString() : v && typeof v === 'object' && 'text' in v ? String((v as { text: unknown }).text) : v === null || v === undefined ? '' : String(v)));
        if (n === 1) header.push(...cells.map((c) => c.trim()));
        else rows.push(Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
      });
      return rows;
    } catch (err) {
      if ((err as { status?: number }).status) throw err;
      throw problem('unprocessable', `XLSX 无法读取 / cannot read the XLSX (${(err as Error).message.slice(0, 200)})`);
    } finally {
      fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
    }
  }
  try {
    return parse(decodeText(file.data), { columns: (h: string[]) => h.map((x) => x.trim()), skip_empty_lines: true, relax_column_count: true, trim: true }) as Record<string, string>[];
  } catch (err) {
    if ((err as { status?: number }).status) throw err;
    throw problem('unprocessable', `CSV 无法解析 / cannot parse the CSV (${(err as Error).message.slice(0, 200)})`);
  }
}

function toReport(row: Record<string, string>): ReportInput {
  const out: Record<string, unknown> = { channel: 'import' };
  for (const [h, v] of Object.entries(row)) {
    const key = HEADERS[h] ?? HEADERS[h.toLowerCase()];
    if (!key || v === '') continue;
    if (key === 'lng' || key === 'lat') out[key] = Number(v);
    else if (key === 'consent') out[key] = /^(1|true|yes|是|同意)$/i.test(v);
    else if (key === 'urgency') out[key] = /^(urgent|紧急)$/i.test(v) ? 'urgent' : v === '普通' ? 'normal' : v;
    else if (key === 'reportedAt') out[key] = Number.isNaN(Date.parse(v)) ? v : new Date(v.replace(/\//g, '-')).toISOString();
    else out[key] = v;
  }
  return out as unknown as ReportInput;
}

export const caseImport = {
  MAX_BYTES: 10 * 1024 * 1024,

  async run(ctx: Ctx, caller: Caller, file: { filename: string; data: Buffer }): Promise<{ imported: number; codes: string[] }> {
    if (!/\.(csv|txt|xlsx)$/i.test(file.filename)) throw problem('unsupported-media-type', '请上传 CSV 或 XLSX 文件 / upload a CSV or XLSX file');
    const rows = await readRows(file);
    if (!rows.length) throw problem('validation', 'file: 文件中没有案件 / no rows in the file', [{ field: 'file', message: 'empty' }]);
    if (rows.length > MAX_ROWS) throw problem('validation', `file: 一次最多导入 ${MAX_ROWS} 行 / ${MAX_ROWS} rows at most`, [{ field: 'file', message: `more than ${MAX_ROWS} rows` }]);
    const reports: ReportInput[] = [];
    const errors: FieldError[] = [];
    rows.forEach((row, i) => {
      try {
        reports.push(checkReport(toReport(row)));
      } catch (err) {
        const fe = (err as { errors?: FieldError[] }).errors ?? [{ field: '', message: (err as Error).message }];
        for (const e of fe) errors.push({ field: `rows[${i + 2}].${e.field}`, message: e.message });
      }
    });
    if (errors.length) throw problem('validation', `${errors.length} 处错误，未导入任何案件 / ${errors.length} errors, nothing imported: ${errors.slice(0, 5).map((e) => e.field).join(', ')}`, errors.slice(0, 200));
    const codes: string[] = [];
    for (const r of reports) codes.push((await intake.report(ctx, caller, r, { skipDuplicates: true })).code);
    return { imported: codes.length, codes };
  },
};
