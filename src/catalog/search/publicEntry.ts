import { openRule } from '../openness.ts';
import type { Dataset } from '../types.ts';

/**
 * A catalog entry as the public sees it: what the portal shows, no internal ids but the code, and
 * of the fields only those open data carries, by title and type (a masked field is text).
 */
export function publicEntry(d: Dataset) {
  return {
    code: d.code, name: d.name, description: d.description, departmentCode: d.departmentCode, departmentName: d.departmentName,
    theme: d.theme, layer: d.layer, category: d.category, resourceFormat: d.resourceFormat, updateCycle: d.updateCycle, openType: d.openType,
    openCondition: d.openCondition, keywords: d.keywords, licence: d.licence, rowCount: d.rowCount, quality: d.quality,
    publishedAt: d.publishedAt, dataUpdatedAt: d.dataUpdatedAt, updatedAt: d.updatedAt,
    fields: d.fields.flatMap((f) => {
      const rule = openRule(f);
      return rule === 'drop' ? [] : [{ title: f.title, type: rule === 'mask' ? 'string' : f.type }];
    }),
  };
}
