import type { MaskKind } from '../lake/index.ts';
import type { FieldType } from './fields.ts';

export type { MaskKind };
export type Layer = 'raw' | 'standard' | 'base' | 'theme' | 'business';
export type ShareType = 'unconditional' | 'conditional' | 'none';
export type OpenType = 'open' | 'conditional' | 'none';
export type Sensitivity = 'L1' | 'L2' | 'L3' | 'L4';
/** 资源分类: 基础信息资源 · 主题信息资源 · 部门信息资源. */
export type Category = 'base' | 'theme' | 'department';
/** 资源格式 (national catalog): database 数据库 · spreadsheet 电子表格 · file 电子文件 · api 接口 · stream 流式 · image 图形图像. */
export type ResourceFormat = 'database' | 'spreadsheet' | 'file' | 'api' | 'stream' | 'image';
/** 共享方式: api 接口 · download 文件下载 · exchange 库表交换. */
export type ShareMethod = 'api' | 'download' | 'exchange';
/** Review state of a catalog entry: draft → submitted → published, or returned (with a reason) to edit and submit again. */
export type EntryStatus = 'draft' | 'submitted' | 'published' | 'returned';
/**
 * What open data (portal, CKAN API, DCAT, Frictionless, downloads) does with a field: `keep` it,
 * `mask` it, or `drop` it. Absent: L1/L2 keep, L3/L4 drop; an L3/L4 field may never be `keep`.
 */
export type OpenRule = 'keep' | 'mask' | 'drop';
export interface Contact {
  name?: string;
  phone?: string;
  email?: string;
}

/** A field (信息项) of a dataset. */
export interface Field {
  name: string;
  title: string;
  type: FieldType;
  element?: string | null;
  required?: boolean;
  sensitivity: Sensitivity;
  /** How to mask when the reader may only see it masked; inferred from the element when absent. */
  mask?: MaskKind;
  description?: string;
  /** What open data does with this field (see OpenRule). */
  open?: OpenRule;
}

/** A dataset (信息资源) as stored in the control plane. */
export interface Dataset {
  id: string;
  code: string;
  name: string;
  description: string;
  departmentId: string;
  departmentCode: string;
  departmentName: string;
  theme: string | null;
  layer: Layer;
  primaryKey: string[];
  updateCycle: string | null;
  shareType: ShareType;
  openType: OpenType;
  important: boolean;
  core: boolean;
  fields: Field[];
  currentVersion: number;
  rowCount: number;
  createdAt: string;
  updatedAt: string;
  // catalog metadata (政务信息资源目录)
  category: Category;
  resourceFormat: ResourceFormat;
  shareCondition: string | null;
  shareMethod: ShareMethod | null;
  /** Legal basis (法律法规依据) when shareType is `none`. */
  shareBasis: string | null;
  openCondition: string | null;
  keywords: string[];
  contact: Contact | null;
  /** Licence of open data, an SPDX id or URL (default CC-BY-4.0 when open). */
  licence: string | null;
  status: EntryStatus;
  /** Why the reviewer returned the entry (status `returned`). */
  reviewNote: string | null;
  publishedAt: string | null;
  /** GB/T 36344 quality score (0–100) of the job that made the current version, when known. */
  quality: number | null;
  /** When the current version was written (the data's last update). */
  dataUpdatedAt: string | null;
}
