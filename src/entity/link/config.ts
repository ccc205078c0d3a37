/**
 * A link configuration file (JSON): LinkSettings where a comparison may be given by helper name
 * and columns — {"use": "jaroWinkler", "columns": ["surname"], "thresholds": [0.92, 0.8], "tf": true}
 * — or written out in full (name, columns, levels).
 */
import type { Comparison, LinkSettings } from './types.ts';
import { COMPARISON_HELPERS, type ComparisonHelper } from './comparisons.ts';

export interface ComparisonSpec {
  use: ComparisonHelper;
  columns: string[];
  name?: string;
  title?: string;
  tf?: boolean;
  /** jaroWinkler similarities, levenshtein distances, numeric differences, date years. */
  thresholds?: number[];
  /** jaroWinkler: a column the values may have been swapped with (first name ↔ surname). */
  swapWith?: string;
  /** date: the "within days" level. */
  days?: number;
  /** postcode: leading characters of the same area. */
  prefix?: number;
}

export type LinkConfig = Omit<Partial<LinkSettings>, 'comparisons'> & { comparisons?: Array<Comparison | ComparisonSpec> };

export function comparisonFromSpec(spec: Comparison | ComparisonSpec): Comparison {
  if (!('use' in spec)) {
    if (!spec.name || !Array.isArray(spec.columns) || !Array.isArray(spec.levels)) throw new Error('比较字段需要 use 和 columns / link config: a comparison needs use + columns, or name + columns + levels');
    return spec;
  }
  const helper = COMPARISON_HELPERS[spec.use];
  if (!helper) throw new Error(`未知的比较方法 / link config: unknown comparison "${spec.use}"; known: ${Object.keys(COMPARISON_HELPERS).join(', ')}`);
  const [col] = spec.columns ?? [];
  if (!col || spec.columns.length !== 1) throw new Error(`该比较方法需要一个字段 / link config: comparison "${spec.use}" takes one column`);
  const o = { name: spec.name, title: spec.title, tf: spec.tf };
  switch (spec.use) {
    case 'exact': return COMPARISON_HELPERS.exact(col, o);
    case 'email': return COMPARISON_HELPERS.email(col, o);
    case 'postcode': return COMPARISON_HELPERS.postcode(col, spec.prefix, o);
    case 'jaroWinkler': return COMPARISON_HELPERS.jaroWinkler(col, spec.thresholds, { ...o, swapWith: spec.swapWith });
    case 'levenshtein': return COMPARISON_HELPERS.levenshtein(col, spec.thresholds, o);
    case 'date': return COMPARISON_HELPERS.date(col, spec.thresholds, { ...o, days: spec.days });
    case 'numeric': return COMPARISON_HELPERS.numeric(col, spec.thresholds, o);
  }
}

/** Columns a configuration reads (to check them against the input). */
export function columnsOf(settings: Pick<LinkSettings, 'comparisons'>): string[] {
  return [...new Set(settings.comparisons.flatMap((c) => c.columns))];
}

/** Settings from a parsed configuration; `idColumn` and defaults filled in. */
export function settingsFromConfig(config: LinkConfig, idColumn: string): LinkSettings {
  if (!config.comparisons?.length) throw new Error('配置缺少比较字段 / link config: "comparisons" is empty');
  if (!config.blocking?.length) throw new Error('配置缺少分块规则 / link config: "blocking" is empty');
  return {
    ...config,
    idColumn,
    comparisons: config.comparisons.map(comparisonFromSpec),
    blocking: config.blocking,
    threshold: config.threshold ?? 0.9,
  };
}
