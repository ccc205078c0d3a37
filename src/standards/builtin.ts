import type { ElementDef } from './types.ts';

type MacroNames = 'macroName' | 'reasonMacroName' | 'normalizeMacroName';
type BuiltinSpec = Omit<ElementDef, 'kind' | MacroNames | 'validSql' | 'reasonSql' | 'normalizeSql'> &
  Partial<Pick<ElementDef, 'validSql' | 'reasonSql' | 'normalizeSql'>>;

/**
 * A builtin element (a fixed national standard). Its SQL side is three DuckDB macros named after the
 * element — std_<id>_valid, std_<id>_reason and std_<id>_norm, installed by its `macros` — and its
 * SQL builders call them, unless the element builds its own (e.g. the date range check).
 */
export function builtinElement(spec: BuiltinSpec): ElementDef {
  const macro = (what: string) => `std_${spec.id}_${what}`;
  const call = (what: string) => (e: string) => `${macro(what)}(${e})`;
  return {
    kind: 'builtin',
    macroName: macro('valid'),
    reasonMacroName: macro('reason'),
    normalizeMacroName: macro('norm'),
    validSql: call('valid'),
    reasonSql: call('reason'),
    normalizeSql: call('norm'),
    ...spec,
  };
}
