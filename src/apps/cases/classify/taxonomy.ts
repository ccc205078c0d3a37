import { parse } from 'csv-parse/sync';

/**
 * The names under each first-level category of a taxonomy CSV (columns level1, level2, level3; a
 * header row; BOM tolerated): level1 → its level-2 and level-3 names, distinct, in file order.
 * "其他" (other) names nothing and is left out.
 */
export function taxonomyLexicon(csvText: string): Record<string, string[]> {
  const rows = parse(csvText.replace(/^\ufeff/, ''), { columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()), skip_empty_lines: true, relax_column_count: true, trim: true }) as Record<string, string | undefined>[];
  if (rows.length && !('level1' in rows[0]!)) throw new Error('分类表缺少 level1 列 / the taxonomy has no level1 column');
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const top = r.level1;
    if (!top) continue;
    const names = out.get(top) ?? out.set(top, new Set()).get(top)!;
    for (const n of [r.level2, r.level3]) if (n && n !== '其他') names.add(n);
  }
  return Object.fromEntries([...out].map(([k, v]) => [k, [...v]]));
}
