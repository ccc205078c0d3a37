import type { Caller, Ctx } from '../../kernel/index.ts';
import type { Queryable } from '../../control/index.ts';
import { DATASET_SELECT, toDataset } from '../datasets.ts';
import { searchFor } from './registry.ts';
import { SearchIndex, type SearchQuery, type SearchResult } from './SearchIndex.ts';
import { audienceOf } from './audience.ts';

/**
 * What changes when the catalog changes, cheap to read: entries (count), their edits and reviews
 * (latest time), their versions (sum of current versions: a new version bumps one), department renames.
 */
const REVISION_SQL = `SELECT count(*)::text || '/' || coalesce(sum(current_version), 0)::text || '/'
    || coalesce(greatest(max(updated_at), max(submitted_at), max(reviewed_at), max(published_at))::text, '') || '/'
    || coalesce((SELECT max(updated_at) FROM departments)::text, '') AS revision
  FROM datasets`;

/**
 * The catalog's search index, kept in step with the control plane. Built on the first query;
 * rebuilt before the next query after a change made in this process (`invalidate`, called by the
 * catalog's writers after commit), and after a change made by another server on the same database,
 * which a revision read at most once every `recheckMs` reveals.
 */
export class CatalogSearch {
  private index: SearchIndex | null = null;
  private revision: string | null = null;
  /** Bumped by every change seen; the index is current when it was built at the latest one. */
  private generation = 0;
  private builtAt = -1;
  private checkedAt = 0;
  private building: Promise<void> | null = null;
  private checking: Promise<void> | null = null;
  /** How long the last build took (ms), and how many entries it indexed. */
  lastBuild = { ms: 0, entries: 0 };

  constructor(private readonly db: Queryable, private readonly recheckMs = 1000) {}

  invalidate(): void {
    this.generation++;
  }

  /** The index, current as of the last change this process has seen (another server's: within recheckMs). */
  async current(): Promise<SearchIndex> {
    if (this.index && this.builtAt === this.generation && Date.now() - this.checkedAt >= this.recheckMs) await this.check();
    while (!this.index || this.builtAt !== this.generation) await this.rebuild();
    return this.index;
  }

  private async readRevision(): Promise<string> {
    return (await this.db.one<{ revision: string }>(REVISION_SQL))!.revision;
  }

  private check(): Promise<void> {
    this.checking ??= (async () => {
      try {
        const revision = await this.readRevision();
        this.checkedAt = Date.now();
        if (revision !== this.revision) this.generation++;
      } finally {
        this.checking = null;
      }
    })();
    return this.checking;
  }

  private rebuild(): Promise<void> {
    this.building ??= (async () => {
      const generation = this.generation;
      try {
        const t0 = performance.now();
        // the revision first: a change committed while loading is then seen by the next check
        const revision = await this.readRevision();
        const rows = await this.db.query<Parameters<typeof toDataset>[0]>(DATASET_SELECT);
        this.index = SearchIndex.build(rows.map(toDataset));
        this.revision = revision;
        this.builtAt = generation;
        this.checkedAt = Date.now();
        this.lastBuild = { ms: performance.now() - t0, entries: rows.length };
      } finally {
        this.building = null;
      }
    })();
    return this.building;
  }
}

/** The catalog search of this control plane (one per process and database). */
export const catalogSearchOf = (ctx: Pick<Ctx, 'db'>) => searchFor(ctx.db, () => new CatalogSearch(ctx.db));

export const catalogSearch = {
  /** Search the catalog as `caller` sees it (null: the public). */
  async search(ctx: Pick<Ctx, 'db'>, caller: Caller | null, query: SearchQuery): Promise<SearchResult> {
    const index = await catalogSearchOf(ctx).current();
    return index.search(query, audienceOf(caller));
  },
};
