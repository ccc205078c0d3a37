/** User-written SQL over guarded views: the allow-list checker, the rewrite, and analyst queries. */
export { analystQuery, ANALYST_SQL_DEFAULT_LIMIT, ANALYST_SQL_MAX_LENGTH, ANALYST_SQL_MAX_LIMIT, ANALYST_SQL_TIMEOUT_MS } from './analystQuery.ts';
export type { AnalystRead, AnalystSqlColumn, AnalystSqlInput, AnalystSqlOptions, AnalystSqlResult, GuardedView, ViewResolver } from './analystQuery.ts';
export { rewriteSelect, type RewrittenSelect } from './rewrite.ts';
export { engineMessage } from './engineMessage.ts';
export { parseSql, renderSql, type SqlEngine } from './lakeSql.ts';
export { SqlRefusal, vetStatement, RESERVED_PREFIX, type RefusalReason } from './vet.ts';
export { SQL_FUNCTIONS, SQL_WINDOW_FUNCTIONS } from './functions.ts';
