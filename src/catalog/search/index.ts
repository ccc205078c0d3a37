export { SearchIndex, MAX_LIMIT, type SearchQuery, type SearchResult, type SearchHit, type SearchSort, type MatchedIn } from './SearchIndex.ts';
export { FACETS, type Facet, type FacetCount } from './facets.ts';
export { audienceOf, type Audience } from './visibility.ts';
export { indexTerms, queryTerms, pinyinTerms } from './tokenize.ts';
