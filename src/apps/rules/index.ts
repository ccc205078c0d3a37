/**
 * rules — one definition for collision rules (碰), push rules (推) and embedded rules (嵌, fired by a
 * new version of a watched dataset): a builder query or guarded SQL, read through the share guard as
 * the owner department, its rows handed to the kind's outcome (collide: findings and work orders;
 * push: notices). Contract in types.ts.
 */
export type { Rule, RuleInput, RuleKind, RuleTrigger, RuleQuery, BuilderQuery, SqlQuery, Side, RuleAction, RuleRow, RunInfo, RuleRunSummary, OutcomeHandler } from './types.ts';
export { compileBuilder, builderDatasets, yearsBefore, daysBefore, type Relations } from './compile.ts';
export { evaluate, ruleSql, keyOf, plainRow, rulePrincipal, RULE_ROWS_MAX, EVIDENCE_ROWS_MAX, type Evaluation, type Evaluable } from './evaluate.ts';
export { registerOutcome } from './registry.ts';
export { rules, RULE_PAGE_MAX, RULE_TIMEZONE, type RuleListQuery } from './service.ts';
export { startRuleTriggers, rulePollMs, type RuleTriggers } from './triggers.ts';
export { ruleRoutes } from './routes.ts';
