/** 一人一档 / 一企一档: the master person and enterprise index, built by record linkage on the generic engine. */
export * from './link/index.ts';
export { ENTITY_KINDS, ENTITY_INPUTS, type EntityKind } from './kinds.ts';
export { entitySources, suggestRoles, type EntitySource, type SourceRole } from './sources.ts';
export { entityRuns, type EntityRun } from './runs.ts';
export { entityDecisions, decisionLinks } from './decisions.ts';
export { entityProfiles } from './profiles.ts';
export { entityReview } from './review.ts';
export { goldenRecord, survive, SURVIVORSHIP, type GoldenValue, type GoldenCandidate } from './golden.ts';
export { constrainedClusters } from './constrained.ts';
export { entityRoutes } from './routes.ts';
export { KIND_MODELS, type KindModel } from './models.ts';
export { regNoCheckDigit, registerRegionName } from './enterprise/index.ts';
export { linkFeatures, clusterPairs, type LinkResult, type ClusterInput } from './linkKind.ts';
