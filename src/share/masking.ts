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

/** SQL expression showing the value `expr` of field f masked (as text, except a year mask and `none`). */
export function maskExpr(f: Field, expr: string, pseudonymKey: string): string {
  const kind = maskKindOf(f);
  return maskSql(kind, kind === 'year' || kind === 'none' ? expr : `CAST(${expr} AS VARCHAR)`, { key: pseudonymKey });
}

/** SQL expression showing field f masked, named as the field. */
export function maskedColumn(f: Field, pseudonymKey: string): string {
  return `${maskExpr(f, ident(f.name), pseudonymKey)} AS ${ident(f.name)}`;
}
