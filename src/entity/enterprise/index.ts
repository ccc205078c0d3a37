/**
 * entity/enterprise — enterprise linkage (一企一档): identifier keys, name normalisation, the
 * features stage and the linkage model, plus a generated set with truth for tests and benches.
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
export { DEMO_CITY_SHORT, RAW_COLUMNS, generateEnterpriseSet, loadEnterpriseSet, registerDemoCity } from './testset.ts';
export type { EnterpriseRole, EnterpriseTestSet, RawEnterpriseRecord, TestEnterprise } from './testset.ts';
