import { FIELD_TYPES, type Dataset } from '../../catalog/index.ts';
import type { Caller, Ctx } from '../../kernel/index.ts';
import type { Queryable } from '../../control/index.ts';
import { ident, type VersionInfo } from '../../lake/index.ts';

/**
 * A `replace` version with no rows, for a full sync of a source that has become empty (there is
 * no record to check, so the ingest pipeline has nothing to do). Audited like an ingest.
 */
export async function emptyReplace(ctx: Ctx, caller: Caller, ds: Dataset, sourceName: string, onCommit: (tx: Queryable, v: VersionInfo) => Promise<void>): Promise<VersionInfo> {
  const cols = ds.fields.map((f) => `CAST(NULL AS ${FIELD_TYPES[f.type] ?? 'VARCHAR'}) AS ${ident(f.name)}`);
  return ctx.lake.write({
    datasetId: ds.id, mode: 'replace', actorId: caller.id,
    from: { sql: `SELECT ${cols.join(', ')} WHERE false` },
    onCommit: async (tx, v) => {
      await ctx.audit.append(tx, caller, {
        action: 'dataset.ingest', objectType: 'dataset', objectId: ds.code, departmentId: ds.departmentId,
        details: { version: v.version, mode: 'replace', source: sourceName, rowsRead: 0, accepted: 0, rejected: 0 },
      });
      await onCommit(tx, v);
    },
  });
}
