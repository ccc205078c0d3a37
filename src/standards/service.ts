import { type Caller, type Ctx, problem, notFound, requireRole } from '../kernel/index.ts';
import { getElement, hasElement, listElements, registerElement, StandardsError, unregisterElement, validate, type CustomElementSpec } from './registry.ts';
import type { ElementParams } from './types.ts';

interface Row { id: string; title: string; title_en: string | null; description: string; template: CustomElementSpec['template']; params: ElementParams | string }

const toSpec = (r: Row): CustomElementSpec => ({
  id: r.id, title: r.title, titleEn: r.title_en ?? undefined, description: r.description, template: r.template,
  params: typeof r.params === 'string' ? JSON.parse(r.params) : r.params,
});

/** Register the user-defined elements stored in the control plane (at start, and after each change). */
export async function loadCustomElements(ctx: Pick<Ctx, 'db'>): Promise<number> {
  const rows = await ctx.db.query<Row>('SELECT * FROM data_elements ORDER BY id');
  for (const r of rows) {
    try { registerElement(toSpec(r)); } catch { /* a stored element that no longer validates stays unregistered */ }
  }
  return rows.length;
}

function asProblem(err: unknown): never {
  if (err instanceof StandardsError) throw problem('validation', err.message, [{ field: 'params', message: err.message }]);
  throw err;
}

/** The standards library (数据标准): built-in elements plus the bureau's own. */
export const standards = {
  list: () => ({ items: listElements() }),

  check(_caller: Caller, input: { element: string; value: unknown; params?: ElementParams }) {
    if (!hasElement(input.element)) throw problem('validation', `未知数据元 / unknown element ${input.element}`, [{ field: 'element', message: 'unknown element' }]);
    try { return validate(input.element, input.value, input.params); } catch (err) { return asProblem(err); }
  },

  async define(ctx: Ctx, caller: Caller, spec: CustomElementSpec) {
    requireRole(caller, 'admin');
    const existing = getElement(spec.id);
    if (existing && existing.kind !== 'custom') throw problem('conflict', `与内置数据元同名 / taken by a built-in element: ${spec.id}`, [{ field: 'id', message: 'taken' }]);
    // the pattern runs in the data plane's engine (RE2): refuse one it cannot compile now, not at the next ingest
    const pattern = (spec.params as { pattern?: unknown } | undefined)?.pattern;
    const bad = typeof pattern === 'string' ? await ctx.lake.regexError(pattern) : null;
    if (bad) throw problem('validation', `params.pattern: 正则表达式无法编译（RE2）/ the regular expression does not compile (RE2): ${bad}`, [{ field: 'params.pattern', message: bad }]);
    let info;
    try { info = registerElement(spec); } catch (err) { asProblem(err); }
    await ctx.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO data_elements (id, title, title_en, description, template, params, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7)
         ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, title_en = EXCLUDED.title_en, description = EXCLUDED.description,
           template = EXCLUDED.template, params = EXCLUDED.params, updated_at = now()`,
        [spec.id, spec.title, spec.titleEn ?? null, spec.description ?? '', spec.template, JSON.stringify(spec.params), caller.id]);
      await ctx.audit.append(tx, caller, { action: existing ? 'standard.update' : 'standard.create', objectType: 'data_element', objectId: spec.id, details: { template: spec.template, params: spec.params } });
    });
    return info!;
  },

  async remove(ctx: Ctx, caller: Caller, id: string) {
    requireRole(caller, 'admin');
    const used = await ctx.db.one<{ code: string }>(`SELECT code FROM datasets WHERE fields @> $1::jsonb LIMIT 1`, [JSON.stringify([{ element: id }])]);
    if (used) throw problem('conflict', `数据元仍被数据集 ${used.code} 使用 / still used by dataset ${used.code}`);
    await ctx.db.transaction(async (tx) => {
      const r = await tx.query('DELETE FROM data_elements WHERE id = $1 RETURNING id', [id]);
      if (!r.length) throw notFound('element', id);
      await ctx.audit.append(tx, caller, { action: 'standard.delete', objectType: 'data_element', objectId: id });
    });
    unregisterElement(id);
  },
};
