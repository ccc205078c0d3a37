import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../control/index.ts';
import { isUuid, newId } from '../kernel/index.ts';
import type { Engine } from './Engine.ts';
import type { Layout } from './layout.ts';
import { LakeStageError } from './LakeStageError.ts';
import type { ManifestStore } from './ManifestStore.ts';
import { filesToCompact } from './compaction.ts';
import { copyToParquet, fsyncAll, type WrittenFile } from './parquetFiles.ts';
import { parquetScan, scanFiles } from './scan.ts';
import { newRowsRelation } from './newRows.ts';
import { StageRunner } from './StageRunner.ts';
import type { ColumnSchema, LakeFile, VersionInfo, WriteInput } from './types.ts';
import { stageUpsert } from './upsert.ts';
import type { WriteIntents } from './WriteIntents.ts';

const MODES = new Set(['append', 'upsert', 'replace']);
const OP = 'lake.write';

/** What the DuckDB part of a write produced, still in the staging directory. */
interface Staged {
  written: WrittenFile[];
  carried: LakeFile[];
  rowsAdded: number;
  schema: ColumnSchema[];
}

/**
 * Writes one new immutable version of a dataset:
 *   lock → intent → stage Parquet (setup, from, key, merge, write, schema) → publish (rename into
 *   place, fsync) → commit the manifest, current_version and onCommit in one control-plane transaction.
 * The manifest is committed last, so a writer that dies at any point leaves the previous version
 * current and intact; what it left on disk is unreferenced and removed by cleanupOrphans.
 */
export class SnapshotWriter {
  constructor(
    private db: Db,
    private engine: Engine,
    private layout: Layout,
    private manifests: ManifestStore,
    private intents: WriteIntents,
  ) {}

  async write(input: WriteInput): Promise<VersionInfo> {
    if (!isUuid(input.datasetId)) throw new LakeStageError(OP, 'prepare', new Error(`dataset id must be a UUID: ${input.datasetId}`));
    if (!MODES.has(input.mode)) throw new LakeStageError(OP, 'prepare', new Error(`unknown mode ${input.mode}`), undefined, input.datasetId);
    return this.db.withLock(`lake:${input.datasetId}`, () => this.writeLocked(input));
  }

  private async writeLocked(input: WriteInput): Promise<VersionInfo> {
    const id = input.datasetId;
    const head = await this.manifests.head(id);
    if (!head) throw new LakeStageError(OP, 'prepare', new Error(`dataset ${id} not found`), undefined, id);
    const parent = head.currentVersion > 0 ? await this.manifests.version(id, head.currentVersion) : undefined;
    const primaryKey = input.primaryKey?.length ? input.primaryKey : head.primaryKey;
    if (input.mode === 'upsert' && !primaryKey.length)
      throw new LakeStageError(OP, 'prepare', new Error('upsert needs a primary key (none given and the dataset has none)'), undefined, id);

    const version = head.currentVersion + 1;
    const writeId = newId();
    const staging = this.layout.stagingDir(id, writeId);
    const finalDir = this.layout.versionDir(id, version, writeId);
    await this.intents.begin(writeId, id, version);
    let published = false;
    try {
      fs.mkdirSync(staging, { recursive: true });
      const outDir = path.join(staging, 'out');
      const staged = await this.engine.withPrivateConnection((conn) =>
        this.stage(new StageRunner(conn, OP, id), input, parent, primaryKey, staging, outDir),
      );

      // publish: one directory rename moves the new files into place, then make them durable
      const kept = staged.written.filter((f) => f.rows > 0);
      for (const f of staged.written) if (f.rows === 0) fs.rmSync(f.abs, { force: true });
      let newFiles: LakeFile[] = [];
      if (kept.length) {
        await stageStep('publish', id, async () => {
          fs.renameSync(outDir, finalDir);
          published = true;
          newFiles = kept.map((f) => ({ path: this.layout.rel(path.join(finalDir, path.relative(outDir, f.abs))), rows: f.rows, bytes: f.bytes }));
          const dirs = [...new Set(newFiles.map((f) => path.dirname(this.layout.abs(f.path))))];
          fsyncAll(newFiles.map((f) => this.layout.abs(f.path)), [...dirs, finalDir, path.dirname(finalDir)]);
        });
      }
      fs.rmSync(staging, { recursive: true, force: true });
      const files = [...staged.carried, ...newFiles];
      const manifest: Omit<VersionInfo, 'createdAt'> = {
        datasetId: id,
        version,
        parentVersion: parent ? parent.version : null,
        mode: input.mode,
        files,
        schema: staged.schema,
        rowCount: files.reduce((n, f) => n + f.rows, 0),
        rowsAdded: staged.rowsAdded,
        jobId: input.jobId ?? null,
        createdBy: input.actorId ?? null,
      };
      return await stageStep('commit', id, () =>
        this.db.transaction(async (tx) => {
          const v = await this.manifests.commit(tx, manifest);
          await this.intents.end(writeId, tx);
          if (input.onCommit) await input.onCommit(tx, v);
          return v;
        }),
      );
    } catch (err) {
      const done = published && (await this.committed(id, version, writeId));
      if (!done) {
        if (published) fs.rmSync(finalDir, { recursive: true, force: true });
        await this.intents.end(writeId).catch(() => {});
      }
      throw err;
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
      removeIfEmpty(path.dirname(staging));
    }
  }

  /** Did version `version` with this write's files reach the control plane? ('unknown' counts as yes: keep the files.) */
  private async committed(id: string, version: number, writeId: string): Promise<boolean> {
    try {
      const v = await this.manifests.version(id, version);
      return !!v && v.files.some((f) => f.path.includes(writeId));
    } catch {
      return true;
    }
  }

  /** The DuckDB part: new rows → Parquet files in outDir, plus what the new manifest carries over. */
  private async stage(
    run: StageRunner,
    input: WriteInput,
    parent: VersionInfo | undefined,
    primaryKey: string[],
    staging: string,
    outDir: string,
  ): Promise<Staged> {
    if (input.setup) {
      const p = parent ? { version: parent.version, rowCount: parent.rowCount, schema: parent.schema, scan: scanFiles(parent.files, parent.schema, (rel) => this.layout.abs(rel)) } : null;
      await run.step('setup', () => input.setup!(run, p));
    }
    const { relation: src, columns } = await newRowsRelation(run, input.from, staging, parent?.schema);
    const parentFiles = parent?.files ?? [];

    let written: WrittenFile[];
    let carried: LakeFile[];
    let rowsAdded: number;
    if (input.mode === 'upsert') {
      const missing = primaryKey.filter((c) => !columns.some((s) => s.name.toLowerCase() === c.toLowerCase()));
      if (missing.length) throw run.fail('key', new Error(`key column(s) ${missing.join(', ')} not in the new rows`));
      ({ written, carried, rowsAdded } = await stageUpsert(run, src, parentFiles, primaryKey, outDir, (rel) => this.layout.abs(rel)));
    } else {
      written = await copyToParquet(run, 'write', `SELECT * FROM ${src}`, outDir);
      carried = input.mode === 'append' ? parentFiles : [];
      rowsAdded = written.reduce((n, f) => n + f.rows, 0);
    }

    // many small carried files (frequent appends / upserts): fold one full size class into a new file
    const fold = filesToCompact(carried);
    if (fold.length) {
      fs.mkdirSync(outDir, { recursive: true });
      const folded = await copyToParquet(run, 'compact', `SELECT * FROM ${parquetScan(fold.map((f) => this.layout.abs(f.path)))}`, path.join(outDir, 'compacted'));
      const gone = new Set(fold.map((f) => f.path));
      carried = carried.filter((f) => !gone.has(f.path));
      written = [...written, ...folded];
    }

    // schema of exactly what the version will read (or, when it has no rows, of the empty batch)
    const nonEmpty = [...carried.filter((f) => f.rows > 0).map((f) => this.layout.abs(f.path)), ...written.filter((f) => f.rows > 0).map((f) => f.abs)];
    let schema: ColumnSchema[];
    if (nonEmpty.length || written.length) {
      const describe = `DESCRIBE SELECT * FROM ${parquetScan(nonEmpty.length ? nonEmpty : written.map((f) => f.abs))}`;
      const cols = await run.rows<{ column_name: string; column_type: string }>('schema', describe);
      schema = cols.map((c) => ({ name: c.column_name, type: c.column_type }));
    } else {
      schema = columns.length ? columns : (parent?.schema ?? []);
    }
    return { written, carried, rowsAdded, schema };
  }
}

async function stageStep<T>(stage: string, datasetId: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw err instanceof LakeStageError ? err : new LakeStageError(OP, stage, err, undefined, datasetId);
  }
}

function removeIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // not empty (another write is staging) or already gone
  }
}
