import type { Dataset } from '../types.ts';

/** The facets of a catalog search, each a filter too: the query parameter is the facet's name (`format` for resourceFormat). */
export const FACETS = ['department', 'theme', 'layer', 'category', 'shareType', 'openType', 'resourceFormat', 'updateCycle', 'status'] as const;
export type Facet = (typeof FACETS)[number];

/** A dataset's value for each facet (the department by its code); null: none. */
export const FACET_VALUE: Record<Facet, (d: Dataset) => string | null> = {
  department: (d) => d.departmentCode,
  theme: (d) => d.theme,
  layer: (d) => d.layer,
  category: (d) => d.category,
  shareType: (d) => d.shareType,
  openType: (d) => d.openType,
  resourceFormat: (d) => d.resourceFormat,
  updateCycle: (d) => d.updateCycle,
  status: (d) => d.status,
};

/** Chinese labels of the coded facet values (the department's label is its name). */
export const FACET_LABELS: Partial<Record<Facet, Record<string, string>>> = {
  layer: { raw: '原始库', standard: '标准库', base: '基础库', theme: '主题库', business: '业务库' },
  category: { base: '基础信息资源', theme: '主题信息资源', department: '部门信息资源' },
  shareType: { unconditional: '无条件共享', conditional: '有条件共享', none: '不予共享' },
  openType: { open: '无条件开放', conditional: '有条件开放', none: '不予开放' },
  resourceFormat: { database: '数据库', spreadsheet: '电子表格', file: '电子文件', api: '接口', stream: '流式', image: '图形图像' },
  status: { draft: '草稿', submitted: '待审核', published: '已发布', returned: '已退回' },
};

export interface FacetCount {
  value: string;
  label?: string;
  count: number;
}
