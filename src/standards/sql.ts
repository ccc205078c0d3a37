/** SQL text helpers shared by the element files. */

/** Quote a string as a SQL literal. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A SQL list literal of strings: ['a','b']. */
export function sqlStringList(items: readonly string[]): string {
  return `[${items.map(sqlString).join(', ')}]`;
}

/** A finite number as SQL DOUBLE literal. */
export function sqlNumber(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  return `${n}::DOUBLE`;
}

/** Prefix for every macro and lookup table this module installs. */
export const PREFIX = 'std_';

/** `CREATE OR REPLACE [TEMP] MACRO name(args) AS body` — TEMP keeps it out of database files. */
export function macro(name: string, args: string, body: string, temp = true): string {
  return `CREATE OR REPLACE ${temp ? 'TEMP ' : ''}MACRO ${name}(${args}) AS ${body.trim()}`;
}

/**
 * How an element is checked in SQL: a cleaning step, then an ordered list of checks, each
 * with the reason code it reports when it fails, then the normalized form.
 *
 * Why a list and not CASE/AND: DuckDB evaluates a shared sub-expression once per row only
 * when it sits outside CASE, AND, OR and COALESCE (its common-subexpression pass stops at
 * conditional expressions). Each check is therefore written as a plain boolean, the checks
 * are gathered in one list value, and the first failing one is found with list_position.
 * The cleaned value, the parsed digits, the birth date… are then computed once per row.
 */
export interface CheckedElementSql {
  /** Element id; macros are std_<id>_valid / _reason / _norm. */
  id: string;
  /** SQL over `s` producing the cleaned value `c`. */
  prep: string;
  /** Ordered checks over `c` as [reason, boolean SQL]; 'empty' is checked first automatically. */
  checks: Array<[reason: string, ok: string]>;
  /** SQL over `c` giving the normalized value; evaluated for every row, so it must never raise. */
  norm: string;
  /** Type of the normalized value (default VARCHAR). */
  normType?: string;
}

export function checkedElementMacros(spec: CheckedElementSql): string[] {
  const { id } = spec;
  const checks: Array<[string, string]> = [['empty', `c <> ''`], ...spec.checks];
  const n = checks.length;
  const flags = `[${checks.map(([, ok]) => `(${ok}) IS TRUE`).join(', ')}]`;
  const reasons = sqlStringList(checks.map(([r]) => r));
  const validList = `[NULL::BOOLEAN, ${Array(n - 1).fill('false').join(', ')}, true]`;
  const c = `std__${id}_prep(s)`;
  const firstFail = `list_position(std__${id}_flags(${c}), false)`;
  return [
    macro(`std__${id}_prep`, 's', spec.prep),
    macro(`std__${id}_flags`, 'c', flags),
    macro(`std__${id}_normc`, 'c', spec.norm),
    macro(`std_${id}_reason`, 's', `${reasons}[${firstFail}]`),
    macro(`std_${id}_valid`, 's', `${validList}[coalesce(${firstFail}, ${n + 1})]`),
    macro(
      `std_${id}_norm`,
      's',
      `[NULL::${spec.normType ?? 'VARCHAR'}, std__${id}_normc(${c})][(${firstFail} IS NULL)::INTEGER + 1]`,
    ),
  ];
}
