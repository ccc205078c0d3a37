/** Result of checking one value against a data element (数据元). */
export interface ValidationResult {
  ok: boolean;
  /** Stable reason code when `ok` is false (e.g. 'empty', 'length', 'checksum'). */
  reason?: string;
  /** Canonical form of the value when `ok` is true (e.g. ISO date, 18-digit ID, code). */
  normalized?: string;
  /** Accepted, but worth a look (e.g. 'legacy' for a known pre-standard USCC). */
  flag?: string;
}

/** Describes one parameter an element accepts. */
export interface ElementParamSpec {
  name: string;
  type: 'string' | 'number' | 'boolean' | 'string[]' | 'codes';
  title: string;
  /** The title in English, for the console's English mode. */
  titleEn?: string;
  required?: boolean;
}

/** What `listElements()` tells about an element; plain data, safe to send over the API. */
export interface ElementInfo {
  id: string;
  title: string;
  titleEn: string;
  description: string;
  /** The description in English (absent for a custom element's own description). */
  descriptionEn?: string;
  /** The standard the element follows, if any (e.g. 'GB 11643-1999'). */
  standard?: string;
  /** DuckDB macro returning BOOLEAN (NULL for blank input). Absent for parameterised kinds. */
  macroName?: string;
  /** DuckDB macro returning the reason code (NULL when valid, 'empty' for blank). */
  reasonMacroName?: string;
  /** DuckDB macro returning the normalized value (NULL when invalid). */
  normalizeMacroName?: string;
  /** True when normalisation changes more than whitespace / full-width characters. */
  normalizes: boolean;
  /** Reason codes this element can produce. */
  reasons: string[];
  /** Parameters the element takes (for the parameterised kinds and user-defined elements). */
  params?: ElementParamSpec[];
  /** builtin: fixed standard; template: generic, needs params; custom: registered with fixed params. */
  kind: 'builtin' | 'template' | 'custom';
  /** The code table (code → name) of a coded element (性别, 民族, a custom code table), to show values by name. */
  codes?: Record<string, string>;
  /** English names of the codes, where the standard gives them. */
  codesEn?: Record<string, string>;
}

export type ElementParams = Record<string, unknown>;

/** Full element definition: the TS validator and the SQL builders. */
export interface ElementDef extends ElementInfo {
  validate(value: unknown, params?: ElementParams): ValidationResult;
  /** SQL BOOLEAN expression; NULL when the value is blank. */
  validSql(expr: string, params?: ElementParams): string;
  /** SQL VARCHAR expression: reason code, NULL when valid, 'empty' when blank. */
  reasonSql(expr: string, params?: ElementParams): string;
  /** SQL VARCHAR expression: normalized value, NULL when invalid or blank. */
  normalizeSql(expr: string, params?: ElementParams): string;
  /** SQL VARCHAR expression: flag (e.g. 'legacy') or NULL. */
  flagSql?(expr: string, params?: ElementParams): string;
  /** SQL statements (macros, lookup tables) this element needs, in order. */
  macros?: () => string[];
}

/** Minimal DuckDB connection surface used to install macros. */
export interface SqlRunner {
  run(sql: string): Promise<unknown>;
}
