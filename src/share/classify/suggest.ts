/**
 * suggestClassification: a finding for every field of a dataset from a sample of its rows, beside
 * the field's current sensitivity, for the data officer to accept or overrule.
 */
import { scanColumn, type PiiFinding } from './PiiScanner.ts';

export interface ClassifiedField {
  name: string;
  title?: string;
  sensitivity?: string;
}

export interface ClassificationSuggestion {
  field: string;
  current?: string;
  finding: PiiFinding;
}

export function suggestClassification(fields: ClassifiedField[], rows: Record<string, unknown>[]): ClassificationSuggestion[] {
  return fields.map((f) => {
    const finding = scanColumn({ name: f.name, title: f.title, values: rows.map((r) => r[f.name]) });
    return f.sensitivity === undefined ? { field: f.name, finding } : { field: f.name, current: f.sensitivity, finding };
  });
}
