/**
 * The demo city's 一人一档 / 一企一档: every dataset that describes persons or enterprises feeds the
 * index (the household register and the business register are the most trusted sources), and one
 * full linkage run builds the profiles.
 */
import { datasetByCode } from '../catalog/index.ts';
import { SYSTEM, type Ctx } from '../kernel/index.ts';
import { ENTITY_KINDS, entityRuns, entitySources, suggestRoles } from '../entity/index.ts';
import { DEPARTMENTS } from './departments.ts';

/** Trust of a source for the golden record: the base registers first, then the rest. */
const TRUST: Record<string, number> = { GA_HJRK: 100, SC_QYDJ: 100, SW_NSRDJ: 80, YB_CBRY: 60, RS_SBCB: 60 };

export async function demoEntities(ctx: Ctx): Promise<void> {
  for (const kind of ENTITY_KINDS) {
    for (const d of DEPARTMENTS.flatMap((x) => x.datasets)) {
      const ds = await datasetByCode(ctx.db, d.code);
      if (!ds || ds.shareType === 'none' || !suggestRoles(kind, ds).length) continue;
      await entitySources.put(ctx, SYSTEM, kind, ds, { trust: TRUST[d.code] ?? 40 });
    }
    await entityRuns.runNow(ctx, SYSTEM, kind, { mode: 'full' });
  }
}
