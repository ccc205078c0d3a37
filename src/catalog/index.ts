export { datasets, datasetAdmin, type DatasetInput, datasetByCode, toDataset, DATASET_SELECT } from './datasets.ts';
export { catalogRoutes, DatasetSchema } from './routes.ts';
export type { Dataset, Field, Layer, ShareType, OpenType, Sensitivity, MaskKind, Category, ResourceFormat, ShareMethod, EntryStatus, OpenRule, Contact } from './types.ts';
export { FIELD_TYPES, checkFields, type FieldType } from './fields.ts';
export { isOpenEntry, openRule, openColumns, publicEntry, DEFAULT_LICENCE, type OpenColumn, type PublicEntry } from './openData.ts';
export { seesEntry, visibleEntries } from './visibility.ts';
export { onCatalogChange, catalogChanged } from './events.ts';
export { catalogReview } from './review.ts';
export { lineage, type Lineage } from './lineage.ts';
