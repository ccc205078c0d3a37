export { datasets, datasetAdmin, type DatasetInput, datasetByCode, toDataset, DATASET_SELECT } from './datasets.ts';
export { catalogRoutes, DatasetSchema } from './routes.ts';
export type { Dataset, Field, Layer, ShareType, OpenType, Sensitivity, MaskKind, Category, ResourceFormat, ShareMethod, EntryStatus, OpenRule, Contact } from './types.ts';
export { FIELD_TYPES, checkFields, type FieldType } from './fields.ts';
export { catalogFileRoutes, openMetadataRoutes } from './openMetadataRoutes.ts';
export { catalogQuads, toTurtle, toJsonLd, JSONLD_CONTEXT, RDF_PREFIXES, DEFAULT_CATALOG_INFO, type CatalogInfo, type CatalogInput } from './dcat.ts';
export { dataPackage, tableSchema, type TableSchema, type TableField } from './frictionless.ts';
export { openLinks, licenceOf, DOWNLOAD_FORMATS, type DownloadFormat, type Licence } from './openLinks.ts';
