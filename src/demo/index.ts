/**
 * demo — the demo city generator (示范市): a deterministic synthetic city whose departments
 * hold overlapping, realistically flawed data, with exact ground truth for tests and demos.
 */
export { generateCity } from './generate.ts';
export type { GenerateCityOptions, CityManifest, DemoFileManifest } from './generate.ts';
export { generatePersonRows, personRows, writePersonCsv, PERSON_COLUMNS } from './personrows.ts';
export type { PersonRow } from './personrows.ts';
export { DEPARTMENTS, FILE_FORMATS } from './departments.ts';
export type { DemoDepartment, DemoDataset, DemoField, Sensitivity, FieldType } from './departments.ts';
export { DEFAULT_RATES } from './defects.ts';
export type { DefectKind, DefectRates, RowDefect } from './defects.ts';
export { CITY, DISTRICTS, ROADS } from './city.ts';
export { REFERENCE_DATE } from './people.ts';
export { Prng } from './prng.ts';
export { generateGeography, loadDemoGeography, featureCollection, gridWorkerName, WORKERS_PER_STREET, type DemoGeography, type DemoArea, type DemoGeoResult } from './geo.ts';
export { loadDemo, loadDemoIfEmpty, DEMO_PASSWORD, DEFAULT_DEMO_PEOPLE, officerName, type DemoLoadResult, type DemoProgress } from './load.ts';
export { linkageRecords, writeLinkageCsv, LINKAGE_SOURCES, LINKAGE_COLUMNS, DEFAULT_LINKAGE_RATES } from './linkage.ts';
export type { LinkageRecord, LinkageRates, LinkageOptions, LinkageSource } from './linkage.ts';
export { generateEnterpriseSet, loadEnterpriseSet, registerDemoCity, DEMO_CITY_SHORT, RAW_COLUMNS } from './enterprises.ts';
export type { EnterpriseRole, EnterpriseTestSet, RawEnterpriseRecord, TestEnterprise } from './enterprises.ts';
export { DEMO_RULES, DEMO_RULE_GRANTS, demoRules } from './rules.ts';
export { DEMO_AS_OF, DEMO_RULE_CODES, POSITIVE_ROLES, fullYears } from './collide.ts';
export type { DemoRuleCode, PlantedTruth } from './collide.ts';
