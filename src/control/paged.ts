import type { Queryable } from './Db.ts';

export interface PageResult<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * Run `select` (which must not end in LIMIT/OFFSET; `order` is appended) for one page and count
 * all its rows. Parameters are the select's own; limit and offset are added after them.
 */
export async function paged<R, T>(
  q: Queryable,
  select: string,
  params: unknown[],
  order: string,
  page: { limit: number; offset: number },
  map: (r: R) => T,
): Promise<PageResult<T>> {
  const n = params.length;
  const [rows, count] = await Promise.all([
    q.query<R>(`${select} ORDER BY ${order} LIMIT $${n + 1} OFFSET $${n + 2}`, [...params, page.limit, page.offset]),
    q.one<{ n: number }>(`SELECT count(*)::int AS n FROM (${select}) t`, params),
  ]);
  return { items: rows.map(map), total: Number(count?.n ?? 0), limit: page.limit, offset: page.offset };
}
