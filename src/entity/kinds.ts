/** The two kinds of entity the index keeps, and the inputs a source maps its fields onto. */
export const ENTITY_KINDS = ['person', 'enterprise'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** Inputs per kind, in the order the console shows them. */
export const ENTITY_INPUTS: Record<EntityKind, string[]> = {
  person: ['name', 'id_number', 'sex', 'birth_date', 'phone', 'address'],
  enterprise: ['name', 'code', 'legal_rep', 'address', 'established'],
};

/** Titles of the inputs (golden record, search). */
export const INPUT_TITLES: Record<string, { zh: string; en: string }> = {
  name: { zh: '名称', en: 'name' },
  id_number: { zh: '公民身份号码', en: 'ID number' },
  sex: { zh: '性别', en: 'sex' },
  birth_date: { zh: '出生日期', en: 'birth date' },
  phone: { zh: '联系电话', en: 'phone' },
  address: { zh: '地址', en: 'address' },
  code: { zh: '统一社会信用代码', en: 'credit code' },
  legal_rep: { zh: '法定代表人', en: 'legal representative' },
  established: { zh: '成立日期', en: 'founded' },
};

/** Prefix of a kind's cluster ids (P… a person, E… an enterprise). */
export const ID_PREFIX: Record<EntityKind, string> = { person: 'P', enterprise: 'E' };
