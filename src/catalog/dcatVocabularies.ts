/**
 * The controlled vocabularies DCAT-AP 3.0 asks for, and how our catalog's words map onto them:
 * the EU Publications Office authority tables (data theme, frequency, access right, file type,
 * language, licence, planned availability) and the ADMS publisher and licence types.
 */
import type { Dataset } from './types.ts';

const EU = 'http://publications.europa.eu/resource/authority/';
export const EU_AUTHORITY = {
  dataTheme: `${EU}data-theme`,
  frequency: `${EU}frequency/`,
  accessRight: `${EU}access-right/`,
  fileType: `${EU}file-type/`,
  language: `${EU}language/`,
  availability: `${EU}planned-availability/`,
} as const;

/** The EU data themes (English labels of the authority table). */
export const DATA_THEMES = {
  AGRI: 'Agriculture, fisheries, forestry and food',
  ECON: 'Economy and finance',
  EDUC: 'Education, culture and sport',
  ENER: 'Energy',
  ENVI: 'Environment',
  GOVE: 'Government and public sector',
  HEAL: 'Health',
  INTR: 'International issues',
  JUST: 'Justice, legal system and public safety',
  REGI: 'Regions and cities',
  SOCI: 'Population and society',
  TECH: 'Science and technology',
  TRAN: 'Transport',
} as const;
export type DataTheme = keyof typeof DATA_THEMES;

/** Our theme words (Chinese first, a few English ones) → EU data theme; the first rule that matches wins. */
const THEME_RULES: [RegExp, DataTheme][] = [
  [/社会保障|社保|民政|养老|就业|救助|social|society/i, 'SOCI'],
  [/卫生|健康|医疗|医保|疾控|health/i, 'HEAL'],
  [/经济|企业|市场|财政|金融|税务|商务|工商|econom|business|enterprise|financ/i, 'ECON'],
  [/交通|运输|公交|道路|transport|traffic/i, 'TRAN'],
  [/环境|生态|气象|环保|environment/i, 'ENVI'],
  [/教育|文化|体育|旅游|educat|cultur|sport/i, 'EDUC'],
  [/科技|科学|技术|science|technolog/i, 'TECH'],
  [/农业|农村|林业|渔业|食品|agricultur|food/i, 'AGRI'],
  [/能源|电力|燃气|energy/i, 'ENER'],
  [/司法|公共安全|公安|法律|应急|justice|safety|police/i, 'JUST'],
  [/人口|地区|城市|区域|城乡|住房|规划|population|region|city/i, 'REGI'],
  [/政府|政务|机构|government/i, 'GOVE'],
];

/** The EU data theme of one of our themes; government and public sector (GOVE) when none fits. */
export function dataTheme(theme: string | null): DataTheme {
  return (theme && THEME_RULES.find(([re]) => re.test(theme))?.[1]) || 'GOVE';
}

/** Update cycles (English or Chinese words) → EU frequency; IRREG when given but not known, none when not given. */
const FREQUENCY_RULES: [RegExp, string][] = [
  [/^(realtime|real-time|continuous|实时|持续)/i, 'UPDATE_CONT'],
  [/^(hourly|每小时)/i, 'HOURLY'],
  [/^(daily|每日|每天|日)/i, 'DAILY'],
  [/^(weekly|每周|周)/i, 'WEEKLY'],
  [/^(monthly|每月|月)/i, 'MONTHLY'],
  [/^(quarterly|每季度?|季)/i, 'QUARTERLY'],
  [/^(yearly|annual|annually|每年|年)/i, 'ANNUAL'],
];

export function frequency(updateCycle: string | null): string | null {
  const c = updateCycle?.trim();
  if (!c) return null;
  return FREQUENCY_RULES.find(([re]) => re.test(c))?.[1] ?? 'IRREG';
}

/** Open (公开) data is public; conditionally open data (有条件开放) is restricted to holders of an API key. */
export const accessRight = (ds: Pick<Dataset, 'openType'>) => (ds.openType === 'open' ? 'PUBLIC' : 'RESTRICTED');

/** ADMS: the publisher of a city department's data is a local authority. */
export const LOCAL_AUTHORITY = 'http://purl.org/adms/publishertype/LocalAuthority';

/** ADMS licence type of a licence (by SPDX id), when we know it. */
export function licenceType(id: string): string | undefined {
  const t = /^(CC0|PDDL)/i.test(id) ? 'PublicDomain' : /^(CC-BY|ODC-By|ODbL)/i.test(id) ? 'Attribution' : undefined;
  return t && `http://purl.org/adms/licencetype/${t}`;
}
