export { planRead, readPage, basisFor, masksField, type ReadPlan, type ReadRequest, type PlannedColumn, type AccessBasis } from './guard.ts';
export { maskKindOf, maskExpr } from './masking.ts';
export { referenceAccess, referenceScan, departmentReader, type ReferenceScan } from './references.ts';
export { quarantineReader, QUARANTINE_CSV_COLUMNS, type QuarantineFile, type QuarantineEntry } from './quarantine.ts';
export { spreadsheetCell, unspreadsheetSql, csvDownload } from './exportCsv.ts';
export { shareRoutes } from './routes.ts';
export { openKeys, PUBLIC_READER, OPEN_TERMS_VERSION, type OpenKey, type OpenReader, type OpenKeyApplication } from './openKeys.ts';
export { openEntry, planOpenRead, openRows, openDownload, OPEN_FORMATS, type OpenFormat, type OpenPlan } from './openRead.ts';
export { isOpenEntry, openRule, openColumns, type OpenColumn } from '../catalog/index.ts';
