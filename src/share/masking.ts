import type { Field, MaskKind } from '../catalog/types.ts';
import { maskSql } from '../lake/index.ts';
import { ident, literal } from './sql.ts';

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

/** SQL expression showing field f masked, named as the field. */
export function maskedColumn(f: Field, pseudonymKey: string): string {
  const col = ident(f.name);
  const kind = maskKindOf(f);
  const expr =
    kind === 'none' ? col
      : kind === 'pseudonym' ? `pseudonym(CAST(${col} AS VARCHAR), ${literal(pseudonymKey)})`
        : kind === 'keep' ? maskSql('keep', `CAST(${col} AS VARCHAR)`)
          : maskSql(kind, kind === 'year' ? col : `CAST(${col} AS VARCHAR)`);
  return `${expr} AS ${col}`;
}
