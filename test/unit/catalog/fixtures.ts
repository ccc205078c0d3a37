import type { Dataset, Field } from '../../../src/catalog/index.ts';

/** Field names no output of open metadata may carry: an L3 field with no open rule is dropped. */
export const DROPPED = 'holder_name_l3';
/** An L4 field open data masks: it stays, as text, with no constraint that could tell its values. */
export const MASKED = 'holder_idno_l4';

const FIELDS: Field[] = [
  { name: 'district_code', title: '所在区划', type: 'string', element: 'area_code', required: true, sensitivity: 'L1' },
  { name: DROPPED, title: '持有人姓名', type: 'string', sensitivity: 'L3' },
  { name: MASKED, title: '持有人证件号', type: 'string', element: 'id_card', required: true, sensitivity: 'L4', open: 'mask' },
  { name: 'gender', title: '性别', type: 'string', element: 'gender', sensitivity: 'L2' },
  { name: 'amount', title: '补助金额', type: 'decimal', sensitivity: 'L1', description: '元/月' },
  { name: 'paid_on', title: '发放日期', type: 'date', sensitivity: 'L1' },
  { name: 'updated', title: '更新时间', type: 'timestamp', sensitivity: 'L1' },
  { name: 'count', title: '人数', type: 'integer', sensitivity: 'L1' },
  { name: 'active', title: '有效', type: 'boolean', sensitivity: 'L1' },
];

const base: Dataset = {
  id: '0190a0a0-0000-7000-8000-000000000001', code: 'MZ_DBJZ', name: '低保救助发放', description: '城乡低保对象按月发放的救助金（汇总到区县）。',
  departmentId: '0190a0a0-0000-7000-8000-0000000000d1', departmentCode: 'MZ', departmentName: '民政局', theme: '社会保障', layer: 'theme',
  primaryKey: ['district_code', 'paid_on'], updateCycle: 'monthly', shareType: 'unconditional', openType: 'open', important: false, core: false,
  fields: FIELDS, currentVersion: 3, rowCount: 120, createdAt: '2026-01-05T02:00:00.000Z', updatedAt: '2026-03-01T02:00:00.000Z',
  category: 'theme', resourceFormat: 'database', shareCondition: null, shareMethod: 'download', shareBasis: null, openCondition: null,
  keywords: ['低保', '救助'], contact: { name: '民政局数据科', phone: '0571-8700 0000', email: 'data@mz.example.gov.cn' }, licence: null,
  status: 'published', reviewNote: null, publishedAt: '2026-02-01T00:00:00.000Z', quality: 97.5, dataUpdatedAt: '2026-03-01T01:00:00.000Z',
};

/** Open, conditionally open, draft and closed entries: only the first two are open data. */
export const DATASETS: Dataset[] = [
  base,
  {
    ...base, id: '0190a0a0-0000-7000-8000-000000000002', code: 'SCJG_QYDJ', name: '企业登记信息', description: '', departmentCode: 'SCJG',
    departmentName: '市场监管局', theme: '企业', updateCycle: 'daily', openType: 'conditional', keywords: [], contact: null, licence: 'CC0-1.0',
    primaryKey: [MASKED], currentVersion: 0, dataUpdatedAt: null,
  },
  { ...base, id: '0190a0a0-0000-7000-8000-000000000003', code: 'GA_DRAFT', name: '草稿数据集', status: 'draft', publishedAt: null },
  { ...base, id: '0190a0a0-0000-7000-8000-000000000004', code: 'GA_CLOSED', name: '不开放数据集', openType: 'none' },
];

export const BASE = 'https://data.example.gov.cn';
export const DEPARTMENTS = { MZ: { region: '330102', nameEn: 'Civil Affairs Bureau' }, SCJG: { region: '330100' } };
