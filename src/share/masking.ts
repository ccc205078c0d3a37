import type { Field } from '../catalog/index.ts';
import { ident, maskSql, type MaskKind } from '../lake/index.ts';

/** The mask a field gets when shown masked: explicit, else from its data element or name. */
export function maskKindOf(f: Field): MaskKind {
  if (f.mask) return f.mask;
  const el = f.element ?? '';
  if (el === 'id_card') return 'id';
  if (el === 'mobile' || el === 'phone') return 'phone';
  if (el === 'email') return 'email';
  if (el === 'person_name' || /(^|_)(name|xm)$/.test(f.name)) return 'name';
  if (el === 'address' || /addr|address|dz$/.test(f.name)) return 'address';
  if (f.type === 'date' || f.type === 'timestamp') return 'year';
  return f.sensitivity === 'L4' ? 'pseudonym' : 'keep';
}

/** Masks that read the value as it is typed (dates generalised, or shown as is); the rest read it as text. */
const TYPED: ReadonlySet<string> = new Set(['year', 'month', 'ageband', 'none']);

/** SQL expression showing the value `expr` masked by `kind`. */
export function maskKindExpr(kind: MaskKind, expr: string, pseudonymKey: string): string {
  return maskSql(kind, TYPED.has(kind) ? expr : `CAST(${expr} AS VARCHAR)`, { key: pseudonymKey });
}

/** SQL expression showing the value `expr` of field f masked by its own mask. */
export const maskExpr = (f: Field, expr: string, pseudonymKey: string) => maskKindExpr(maskKindOf(f), expr, pseudonymKey);

/** SQL expression showing field f masked by `kind`, named as the field. */
export const maskExprAs = (kind: MaskKind, f: Field, pseudonymKey: string) => `${maskKindExpr(kind, ident(f.name), pseudonymKey)} AS ${ident(f.name)}`;
