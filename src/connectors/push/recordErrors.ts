/** One failure of one pushed record: its index in the request, the field, the rule, why, and the value sent. */
export interface RecordError {
  index: number;
  field: string | null;
  rule: string;
  reason: string | null;
  value: string | null;
}

export type { QuarantineFailure } from '../../ingest/index.ts';
