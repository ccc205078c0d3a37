/**
 * standards — data elements (数据元) and their validators.
 *
 * Each built-in element has a TS validator for single records and DuckDB macros for
 * vectorised checks; both agree on the shared test vectors (vectors.ts).
 *
 * Semantics shared by every element:
 *  - values are cleaned first (full-width ASCII folded, spaces trimmed), so "１１０…" passes;
 *  - a blank value is not judged: TS gives { ok: false, reason: 'empty' }, SQL gives NULL
 *    (required-ness is the dataset's business, not the element's);
 *  - SQL macros are TEMP (per connection): call registerMacros(conn) on each connection.
 *
 * Known limits:
 *  - GB/T 2260 history comes from the 2002–2016 revisions plus an ID-card table of older
 *    county codes; prefecture codes abolished before 2002 may be missing.
 *  - USCC legacy codes: no documented pilot pattern exists, so they are an explicit,
 *    configurable allow-list (setUsccLegacyCodes), empty by default.
 *  - The embedded organization code (USCC positions 9-17) is exposed (usccOrgCode) but its
 *    own check character is not a reason to reject a USCC.
 */
export type { ElementDef, ElementInfo, ElementParamSpec, ElementParams, SqlRunner, ValidationResult } from './types.ts';
export {
  listElements,
  getElement,
  hasElement,
  validate,
  elementSql,
  reasonSql,
  normalizeSql,
  flagSql,
  macroSql,
  registerMacros,
  registerElement,
  unregisterElement,
  StandardsError,
} from './registry.ts';
export type { CustomElementSpec } from './registry.ts';
export { cleanText, isBlank, toHalfWidth } from './text.ts';
export { toSimplified, toTraditional } from './script.ts';
export { validateIdCard, upgradeId15to18, idCardCheckDigit, idCardBirthDate, idCardSex } from './idcard.ts';
export type { IdCardResult } from './idcard.ts';
export {
  validateUscc,
  usccCheckChar,
  usccOrgCode,
  setUsccLegacyCodes,
  getUsccLegacyCodes,
  USCC_ALPHABET,
  USCC_AUTHORITIES,
} from './uscc.ts';
export { validateOrgCode, orgCodeCheckChar } from './orgcode.ts';
export { validateAreaCode, isAreaCode, getArea, areaFullName, areaLevel, listAreas } from './area.ts';
export type { AreaEntry } from './area.ts';
export { validateMobile, validatePhone } from './phone.ts';
export { validatePostcode } from './postcode.ts';
export { validateEmail } from './email.ts';
export { validateDate, parseDate } from './date.ts';
export { validateGender, GENDER_CODES } from './gender.ts';
export { validateEthnicity, ethnicityCode, ETHNICITY_CODES } from './ethnicity.ts';
export { validateCodeTable, validateEnum, validateRegex, validateRange, validateLength } from './custom.ts';
export type { CodeTable } from './custom.ts';
export { standards, loadCustomElements } from './service.ts';
export { standardsRoutes } from './routes.ts';
export { failureText, failureWords } from './failureText.ts';
