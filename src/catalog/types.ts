import type { MaskKind } from '../lake/index.ts';
import type { FieldType } from './fields.ts';

export type { MaskKind };
export type Layer = 'raw' | 'standard' | 'base' | 'theme' | 'business';
export type ShareType = 'unconditional' | 'conditional' | 'none';
export type OpenType = 'open' | 'conditional' | 'none';
export type Sensitivity = 'L1' | 'L2' | 'L3' | 'L4';

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
}
