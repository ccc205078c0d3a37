import type { Field, MaskKind } from '../catalog/index.ts';
import { type FieldError, problem } from '../kernel/index.ts';
import { isTighter } from '../lake/index.ts';
import { maskKindOf } from './masking.ts';

/**
 * The mask each level gives a field read by another department: L1 public and L2 internal are shown
 * as they are; L3 sensitive and L4 highly sensitive are masked by the field's own mask (named on the
 * field, or inferred from its data element: ID → first 6 + last 4, mobile → 138****5678, name → 张*明,
 * …; an L4 field with nothing to go on becomes a keyed pseudonym). A field marked `none` is never masked.
 */
export function levelMask(f: Field): MaskKind {
  if (f.sensitivity === 'L1' || f.sensitivity === 'L2') return 'none';
  return maskKindOf(f);
}

export interface MaskChoice {
  /** The mask of every granted field that is masked (fields absent here are shown as they are). */
  masks: Record<string, MaskKind>;
  /** Masks set looser than the level's default: allowed only when the owner decides, with the reason. */
  loosened: { field: string; from: MaskKind; to: MaskKind }[];
}

/**
 * The masks of a grant over `fields`: the level's default, changed by `asked` where it tightens —
 * or loosens, when `owner` (the providing department deciding, with a reason) allows it.
 * Among masks of the same rank (e.g. `id` for `phone`) a change is a loosening unless it is the default.
 */
export function chooseMasks(ds: { fields: Field[] }, fields: string[], asked: Record<string, MaskKind> | undefined, owner: boolean, at = 'masks'): MaskChoice {
  const byName = new Map(ds.fields.map((f) => [f.name, f]));
  const masks: Record<string, MaskKind> = {};
  const loosened: MaskChoice['loosened'] = [];
  const errors: FieldError[] = [];
  for (const name of Object.keys(asked ?? {})) if (!fields.includes(name)) errors.push({ field: `${at}.${name}`, message: `field ${name} is not granted` });
  for (const name of fields) {
    const f = byName.get(name)!;
    const base = levelMask(f);
    const want = asked?.[name] ?? base;
    // a grant may only tighten the level's mask (see MASK_STRICTNESS); anything else loosens it
    const looser = want !== base && !isTighter(want, base);
    if (looser && !owner) errors.push({ field: `${at}.${name}`, message: `mask ${want} is looser than the level's ${base}: only the providing department may approve it` });
    if (looser) loosened.push({ field: name, from: base, to: want });
    if (want !== 'none') masks[name] = want;
  }
  if (errors.length) throw problem('validation', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  return { masks, loosened };
}
