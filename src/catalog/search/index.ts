export { SearchIndex, MAX_LIMIT, type SearchQuery, type SearchResult, type SearchHit, type SearchSort, type MatchedIn } from './SearchIndex.ts';
export { CatalogSearch, catalogSearch, catalogSearchOf } from './CatalogSearch.ts';
export { invalidateCatalogSearch } from './registry.ts';
export { FACETS, type Facet, type FacetCount } from './facets.ts';
export { audienceOf, type Audience } from './audience.ts';
export { indexTerms, queryTerms, pinyinTerms } from './tokenize.ts';
export { searchRoutes } from './routes.ts';
