/**
 * The person linkage model (一人一档): which features are compared and how, which pairs are
 * looked at, and where a link starts. Read over the table personFeatures builds.
 *
 * The same valid ID number links two records outright; two different valid ID numbers are strong
 * evidence of two people (twins share everything else). Without an ID number, the name (by
 * characters, pinyin and fuzzy key), birth date, sex, mobile and address weigh in, each level's
 * weight learnt by EM from the data itself.
 */
import type { Comparison, LinkSettings } from '../link/types.ts';

const name: Comparison = {
  name: 'name',
  title: '姓名',
  columns: ['name', 'name_py', 'name_fuzzy'],
  nullSql: 'l.name IS NULL OR r.name IS NULL',
  levels: [
    { label: '完全相同 / exact', sql: 'l.name = r.name', tf: 'name' },
    { label: '拼音相同 / same pinyin', sql: 'l.name_py = r.name_py' },
    { label: '模糊音形相同 / same fuzzy key', sql: 'l.name_fuzzy = r.name_fuzzy' },
    {
      label: '一字之差或拼音相近 / one character differs or pinyin Jaro-Winkler ≥ 0.9',
      sql: '(l.name_len = r.name_len AND levenshtein(l.name, r.name) = 1) OR jaro_winkler_similarity(l.name_py, r.name_py) >= 0.9',
    },
  ],
};

const birth: Comparison = {
  name: 'birth',
  title: '出生日期',
  columns: ['birth'],
  levels: [
    { label: '完全相同 / exact', sql: 'l.birth = r.birth' },
    {
      label: '年月日一项不同或日月颠倒 / one of y-m-d differs, or day and month swapped',
      sql: `(year(l.birth) = year(r.birth))::INTEGER + (month(l.birth) = month(r.birth))::INTEGER + (day(l.birth) = day(r.birth))::INTEGER = 2
            OR (year(l.birth) = year(r.birth) AND month(l.birth) = day(r.birth) AND day(l.birth) = month(r.birth))`,
    },
    { label: '同年 / same year', sql: 'year(l.birth) = year(r.birth)' },
  ],
};

const sex: Comparison = {
  name: 'sex',
  title: '性别',
  columns: ['sex'],
  levels: [{ label: '相同 / same', sql: 'l.sex = r.sex' }],
};

const phone: Comparison = {
  name: 'phone',
  title: '手机号码',
  columns: ['phone'],
  levels: [{ label: '相同 / same', sql: 'l.phone = r.phone' }],
};

const address: Comparison = {
  name: 'address',
  title: '住址',
  columns: ['addr_norm', 'community', 'street', 'district'],
  nullSql: 'l.district IS NULL OR r.district IS NULL',
  levels: [
    { label: '地址相同 / same address', sql: 'l.addr_norm = r.addr_norm' },
    { label: '同社区（村）或门牌 / same community or door', sql: 'l.district = r.district AND l.community = r.community' },
    { label: '同街道（镇乡） / same street', sql: 'l.district = r.district AND l.street = r.street' },
    { label: '同区县 / same district', sql: 'l.district = r.district' },
  ],
};

const id18: Comparison = {
  name: 'id18',
  title: '公民身份号码',
  columns: ['id18'],
  // Two different valid numbers fall in the implicit "else" level, whose learnt weight is strongly negative.
  levels: [{ label: '相同 / same', sql: 'l.id18 = r.id18' }],
};

/** Pairs the engine scores: each rule keeps blocks small (a few dozen records) on a city of millions. */
export const PERSON_BLOCKING = [
  'l.id18 = r.id18',
  'l.phone = r.phone',
  'l.birth = r.birth AND l.surname_py = r.surname_py',
  'l.name_fuzzy = r.name_fuzzy AND l.district = r.district',
  'l.name = r.name AND year(l.birth) = year(r.birth)',
];

export const PERSON_SETTINGS: LinkSettings = {
  idColumn: 'rid',
  sourceColumn: 'source',
  // Departments hold the same person twice too, so pairs within a source count as well.
  linkType: 'dedupe',
  comparisons: [name, birth, sex, phone, address, id18],
  blocking: PERSON_BLOCKING,
  // Each pass learns the comparisons its rule leaves free: names and addresses under the first,
  // birth, phone and ID under the second.
  trainingBlocking: ['l.birth = r.birth AND l.phone = r.phone', 'l.name_fuzzy = r.name_fuzzy AND l.district = r.district'],
  deterministic: ['l.id18 = r.id18'],
  threshold: 0.9,
  reviewBand: [0.5, 0.9],
  uSampleSize: 1_000_000,
  seed: 42,
};
