/**
 * entity/enterprise — enterprise linkage (一企一档): identifier keys, name normalisation, the
 * features stage and the linkage model (its generated test set with truth is in src/demo/enterprises.ts).
 */
export { cleanCode, enterpriseKeys, keysFromCode, regNoCheckDigit, validOrgCode, validRegNo } from './identifiers.ts';
export type { CodeKind, EnterpriseKeys, RecordCodes } from './identifiers.ts';
export { BRANCH_SUFFIXES, INDUSTRY_WORDS, ORG_FORMS, cleanChinese, normalizeAddress, normalizeEnterpriseName, normalizePersonName } from './names.ts';
export type { NameFeatures } from './names.ts';
export { leadingRegion, regionOf, registerRegionName } from './regions.ts';
export type { RegionHit } from './regions.ts';
export { FEATURE_COLUMNS, enterpriseFeatures } from './features.ts';
export type { EnterpriseMapping } from './features.ts';
export { PINNED_DIFFERS_M, ENTERPRISE_COMPARISONS, ENTERPRISE_SETTINGS, pinDifferWeights } from './settings.ts';
