/**
 * Candidate pairs: the union of the blocking rules, each pair once with its ids in order
 * (rid_l < rid_r as text) and, for `link_only`, its two records from different sources. With an
 * `involving` table only pairs touching one of its ids are made, by joining that subset to all
 * records on each side (so a batch costs what the batch touches, not a full run).
 */
import type { LinkSettings } from './types.ts';
import { ident, rid } from './sql.ts';

/** What every pair must satisfy besides its rule: ordered ids, different sources for link_only. */
export function pairGuard(settings: LinkSettings): string {
  const parts = [`${rid('l', settings)} < ${rid('r', settings)}`];
  if (settings.linkType === 'link_only') {
    if (!settings.sourceColumn) throw new Error('link_only 需要来源列 / link: linkType link_only needs sourceColumn');
    parts.push(`l.${ident(settings.sourceColumn)} IS DISTINCT FROM r.${ident(settings.sourceColumn)}`);
  }
  return parts.join(' AND ');
}

/** SELECT rid_l, rid_r of the pairs meeting any of `rules` (duplicates removed). */
export function candidatePairsSql(settings: LinkSettings, records: string, rules: string[], involving?: string): string {
  if (!rules.length) throw new Error('没有分块规则 / link: no blocking rule');
  const one = (rule: string, left: string, right: string) =>
    `SELECT ${rid('l', settings)} AS rid_l, ${rid('r', settings)} AS rid_r FROM ${left} l JOIN ${right} r ON (${rule}) AND ${pairGuard(settings)}`;
  const subset = involving
    ? `(SELECT * FROM ${records} WHERE CAST(${ident(settings.idColumn)} AS VARCHAR) IN (SELECT CAST(${ident(settings.idColumn)} AS VARCHAR) FROM ${involving}))`
    : '';
  const selects = rules.flatMap((rule) => (involving ? [one(rule, subset, records), one(rule, records, subset)] : [one(rule, records, records)]));
  return selects.join('\nUNION\n');
}

/** Number of pairs a full comparison would make (what blocking saves us from). */
export function allPairsSql(settings: LinkSettings, records: string): string {
  if (settings.linkType === 'link_only' && settings.sourceColumn) {
    const s = ident(settings.sourceColumn);
    return `SELECT ((sum(n) * sum(n) - sum(n * n)) / 2)::DOUBLE AS pairs FROM (SELECT count(*) AS n FROM ${records} GROUP BY ${s})`;
  }
  return `SELECT (count(*)::DOUBLE * (count(*) - 1) / 2) AS pairs FROM ${records}`;
}
