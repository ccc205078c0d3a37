import { isAdmin, type Caller } from '../kernel/index.ts';
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

/**
 * The WHERE clause of a list query, built one condition at a time: `param(v)` stands for a value
 * (as `$n`, numbered in the order values are given), `add(cond)` adds a condition and `eq(column, v)`
 * an equality when `v` is given. `page()` runs the query for one page.
 */
export class Filter {
  readonly params: unknown[] = [];
  private readonly conds: string[] = [];

  param(value: unknown): string {
    return `$${this.params.push(value)}`;
  }
  add(cond: string): this {
    this.conds.push(cond);
    return this;
  }
  eq(column: string, value: unknown): this {
    return value === undefined || value === null || value === '' ? this : this.add(`${column} = ${this.param(value)}`);
  }
  get where(): string {
    return this.conds.length ? `WHERE ${this.conds.join(' AND ')}` : '';
  }
  /** One page of `select` (a SELECT … FROM … without WHERE) under these conditions. */
  page<R, T>(q: Queryable, select: string, order: string, page: { limit: number; offset: number }, map: (r: R) => T): Promise<PageResult<T>> {
    return paged(q, `${select} ${this.where}`, this.params, order, page, map);
  }
}

/** No department has this id: a caller without a department sees no department's rows. */
const NO_DEPARTMENT = '00000000-0000-0000-0000-000000000000';

/** A filter to the caller's department (in `column`), or to none for admins, who see every department. */
export function departmentScope(caller: Caller, column: string): Filter {
  const f = new Filter();
  return isAdmin(caller) ? f : f.add(`${column} = ${f.param(caller.departmentId ?? NO_DEPARTMENT)}`);
}
