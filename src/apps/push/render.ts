/** Notice text from a rule's template: `{{field}}` takes the row's column (as the owner read it, masks applied). */
export const TITLE_MAX = 200;
export const BODY_MAX = 2000;

export function render(template: string, row: Record<string, unknown>, max: number): string {
  const text = template.replace(/\{\{\s*([\p{L}\p{N}_.]+)\s*\}\}/gu, (_m, field: string) => {
    const v = row[field];
    if (v === null || v === undefined) return '';
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
