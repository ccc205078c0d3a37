/**
 * The enterprise linkage model (一企一档): what the Fellegi–Sunter engine compares, over the
 * table `enterpriseFeatures` builds.
 *
 *  - Deterministic: the same valid organisation code (or USCC) on two records, neither of them
 *    a branch. A branch's records often carry its head office's code, so for branches the code
 *    is only evidence, weighed against the differing branch part.
 *  - Comparisons: the normalised name (exact, term-frequency adjusted → same trade name and
 *    industry → Jaro-Winkler levels), the branch part (a differing one is strong evidence
 *    against: a branch is not its head office), organisation code, registration number, legal
 *    representative, city, district, address, founding date and industry.
 *  - Blocking: only between records with the same branch part (a branch and its head office are
 *    never candidates: its records often carry the head office's code and name), on the code, the trade name with the industry, the legal representative with the
 *    industry, the address, and the trade name's first character with the industry and district
 *    (for mistyped trade names) — each a near-linear equi-join.
 */
import type { Comparison, LinkSettings, TrainedModel } from '../link/types.ts';

const jw = (col: string) => `jaro_winkler_similarity(l.${col}, r.${col})`;

const exactly = (name: string, title: string, col: string, tf = false): Comparison => ({
  name,
  title,
  columns: [col],
  levels: [{ label: '相同 / equal', sql: `l.${col} = r.${col}`, ...(tf ? { tf: col } : {}) }],
});

export const ENTERPRISE_COMPARISONS: Comparison[] = [
  {
    name: 'name',
    title: '企业名称',
    columns: ['name_norm'],
    levels: [
      { label: '规范化名称相同 / same normalised name', sql: `l.name_norm = r.name_norm`, tf: 'name_norm' },
      { label: '字号与行业相同 / same trade name and industry', sql: `l.core = r.core AND l.industry = r.industry` },
      { label: 'Jaro-Winkler ≥ 0.9', sql: `${jw('name_norm')} >= 0.9` },
      { label: 'Jaro-Winkler ≥ 0.8', sql: `${jw('name_norm')} >= 0.8` },
    ],
  },
  {
    name: 'branch',
    title: '分支机构',
    columns: ['branch'],
    levels: [
      { label: '同为总机构或同一分支 / both head offices or the same branch', sql: `l.branch = r.branch` },
    ],
  },
  exactly('org_code', '组织机构代码', 'org_code'),
  exactly('reg_no', '工商注册号', 'reg_no'),
  {
    name: 'legal_rep',
    title: '法定代表人',
    columns: ['legal_rep'],
    levels: [
      { label: '相同 / equal', sql: `l.legal_rep = r.legal_rep`, tf: 'legal_rep' },
      { label: '一字之差 / one character differs', sql: `length(l.legal_rep) = length(r.legal_rep) AND levenshtein(l.legal_rep, r.legal_rep) <= 1` },
    ],
  },
  exactly('region', '所在城市', 'region'),
  exactly('district', '所在区县', 'district'),
  {
    name: 'address',
    title: '住所',
    columns: ['addr_norm'],
    levels: [
      { label: '相同 / equal', sql: `l.addr_norm = r.addr_norm` },
      { label: 'Jaro-Winkler ≥ 0.9', sql: `${jw('addr_norm')} >= 0.9` },
    ],
  },
  {
    name: 'established',
    title: '成立日期',
    columns: ['established'],
    levels: [
      { label: '相同 / equal', sql: `l.established = r.established` },
      { label: '相差 90 天内 / within 90 days', sql: `abs(date_diff('day', l.established, r.established)) <= 90` },
    ],
  },
  exactly('industry', '行业', 'industry'),
];

const notBranch = `l.branch = '' AND r.branch = ''`;
/** Pairs are only made between records of the same branch part: a branch and its head office are never candidates. */
const sameBranch = (rule: string) => `(${rule}) AND l.branch = r.branch`;

export const ENTERPRISE_SETTINGS: LinkSettings = {
  idColumn: 'rid',
  sourceColumn: 'source',
  linkType: 'link_and_dedupe',
  comparisons: ENTERPRISE_COMPARISONS,
  blocking: [
    `l.org_code = r.org_code`,
    `l.reg_no = r.reg_no`,
    `l.core = r.core AND l.industry = r.industry`,
    `l.legal_rep = r.legal_rep AND l.industry = r.industry`,
    `l.addr_norm = r.addr_norm`,
    `left(l.core, 1) = left(r.core, 1) AND l.industry = r.industry AND l.district = r.district`,
  ].map(sameBranch),
  trainingBlocking: [`l.org_code = r.org_code`, `l.core = r.core AND l.industry = r.industry`, `l.legal_rep = r.legal_rep`].map(sameBranch),
  deterministic: [`l.org_code = r.org_code AND ${notBranch}`, `l.uscc = r.uscc AND ${notBranch}`],
  // a record with nothing but an exact name (an employer typed at enrolment) scores about 0.9:
  // 0.8 keeps it linked, and costs no measured precision (see docs/entity-enterprise.md)
  threshold: 0.8,
  reviewBand: [0.5, 0.8],
  seed: 42,
};

/**
 * m of the "differs" level of comparisons whose difference EM cannot learn, fixed after training:
 *  - branch: the blocking never pairs a branch with its head office, so among candidate pairs the
 *    branch part is always equal and EM sees no example; within one enterprise it differs only by
 *    a clerk's slip the normalisation missed;
 *  - region: namesakes in another city (同名不同地) agree on everything EM trains on (name,
 *    industry) and so pass for matches; one enterprise's records name one registration city.
 * Pinned, a differing branch weighs about −17 bits and a differing city about −6 bits.
 */
export const PINNED_DIFFERS_M: Readonly<Record<string, number>> = { branch: 1e-6, region: 1e-3 };

/** The trained model with the pinned m of PINNED_DIFFERS_M (the last level before "else" keeps the rest). */
export function pinDifferWeights(model: TrainedModel): TrainedModel {
  return {
    ...model,
    comparisons: model.comparisons.map((c) => {
      const pinned = PINNED_DIFFERS_M[c.name];
      if (pinned === undefined || c.levels.length !== 2) return c;
      return { ...c, levels: [{ ...c.levels[0]!, m: 1 - pinned }, { ...c.levels[1]!, m: pinned }] };
    }),
  };
}
