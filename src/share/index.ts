export { planRead, readPage, type ReadPlan, type ReadRequest, type PlannedColumn, type AccessBasis } from './guard.ts';
export { maskKindOf } from './masking.ts';
export { ident, literal } from './sql.ts';
