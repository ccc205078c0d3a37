import fs from 'node:fs';
import path from 'node:path';
import { datasetByCode, datasets, FIELD_TYPES, type Dataset, type FieldType } from '../../catalog/index.ts';
import { type Caller, type Ctx, fieldProblem, newId, notFound, noSuch, Problem, problem, requireRole, requireSameDepartment } from '../../kernel/index.ts';
import { LakeStageError, type StageRunner } from '../../lake/index.ts';
import { raiseNotice } from '../../identity/index.ts';
import type { Queryable } from '../../control/index.ts';
import { insertJob, jobById, setJobProgress, updateJob, type JobUpdate } from './jobs.ts';
import { ensureStandardMacros } from '../pipeline/macros.ts';
import { openIsolated, parseLimits } from '../readers/parseIsolated.ts';
import { makeWorkDir, removeWorkDir } from './workDirs.ts';
import { QUARANTINE_CSV_COLUMNS, referenceScan, unspreadsheetSql } from '../../share/index.ts';
import { srcCol } from '../sql.ts';
import { mappingOf, proposeMapping } from '../pipeline/mapping.ts';
import { stageMeasure, stageOutput, stageRead, stageReference, stageRows, stageUnique, tables, type Measures } from '../pipeline/stages.ts';
import { buildFields, type Plan, type ReferencePlan } from '../pipeline/plan.ts';
import { qualityReport, timeliness } from '../pipeline/quality.ts';
import { quarantinePaths, stageQuarantine } from '../pipeline/quarantine.ts';
import { openFile, type OpenedFile } from '../readers/openFile.ts';
import { checkSettings, loadSettings, saveMapping, savedMapping } from './settings.ts';
import { INGEST_ENCODINGS, INGEST_FORMATS, type IngestInput, type IngestJob, type QualityReport, type RuleSettings } from '../types.ts';

/** The job failed on its own terms (error limit, nothing accepted): recorded, no version written. */
class JobFailed extends Error {}

/** Percent of the whole job reached when a stage starts. */
const STAGE_PERCENT: Record<string, number> = {
  read: 32, rows: 60, unique: 63, reference: 66, measure: 70, quarantine: 74, output: 80,
};

function unwrap(err: unknown): unknown {
  let e = err;
  while (e instanceof LakeStageError && e.cause) e = e.cause;
  return e;
}

function checkInput(input: IngestInput): void {
  if (input.mode && !['append', 'upsert', 'replace'].includes(input.mode)) throw fieldProblem('mode', 'must be append, upsert or replace');
  if (input.format && !INGEST_FORMATS.includes(input.format)) throw fieldProblem('format', `must be one of ${INGEST_FORMATS.join(', ')}`);
  if (input.encoding && !INGEST_ENCODINGS.includes(input.encoding)) throw fieldProblem('encoding', `must be one of ${INGEST_ENCODINGS.join(', ')}`);
  if (input.delimiter !== undefined && (input.delimiter.length !== 1 || /[\r\n"]/.test(input.delimiter))) throw fieldProblem('delimiter', 'must be one character (not a quote or line break)');
  const l = input.errorLimit;
  if (l?.count !== undefined && (!Number.isInteger(l.count) || l.count < 0)) throw fieldProblem('errorLimit.count', 'must be a whole number ≥ 0');
  if (l?.share !== undefined && (!(l.share >= 0) || l.share > 1)) throw fieldProblem('errorLimit.share', 'must be between 0 and 1');
  if (!input.file || !fs.existsSync(input.file) || !fs.statSync(input.file).isFile()) throw fieldProblem('file', 'no such file');
}

/** Rules in force: the saved ones, overlaid field by field with this run's. */
function mergeRules(saved: RuleSettings, run: RuleSettings | undefined): RuleSettings {
  const fields = { ...(saved.fields ?? {}) };
  for (const [k, v] of Object.entries(run?.fields ?? {})) fields[k] = { ...(fields[k] ?? {}), ...v };
  return { fields, references: run?.references ?? saved.references ?? [], unique: run?.unique?.length ? run.unique : saved.unique };
}

/**
 * The reference rules in force, each resolved through the share guard: the dataset's department must
 * be entitled to the other dataset's key fields in clear, and the check is recorded as a read of it.
 */
async function resolveReferences(ctx: Ctx, caller: Caller, ds: Dataset, rules: RuleSettings, jobId: string): Promise<ReferencePlan[]> {
  const out: ReferencePlan[] = [];
  for (const [i, r] of (rules.references ?? []).entries()) {
    const other = await datasetByCode(ctx.db, r.dataset);
    if (!other) throw noSuch(`rules.references.${i}.dataset`, 'dataset', r.dataset);
    const key = r.key?.length ? r.key : other.primaryKey;
    const ref = await referenceScan(ctx, caller, { consumer: ds, target: other, key, jobId, at: `rules.references.${i}` });
    out.push({ fields: r.fields, dataset: other.code, datasetId: other.id, key, keyTypes: ref.keyTypes, scan: ref.scan });
  }
  return out;
}

function limitExceeded(m: Measures, l: IngestInput['errorLimit']): string | null {
  if (!l) return null;
  if (l.count !== undefined && m.rejected > l.count) return `拒绝 ${m.rejected} 行，超过上限 ${l.count} 行 / ${m.rejected} rows rejected, limit ${l.count}`;
  if (l.share !== undefined && m.rowsRead > 0 && m.rejected / m.rowsRead > l.share)
    return `拒绝比例 ${((100 * m.rejected) / m.rowsRead).toFixed(2)}%，超过上限 ${(100 * l.share).toFixed(2)}% / ${((100 * m.rejected) / m.rowsRead).toFixed(2)}% rows rejected, limit ${(100 * l.share).toFixed(2)}%`;
  return null;
}

/** The dataset a caller may ingest into (checked before an upload is even received). */
export async function ingestTarget(ctx: Ctx, caller: Caller, code: string): Promise<Dataset> {
  requireRole(caller, 'admin', 'officer');
  const ds = await datasets.require(ctx.db, code);
  requireSameDepartment(caller, ds.departmentId);
  return ds;
}

/**
 * Tell the dataset's officers that a job rejected rows (the notice links to the job). Connector and
 * push jobs come often: their notices fold into one per dataset while unread, linking to its jobs.
 */
async function noticeRejected(q: Queryable, ds: Dataset, j: { jobId: string; origin: string; sourceName: string; rowsRead: number; rejected: number; written: boolean }) {
  const often = j.origin === 'source' || j.origin === 'push';
  await raiseNotice(q, {
    kind: 'ingest.rejected', objectType: often ? 'ingest_jobs' : 'ingest_job', objectId: often ? ds.code : j.jobId, departmentId: ds.departmentId, admins: false,
    title: j.written ? `部分成功，${j.rejected} 行被拒绝：${ds.name} / partially succeeded, ${j.rejected} rows rejected: ${ds.code}`
      : `导入失败，${j.rejected} 行被拒绝：${ds.name} / failed, ${j.rejected} rows rejected: ${ds.code}`,
    body: `${j.sourceName}：读入 ${j.rowsRead} 行，拒绝 ${j.rejected} 行 / ${j.sourceName}: ${j.rowsRead} rows read, ${j.rejected} rejected`,
  });
}

/**
 * Ingest one file into a dataset as a new version:
 *   open (format, encoding, delimiter, columns) → map headers to fields → read + clean + check
 *   (DuckDB, one pass) → unique / reference checks → measure → quarantine → error limit → write.
 * Only the dataset's department (officer) or an admin may ingest. Rejected rows go to the
 * quarantine; an exceeded error limit fails the job without writing a version. The job record,
 * the saved mapping and the audit event commit in the same transaction as the version.
 * Bad input throws a problem (422) after recording the job as failed.
 */
export async function ingestFile(ctx: Ctx, caller: Caller, input: IngestInput): Promise<IngestJob> {
  const t0 = performance.now();
  const ds = await ingestTarget(ctx, caller, input.datasetCode);
  checkInput(input);
  const mode = input.mode ?? 'append';
  const saved = await loadSettings(ctx.db, ds.id);
  await checkSettings(ctx, ds, { cleaning: input.cleaning ?? {}, rules: input.rules ?? {} });
  const rules = mergeRules(saved.rules, input.rules);
  const unique = rules.unique?.length ? rules.unique : ds.primaryKey;
  if (mode === 'upsert' && !unique.length) throw problem('validation', 'mode: upsert 需要主键 / upsert needs a primary key', [{ field: 'mode', message: 'upsert needs a primary key' }]);
  if (input.retryOf) {
    const prev = await jobById(ctx.db, input.retryOf);
    if (!prev || prev.datasetId !== ds.id) throw notFound('job', input.retryOf);
  }

  const jobId = newId();
  const sourceName = (input.sourceName ?? path.basename(input.file)).slice(0, 500);
  const origin = input.origin ?? 'upload';
  await insertJob(ctx.db, { id: jobId, datasetId: ds.id, sourceName, mode, createdBy: caller.id, retryOf: input.retryOf, origin });
  const workDir = makeWorkDir(ctx.config.dataDir, 'work', jobId);
  input.onStart?.(jobId);
  // the job row shows where it is (at most twice a second), for the console and for async callers
  let lastSaved = 0;
  const progress = (stage: string, percent: number) => {
    input.onProgress?.({ stage, percent });
    const now = performance.now();
    if (now - lastSaved < 500) return;
    lastSaved = now;
    void setJobProgress(ctx.db, jobId, { stage, percent: Math.round(percent) }).catch(() => {});
  };
  const q = quarantinePaths(ctx.config.dataDir, ds.id, jobId);
  const found: JobUpdate & { measures?: Measures; quality?: QualityReport } = { status: 'running' };

  const finish = async (status: 'succeeded' | 'failed', extra: Partial<JobUpdate> = {}) => {
    const job = (await jobById(ctx.db, jobId))!;
    const { departmentId: _d, ...rest } = job;
    return { ...rest, status, seconds: Math.round(performance.now() - t0) / 1000, ...(extra.error ? { error: extra.error } : {}) } as IngestJob;
  };

  let stages: StageRunner | undefined;
  try {
    progress('open', 0);
    const open = { name: sourceName, format: input.format, encoding: input.encoding, delimiter: input.delimiter, sheet: input.sheet, workDir, tag: jobId.replaceAll('-', '') };
    // a file govhub staged itself is read here; anything else is parsed in a process of its own
    const src: OpenedFile = input.staged
      ? await ctx.lake.session('ingest.open', (st) => openFile(st, input.file, { ...open, onBytes: (b, total) => progress('transcode', Math.min(30, (30 * b) / Math.max(total, 1))) }))
      : await openIsolated(ctx.lake, { ...open, file: input.file, threads: ctx.config.duckdbThreads }, parseLimits(), (stage, percent) => progress(stage, percent));
    Object.assign(found, { format: src.format, encoding: src.encoding, delimiter: src.delimiter });
    if (QUARANTINE_CSV_COLUMNS.every((c) => c === '_raw' || c === '_reasons' || src.headers.includes(c))) {
      // a corrected quarantine CSV: its cells were made spreadsheet-safe on the way out
      src.relation = `(SELECT * REPLACE (${src.headers.map((_, i) => `${unspreadsheetSql(srcCol(i))} AS ${srcCol(i)}`).join(', ')}) FROM ${src.relation})`;
    }
    const matches = proposeMapping(src.headers, ds.fields, input.mapping, await savedMapping(ctx.db, ds.id, sourceName));
    found.mapping = mappingOf(matches);
    if (!matches.some((m) => m.field))
      throw problem('unprocessable', `没有任何列能对应到数据集字段（列：${src.headers.slice(0, 20).join('、')}）/ no column matches a field of ${ds.code}`);
    const plan: Plan = {
      tag: jobId.replaceAll('-', ''), mode, unique, headers: src.headers,
      fields: buildFields(ds, src.headers, matches, [saved.cleaning, input.cleaning ?? {}], [rules]),
      references: await resolveReferences(ctx, caller, ds, rules, jobId),
    };
    const current = await ctx.lake.version(ds.id);
    await ensureStandardMacros(ctx.lake);

    await ctx.lake.write({
      datasetId: ds.id, mode, primaryKey: mode === 'upsert' ? unique : undefined, jobId, actorId: caller.id,
      from: { sql: `SELECT * FROM ${tables(plan.tag).out}` },
      setup: async (run, parent) => {
        const st = run.withProgress((stage) => progress(stage, STAGE_PERCENT[stage] ?? 30));
        stages = st;
        await stageRead(st, plan, src);
        const structural = await stageRows(st, plan, src);
        await stageUnique(st, plan, parent && parent.rowCount > 0 ? { scan: parent.scan, columns: new Set(parent.schema.map((c) => c.name)) } : null);
        const ref = await stageReference(st, plan);
        const m = await stageMeasure(st, plan, src, structural, ref);
        if (m.rowsRead === 0) throw problem('unprocessable', '文件只有表头，没有数据行 / the file has a header but no data rows');
        const quality = qualityReport(plan, m, timeliness(ds.updateCycle, current?.createdAt ?? null));
        Object.assign(found, { measures: m, quality, rowsRead: m.rowsRead, accepted: m.accepted, rejected: m.rejected, quarantineRows: m.failures });
        if (m.rejected) {
          await stageQuarantine(st, plan, src, q, m, input.onFailures);
          found.quarantinePath = q.rel;
        }
        const over = limitExceeded(m, input.errorLimit);
        if (over) throw new JobFailed(`超过错误上限，未写入新版本：${over} / error limit exceeded, no version written`);
        if (m.accepted === 0) throw new JobFailed('没有通过校验的行，未写入新版本 / no row passed the checks; no version written');
        await stageOutput(st, plan, m);
        progress('write', 85);
      },
      onCommit: async (tx, v) => {
        const { measures: _m, quality, ...u } = found;
        await updateJob(tx, jobId, { ...u, quality, status: 'succeeded', version: v.version, error: null });
        await saveMapping(tx, ds.id, sourceName, found.mapping ?? {}, caller.id);
        await ctx.audit.append(tx, caller, {
          action: 'dataset.ingest', objectType: 'dataset', objectId: ds.code, departmentId: ds.departmentId,
          details: { jobId, version: v.version, mode, source: sourceName, format: found.format, rowsRead: found.rowsRead, accepted: found.accepted,
            rejected: found.rejected, quality: quality?.score ?? null, quarantine: found.quarantinePath ?? null },
        });
        if (found.rejected) await noticeRejected(tx, ds, { jobId, origin, sourceName, rowsRead: found.rowsRead ?? 0, rejected: found.rejected, written: true });
        if (input.onCommit) await input.onCommit(tx, v);
      },
    });
    progress('done', 100);
    return await finish('succeeded');
  } catch (err) {
    const root = unwrap(err);
    const message = root instanceof Problem ? root.detail ?? root.message : root instanceof Error ? root.message : String(root);
    const { measures: _m, ...u } = found;
    await updateJob(ctx.db, jobId, { ...u, status: 'failed', error: message.slice(0, 2000) }).catch(() => {});
    if (found.rejected && found.quarantinePath)
      await noticeRejected(ctx.db, ds, { jobId, origin, sourceName, rowsRead: found.rowsRead ?? 0, rejected: found.rejected, written: false }).catch(() => {});
    await ctx.audit
      .record(caller, { action: 'dataset.ingest_failed', objectType: 'dataset', objectId: ds.code, departmentId: ds.departmentId, details: { jobId, source: sourceName, error: message.slice(0, 500) } })
      .catch(() => {});
    if (root instanceof JobFailed) return await finish('failed', { error: message });
    if (root instanceof Problem) throw root;
    ctx.log.error({ err, jobId, dataset: ds.code }, 'ingest failed');
    throw err;
  } finally {
    if (stages) ctx.log.debug({ jobId, stages: Object.fromEntries([...stages.timings].map(([k, v]) => [k, Math.round(v)])), totalMs: Math.round(performance.now() - t0) }, 'ingest stages');
    removeWorkDir(workDir);
  }
}

