/**
 * cases — case handling for citizen reports (网格化 · 12345 · 数字城管): intake from the hotline, the
 * web, grid patrols, imports and Open311 clients into one case model; classification (a Chinese
 * text classifier trained on the case history) and routing; dispatch and handling as work orders;
 * answers, ratings, merged duplicates, extensions; the 接诉即办 figures.
 */
export { CHANNELS, CASE_STATUSES, CASE_FINISHED, SATISFACTION, type Channel, type CaseStatus, type Satisfaction, type CaseItem, type Suggestion } from './store.ts';
export { caseCategories, type Category, type RouteRule } from './categories.ts';
export { caseClassifier, RETRAIN_AFTER } from './classifier.ts';
export { intake, suggest, checkReport, uploadKey, type ReportInput, type Duplicate } from './intake.ts';
export { handling, CASE_STATUS_OF, type DispatchInput } from './handling.ts';
export { cases, caseKnowledge, CASE_PAGE_MAX, COUNT_CAP, type CaseDetail, type CaseListQuery } from './service.ts';
export { caseStats, DIMENSIONS, RESPONSE_HOURS, type RateRow, type StatsQuery, type Dimension } from './stats.ts';
export { caseImport } from './import.ts';
export { DUPLICATE_DAYS, DUPLICATE_METRES, DUPLICATE_SIMILARITY } from './similar.ts';
export { BUILTIN_CATEGORIES } from './taxonomy.ts';
export { caseRoutes } from './routes.ts';
