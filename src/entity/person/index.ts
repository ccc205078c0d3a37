/** Person linkage (一人一档): Chinese-aware normalisation, the person model, ID-conflict repair. */
export { normalizePerson, personFeatures, type PersonMapping, type PersonFeatures, type PersonFeaturesResult, type RawPerson } from './normalize.ts';
export { nameFeatures, cleanName, splitName, namePinyin, nameFuzzyKey, fuzzySyllable, shapeKey, COMPOUND_SURNAMES, type NameFeatures } from './names.ts';
export { parseAddress, foldAddress, type ParsedAddress } from './address.ts';
export { PERSON_SETTINGS, PERSON_BLOCKING } from './settings.ts';
