/**
 * geo — the city's geography: administrative areas down to the unit grid cells of grid management
 * (网格化管理, GB/T 30428.1), kept as GeoJSON; where a point lies; the grid workers (网格员) of each
 * cell. Cases take their district, street and cell from here; the console draws its maps from it.
 */
export { LEVELS, CODE_LENGTH, codeError, isAreaCode, levelOf, parentCodeOf, gridCode, type Level, type GridCodeParts } from './codes.ts';
export { geometryErrors, bboxOf, interiorPoint, contains, planarArea, roundGeometry, polygonsOf, MAX_POSITIONS, type AreaGeometry, type BBox, type Position, type Ring } from './geometry.ts';
export { AreaIndex, type IndexedArea, type AreaRef, type Location } from './AreaIndex.ts';
export { geo, IMPORT_MAX_FEATURES, type AreaCollection, type AreaFeature, type GridCell, type GridWorker, type ImportResult } from './service.ts';
export { geoRoutes } from './routes.ts';
