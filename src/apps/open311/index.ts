/**
 * open311 — the Open311 GeoReport v2 API over case handling, at `/open311/v2/…` in JSON and XML:
 * the case categories a report can name as services (with their attributes), reports from outside
 * applications (a govhub API token as api_key) taken in as cases, and the cases' public status.
 */
export { open311Routes, OPEN311_PREFIX, SPECIFICATION, parseForm } from './routes.ts';
export { ATTRIBUTES, attributesOf, checkAttributes, isService, type AttributeDef, type Datatype } from './services.ts';
export { CLOSED_STATES, REQUESTS_MAX, WINDOW_DAYS, scrub } from './requests.ts';
export { toXml, CONTENT_TYPE, type Format } from './format.ts';
