export { datasets, datasetAdmin, type DatasetInput, datasetByCode, toDataset, DATASET_SELECT } from './datasets.ts';
export { catalogRoutes, DatasetSchema } from './routes.ts';
export type { Dataset, Field, Layer, ShareType, OpenType, Sensitivity, MaskKind, Category, ResourceFormat, ShareMethod, EntryStatus, OpenRule, Contact } from './types.ts';
export { FIELD_TYPES, checkFields, type FieldType } from './fields.ts';
export { isOpenEntry, openRule } from './openness.ts';
export * from './search/index.ts';
