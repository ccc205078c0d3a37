import type { Readable } from 'node:stream';
import type { Dataset, Field } from '../catalog/index.ts';
import type { Caller, Ctx } from '../kernel/index.ts';
import { literal, maskSql } from '../lake/index.ts';
import { failureText } from '../standards/index.ts';
import { csvDownload } from './exportCsv.ts';
import { managerView, masksField, type ManagerView } from './guard.ts';
import { maskExpr } from './masking.ts';

/** A job's quarantine, as the ingest module hands it over (the job already checked visible to the caller). */
export interface QuarantineFile {
  dataset: Dataset;
  jobId: string;
  /** Absolute path of the job's quarantine Parquet. */
  file: string;
  /** Source header → dataset field (null: not mapped). */
  mapping: Record<string, string | null>;
  /** Rejected source rows. */
  rows: number;
}

export interface QuarantineEntry {
  row: number;
  field: string | null;
  header: string | null;
  rule: string;
  reason: string | null;
  /** The failure in words, Chinese first: `身份证号：校验位错误`. */
  message: string;
  value: string | null;
  record: string | null;
}

/** Columns a quarantine CSV puts before the original ones (ignored when it is ingested again). */
export const QUARANTINE_CSV_COLUMNS = ['_row', '_errors', '_reasons', '_raw'];

/**
 * How a reader sees a quarantine: the same rules as a read of the dataset (the guard's basis). The
 * department that owns the data sees the rejected values in clear; anyone else (an admin helping)
 * sees L3/L4 values masked, columns the file had beyond the dataset's fields as stars, and no raw
 * line (it cannot be masked field by field).
 */
async function view(ctx: Ctx, caller: Caller, q: QuarantineFile) {
  const basis: ManagerView = managerView(caller, q.dataset);
  const key = ctx.config.secretKey ?? '';
  // the source's columns in file order, as the records hold them
  const [first] = await ctx.lakeReader.query<{ k: string[] }>(`SELECT json_keys(record) AS k FROM ${scan(q)} WHERE record IS NOT NULL LIMIT 1`);
  const byName = new Map(q.dataset.fields.map((f) => [f.name, f]));
  const masked = (f: Field | undefined) => !f || masksField(basis, f);
  const clear = basis === 'owner';
  /** SQL of one value of field f (or of an unmapped column when f is undefined), as this reader sees it. */
  const shown = (f: Field | undefined, expr: string) =>
    clear || !masked(f) ? expr : `CAST(${f ? maskExpr(f, expr, key) : maskSql('keep', expr, { first: 0, last: 0 })} AS VARCHAR)`;
  const fieldOf = (header: string) => byName.get(q.mapping[header] ?? '');
  const headers = (first?.k ?? Object.keys(q.mapping)).filter((h) => !QUARANTINE_CSV_COLUMNS.includes(h));
  const pointer = (h: string) => literal('/' + h.replaceAll('~', '~0').replaceAll('/', '~1'));
  const value = clear
    ? 'value'
    : `CASE WHEN field IS NULL THEN NULL ${q.dataset.fields.filter((f) => masked(f)).map((f) => `WHEN field = ${literal(f.name)} THEN ${shown(f, 'value')}`).join(' ')} ELSE value END`;
  const record = clear
    ? 'record'
    : `CAST(json_object(${[...headers.map((h) => `${literal(h)}, ${shown(fieldOf(h), `json_extract_string(record, ${pointer(h)})`)}`), `'_raw', NULL`].join(', ')}) AS VARCHAR)`;
  const maskedFields = clear ? [] : [...q.dataset.fields.filter((f) => masked(f)).map((f) => f.name), ...headers.filter((h) => !fieldOf(h))];
  return { basis, clear, value, record, headers, maskedFields };
}

const scan = (q: QuarantineFile) => `read_parquet(${literal(q.file)})`;

/** One rejected source row with its failures. */
type GroupedRow = { row: number; record: string | null; failures: { field: string | null; header: string | null; rule: string; reason: string | null }[] };

/** Rejected rows, one per source row, in row order. */
const groupedSql = (q: QuarantineFile, record: string, where: string, limit: number, offset: number) =>
  `SELECT row, any_value(${record}) AS record, list({'field': field, 'header': header, 'rule': rule, 'reason': reason} ORDER BY field NULLS FIRST) AS failures
   FROM ${scan(q)} ${where} GROUP BY row ORDER BY row LIMIT ${Math.trunc(limit)} OFFSET ${Math.trunc(offset)}`;

/** A failure in words, named by the file's column (or the field's title). */
const failureMessage = (q: QuarantineFile, f: GroupedRow['failures'][number], lang: 'zh' | 'en' = 'zh') =>
  failureText(f.header ?? q.dataset.fields.find((x) => x.name === f.field)?.title ?? null, f.rule, f.reason, lang);

/** Every quarantine read is audited on the job: its format, what it returned, the basis and what was masked. */
function audited(ctx: Ctx, caller: Caller, q: QuarantineFile, v: { basis: ManagerView; maskedFields: string[] }, read: Record<string, unknown>) {
  return ctx.audit.record(caller, {
    action: 'ingest.quarantine_read', objectType: 'ingest_job', objectId: q.jobId, departmentId: q.dataset.departmentId,
    details: { dataset: q.dataset.code, ...read, basis: v.basis, masked: v.maskedFields },
  });
}

/** A grouped row's record (the source columns by header, `_raw` for an unreadable line). */
const recordOf = (r: GroupedRow) => (r.record ? JSON.parse(r.record) : {}) as Record<string, string | null>;

/**
 * Reading a job's rejected rows (the quarantine) through the guard: masked per reader, every read
 * audited as `ingest.quarantine_read` on the job with the basis and what was masked.
 */
export const quarantineReader = {
  /** One page of failures (one entry per failed rule and row), in row order. */
  async entries(ctx: Ctx, caller: Caller, q: QuarantineFile, page: { limit: number; offset: number }) {
    const v = await view(ctx, caller, q);
    const [items, count] = await Promise.all([
      ctx.lakeReader.query<Omit<QuarantineEntry, 'message'>>(`SELECT row, field, header, rule, reason, ${v.value} AS value, ${v.record} AS record
        FROM ${scan(q)} ORDER BY row, field NULLS FIRST LIMIT ${Math.trunc(page.limit)} OFFSET ${Math.trunc(page.offset)}`),
      ctx.lakeReader.query<{ n: number }>(`SELECT count(*) AS n FROM ${scan(q)}`),
    ]);
    await audited(ctx, caller, q, v, { format: 'json', offset: page.offset, rows: items.length });
    return {
      items: items.map((e) => ({ ...e, row: Number(e.row), message: failureText(e.header ?? e.field, e.rule, e.reason) })),
      total: Number(count[0]?.n ?? 0), limit: page.limit, offset: page.offset, masked: !v.clear, maskedFields: v.maskedFields,
    };
  },

  /**
   * One page of rejected rows as the file had them (one item per source row): the file's columns
   * in order, each row's values (masked like `entries`), the unreadable line (`raw`) where a reader
   * could not split it, and its failures in words.
   */
  async rows(ctx: Ctx, caller: Caller, q: QuarantineFile, page: { limit: number; offset: number }) {
    const v = await view(ctx, caller, q);
    const [items, count] = await Promise.all([
      ctx.lakeReader.query<GroupedRow>(groupedSql(q, v.record, '', page.limit, page.offset)),
      ctx.lakeReader.query<{ n: number }>(`SELECT count(DISTINCT row) AS n FROM ${scan(q)}`),
    ]);
    await audited(ctx, caller, q, v, { format: 'rows', offset: page.offset, rows: items.length });
    return {
      columns: v.headers,
      items: items.map((r) => {
        const rec = recordOf(r);
        return {
          row: Number(r.row), values: Object.fromEntries(v.headers.map((h) => [h, rec[h] ?? null])), raw: rec._raw ?? null,
          failures: r.failures.map((f) => ({ ...f, message: `${failureMessage(q, f)} / ${failureMessage(q, f, 'en')}` })),
        };
      }),
      total: Number(count[0]?.n ?? 0), limit: page.limit, offset: page.offset, masked: !v.clear, maskedFields: v.maskedFields,
    };
  },

  /**
   * The CSV of rejected rows — one per source row: `_row`, `_errors` (machine codes), `_reasons` (in
   * words), `_raw`, then the original columns under their headers — ready to correct and ingest
   * again. Masked like `entries` for readers outside the department; spreadsheet-safe cells.
   */
  async csv(ctx: Ctx, caller: Caller, q: QuarantineFile): Promise<{ stream: Readable; filename: string; masked: boolean }> {
    const v = await view(ctx, caller, q);
    await audited(ctx, caller, q, v, { format: 'csv', rows: q.rows });
    async function* rows() {
      let after = -1;
      for (;;) {
        const batch = await ctx.lakeReader.query<GroupedRow>(groupedSql(q, v.record, `WHERE row > ${after}`, 5000, 0));
        for (const r of batch) {
          const rec = recordOf(r);
          const errors = r.failures.map((f) => `${f.header ?? f.field ?? ''}:${f.rule}${f.reason ? `(${f.reason})` : ''}`).join('; ');
          const reasons = r.failures.map((f) => failureMessage(q, f)).join('；');
          yield [Number(r.row), errors, reasons, rec._raw ?? null, ...v.headers.map((h) => rec[h] ?? null)];
        }
        if (batch.length < 5000) return;
        after = Number(batch[batch.length - 1]!.row);
      }
    }
    return { stream: csvDownload([...QUARANTINE_CSV_COLUMNS, ...v.headers], rows()), filename: `${q.dataset.code}-rejected-${q.jobId}.csv`, masked: !v.clear };
  },
};
