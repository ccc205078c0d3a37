/**
 * The kinds of personal information the scanner names, and what the platform suggests for each:
 * the sensitivity level, the data element (src/standards) and the mask (src/lake MASK_KINDS;
 * `bankcard` is the bank-card mask).
 */
export const PII_KINDS = [
  'id_card',
  'mobile',
  'landline',
  'person_name',
  'address',
  'bank_card',
  'email',
  'licence_plate',
  'uscc',
  'passport',
  'birth_date',
] as const;
export type PiiKind = (typeof PII_KINDS)[number];

export type Level = 'L1' | 'L2' | 'L3' | 'L4';

export interface KindPolicy {
  level: Level;
  element: string | null;
  mask: string;
  zh: string;
  en: string;
}

export const KIND_POLICY: Record<PiiKind, KindPolicy> = {
  id_card: { level: 'L4', element: 'id_card', mask: 'id', zh: '身份证号', en: 'ID card number' },
  bank_card: { level: 'L4', element: null, mask: 'bankcard', zh: '银行卡号', en: 'bank card number' },
  passport: { level: 'L4', element: null, mask: 'keep', zh: '护照号', en: 'passport number' },
  mobile: { level: 'L3', element: 'mobile', mask: 'phone', zh: '手机号', en: 'mobile number' },
  landline: { level: 'L3', element: 'phone', mask: 'phone', zh: '固定电话', en: 'landline number' },
  person_name: { level: 'L3', element: null, mask: 'name', zh: '姓名', en: 'person name' },
  address: { level: 'L3', element: null, mask: 'address', zh: '地址', en: 'address' },
  email: { level: 'L3', element: 'email', mask: 'email', zh: '电子邮箱', en: 'email address' },
  licence_plate: { level: 'L3', element: null, mask: 'keep', zh: '车牌号', en: 'licence plate' },
  birth_date: { level: 'L3', element: 'date', mask: 'year', zh: '出生日期', en: 'birth date' },
  // Enterprise codes are public in the enterprise credit publicity system.
  uscc: { level: 'L1', element: 'uscc', mask: 'none', zh: '统一社会信用代码', en: 'unified social credit code' },
};
