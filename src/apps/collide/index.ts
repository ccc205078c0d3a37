/**
 * collide — collision rules' outcome (碰): findings deduplicated across runs, recurring when newer data
 * shows a resolved one again, evidence pinned to dataset versions, a work order for the responsible
 * department per new or recurring finding. Importing this module registers the `collide` outcome with
 * the rule engine (src/apps/rules).
 */
import { registerOutcome } from '../rules/index.ts';
import { collideOutcome } from './outcome.ts';

registerOutcome(collideOutcome);

export { collideOutcome } from './outcome.ts';
export { findings, FINDING_STATUSES, FINDING_PAGE_MAX, type FindingStatus, type FindingQuery } from './findings.ts';
export { findingRoutes } from './routes.ts';
