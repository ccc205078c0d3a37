/** Engine errors of user-written SQL, worded for the user. */

/**
 * An engine error as the caller may see it: its first line, in the caller's own names, without
 * paths and without quoted values. (A value in an error need not come from a row the caller may
 * see: the engine may evaluate the caller's expression before the view's row filter.)
 */
export function engineMessage(err: unknown, original: ReadonlyMap<string, string>): string {
  let msg = (err instanceof Error ? err.message : String(err)).replace(/^lake\.query: stage \w+ failed: /, '').split('\n')[0] ?? '';
  msg = msg.replace(/read_parquet\([^)]*\)/g, '…').replace(/'[^']*'/g, "'…'").replace(/\/[^\s'"]+/g, '…');
  for (const [generated, name] of original) msg = msg.replace(new RegExp(`\\b${generated}\\b`, 'g'), name);
  return msg.slice(0, 500);
}
