import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static, TObject, TSchema } from 'typebox';
import type { DatasetSchema } from '../routes.ts';
import { type Ctx, callerOf, fieldProblem, Literals } from '../../kernel/index.ts';
import { catalogSearch } from './CatalogSearch.ts';
import { FACET_LABELS, FACETS, type Facet } from './facets.ts';
import { publicEntry } from '../openData.ts';
import { MAX_LIMIT, type SearchQuery } from './SearchIndex.ts';

/** The query parameter of each facet filter (resourceFormat is `format`). */
const PARAM: Record<Facet, string> = Object.fromEntries(FACETS.map((f) => [f, f === 'resourceFormat' ? 'format' : f])) as Record<Facet, string>;
const MultiValue = (description: string) => Type.Optional(Type.String({ maxLength: 500, description: `${description}（逗号分隔多值 / comma-separated values）` }));

const SearchQuerystring = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100, description: '中文词、拼音或首字母、代码 / Chinese words, pinyin or its initials, code' })),
  department: MultiValue('部门代码 / department code'),
  theme: MultiValue('主题 / theme'),
  layer: MultiValue('raw · standard · base · theme · business'),
  category: MultiValue('base · theme · department'),
  shareType: MultiValue('unconditional · conditional · none'),
  openType: MultiValue('open · conditional · none'),
  format: MultiValue('database · spreadsheet · file · api · stream · image'),
  updateCycle: MultiValue('更新周期 / update cycle'),
  status: MultiValue('draft · submitted · published · returned'),
  sort: Type.Optional(Literals(['relevance', 'updated', 'name'])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 0 })),
}, { additionalProperties: false });
type Querystring = Static<typeof SearchQuerystring>;

/** The search of a querystring: each facet filter split at commas, coded facets checked against their values. */
function toQuery(qs: Querystring): SearchQuery {
  const filters: SearchQuery['filters'] = {};
  for (const f of FACETS) {
    const raw = (qs as Record<string, unknown>)[PARAM[f]];
    if (typeof raw !== 'string') continue;
    const values = [...new Set(raw.split(',').map((v) => v.trim()).filter(Boolean))];
    const known = FACET_LABELS[f];
    const bad = known && values.find((v) => !(v in known));
    if (bad) throw fieldProblem(PARAM[f], `未知取值 / unknown value "${bad}"; one of ${Object.keys(known).join(', ')}`);
    if (values.length) filters[f] = values;
  }
  return { q: qs.q, filters, sort: qs.sort, limit: qs.limit ?? 20, offset: qs.offset ?? 0 };
}

/** Per facet, its values with their counts (a shared component of the OpenAPI document). */
const FacetsSchema = Type.Object(Object.fromEntries(FACETS.map((f) => [f, Type.Array(Type.Object({
  value: Type.String(), label: Type.Optional(Type.String()), count: Type.Integer(),
}))])), { $id: 'SearchFacets' });
const Result = <T extends TSchema>(entry: T) => Type.Object({
  total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer(),
  mode: Literals(['and', 'or', 'all'] as const),
  items: Type.Array(Type.Object({ dataset: entry, score: Type.Number(), matched: Type.Array(Type.String()) })),
  facets: FacetsSchema,
});

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
/** The public entry of the portal (publicEntry): no internal ids, fields as open data carries them. */
const PublicEntrySchema = Type.Object({
  code: Type.String(), name: Type.String(), description: Type.String(), departmentCode: Type.String(), departmentName: Type.String(),
  theme: Nullable(Type.String()), category: Type.String(), layer: Type.String(), resourceFormat: Type.String(), updateCycle: Nullable(Type.String()),
  openType: Type.String(), openCondition: Nullable(Type.String()), keywords: Type.Array(Type.String()),
  contact: Nullable(Type.Object({ name: Type.Optional(Type.String()), phone: Type.Optional(Type.String()), email: Type.Optional(Type.String()) })),
  licence: Type.String(), publishedAt: Nullable(Type.String()), dataUpdatedAt: Nullable(Type.String()), currentVersion: Type.Integer(),
  rowCount: Type.Integer(), quality: Nullable(Type.Number()),
  fields: Type.Array(Type.Object({
    name: Type.String(), title: Type.String(), type: Type.String(), element: Nullable(Type.String()), masked: Type.Boolean(), description: Type.Optional(Type.String()),
  })),
}, { $id: 'OpenCatalogEntry' });

/** How many field titles a hit names. */
const TITLES_SHOWN = 12;

/**
 * A hit names its entry's fields by title only (the first dozen, and how many there are): a page of
 * results stays small; the entry's page has the fields whole.
 */
function summary<T extends { fields: { title: string }[] }>(entry: T): Omit<T, 'fields'> & { fieldCount: number; fieldTitles: string[] } {
  const { fields, ...rest } = entry;
  return { ...rest, fieldCount: fields.length, fieldTitles: fields.slice(0, TITLES_SHOWN).map((f) => f.title) };
}
const Summary = <T extends TObject>(entry: T) =>
  Type.Intersect([Type.Omit(entry, ['fields']), Type.Object({ fieldCount: Type.Integer(), fieldTitles: Type.Array(Type.String()) })]);

/**
 * `GET /catalog/search` for logged-in callers (entries as the caller may see them) and
 * `GET /open/search` for everyone (published open entries, in their public shape), each hit a summary. The dataset
 * schema is handed in by the catalog's routes, which own it.
 */
export function searchRoutes(ctx: Ctx, datasetSchema: typeof DatasetSchema): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/catalog/search', {
      schema: {
        tags: ['catalog'], summary: '目录检索（中文分词、拼音、分面）/ catalog search (Chinese words, pinyin, facets)',
        querystring: SearchQuerystring, response: { 200: Result(Summary(datasetSchema)) },
      },
    }, async (req) => {
      const r = await catalogSearch.search(ctx, callerOf(req), toQuery(req.query));
      return { ...r, items: r.items.map((h) => ({ ...h, dataset: summary(h.dataset) })) };
    });
    app.get('/open/search', {
      config: { public: true },
      schema: {
        tags: ['open data'], summary: '开放目录检索 / search the open catalog', security: [],
        querystring: SearchQuerystring, response: { 200: Result(Summary(PublicEntrySchema)) },
      },
    }, async (req) => {
      const r = await catalogSearch.search(ctx, null, toQuery(req.query));
      return { ...r, items: r.items.map((h) => ({ ...h, dataset: summary(publicEntry(h.dataset)) })) };
    });
  };
}
