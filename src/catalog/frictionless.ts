/**
 * A Frictionless Data Package descriptor (datapackage.json, profile tabular-data-package) for one
 * open dataset: its metadata, and one tabular resource per download format, each with a Table
 * Schema of the columns open data carries. Dropped fields are not in it; a masked field is a string
 * with no constraint that could tell anything of its values.
 */
import { getElement } from '../standards/index.ts';
import { openColumns, type OpenColumn } from './openData.ts';
import type { FieldType } from './fields.ts';
import { DOWNLOAD_FORMATS, type DownloadFormat, licenceOf, openLinks } from './openLinks.ts';
import type { Dataset } from './types.ts';

/** Our field types as Table Schema types. */
const TABLE_TYPES: Record<FieldType, string> = {
  string: 'string', integer: 'integer', number: 'number', decimal: 'number', boolean: 'boolean', date: 'date', timestamp: 'datetime',
};

/**
 * The form of a built-in data element's values as the lake keeps them (cleaned, and normalised
 * where the element normalises), as Table Schema patterns (XML Schema regular expressions, anchored).
 */
const ELEMENT_PATTERNS: Record<string, string> = {
  id_card: '[0-9]{17}[0-9X]',
  mobile: '1[0-9]{10}',
  uscc: '[0-9A-Za-z]{18}',
  area_code: '[0-9]{6}',
  postcode: '[0-9]{6}',
};

export interface TableField {
  name: string;
  title: string;
  type: string;
  description?: string;
  format?: string;
  constraints?: { required?: boolean; pattern?: string; enum?: string[] };
}

export interface TableSchema {
  fields: TableField[];
  missingValues: string[];
  primaryKey?: string[];
}

/**
 * The constraints a column's values keep. `text`: constraints on the written text (pattern, code
 * list) too; off for CSV, whose cells are made spreadsheet-safe (`="…"` around ID-like digits).
 * A masked column keeps `required` only.
 */
function constraintsOf(c: OpenColumn, required: boolean, text: boolean): TableField['constraints'] {
  const out: NonNullable<TableField['constraints']> = {};
  if (required) out.required = true;
  if (text && !c.masked && c.type === 'string' && c.element) {
    const pattern = ELEMENT_PATTERNS[c.element];
    const codes = getElement(c.element)?.codes;
    if (pattern) out.pattern = pattern;
    else if (codes && Object.keys(codes).length) out.enum = Object.keys(codes);
  }
  return Object.keys(out).length ? out : undefined;
}

/** The Table Schema of the columns open data carries for a dataset. */
export function tableSchema(ds: Pick<Dataset, 'fields' | 'primaryKey'>, opts: { text: boolean }): TableSchema {
  const columns = openColumns(ds);
  const fields = columns.map((c): TableField => {
    const required = !!ds.fields.find((f) => f.name === c.name)?.required;
    const description = [c.description, c.masked ? '已脱敏 / masked' : undefined].filter(Boolean).join('；');
    const constraints = constraintsOf(c, required, opts.text);
    return {
      name: c.name, title: c.title, type: c.masked ? 'string' : TABLE_TYPES[c.type],
      ...(description ? { description } : {}),
      ...(!c.masked && c.element === 'email' ? { format: 'email' } : {}),
      ...(constraints ? { constraints } : {}),
    };
  });
  const clear = new Set(columns.filter((c) => !c.masked).map((c) => c.name));
  const keyKept = ds.primaryKey.length > 0 && ds.primaryKey.every((k) => clear.has(k));
  return { fields, missingValues: [''], ...(keyKept ? { primaryKey: [...ds.primaryKey] } : {}) };
}

const RESOURCE_TEXT: Record<DownloadFormat, string> = {
  csv: 'UTF-8（带 BOM）CSV；电子表格会误读的单元格写作 ="…"（长数字串）或以 \' 开头（公式字符）/ UTF-8 CSV with a byte-order mark; cells a spreadsheet would spoil are written ="…" (long digit strings) or start with \' (formula characters)',
  xlsx: 'Excel 工作簿，首个工作表 / Excel workbook, first sheet',
  json: 'JSON',
  parquet: 'Apache Parquet',
};

/** The datapackage.json of an open dataset; `base` is the public address, no trailing slash. */
export function dataPackage(ds: Dataset, base: string): Record<string, unknown> {
  const links = openLinks(base);
  const name = ds.code.toLowerCase();
  const licence = licenceOf(ds);
  const keywords = [...new Set([...(ds.theme ? [ds.theme] : []), ...ds.keywords])];
  const conditional = ds.openType === 'conditional' ? '（有条件开放：下载需接口密钥 / conditionally open: downloads need an API key）' : '';
  const contact = ds.contact;
  const email = contact?.email?.trim();
  const resources = (Object.keys(DOWNLOAD_FORMATS) as DownloadFormat[]).map((format) => {
    const f = DOWNLOAD_FORMATS[format];
    return {
      profile: 'tabular-data-resource',
      name: `${name}-${format}`,
      title: `${ds.name}（${f.title}）`,
      description: RESOURCE_TEXT[format] + conditional,
      path: links.download(ds.code, format, ds.currentVersion || undefined),
      format,
      mediatype: f.mediaType,
      ...(format === 'csv' ? { encoding: 'utf-8-sig', dialect: { delimiter: ',', lineTerminator: '\r\n', quoteChar: '"', doubleQuote: true, header: true } } : {}),
      ...(format === 'json' ? { encoding: 'utf-8' } : {}),
      schema: tableSchema(ds, { text: format !== 'csv' }),
    };
  });
  return {
    profile: 'tabular-data-package',
    name,
    title: ds.name,
    description: (ds.description.trim() || ds.name) + conditional,
    homepage: links.portalPage(ds.code),
    version: String(ds.currentVersion),
    created: ds.publishedAt ?? ds.createdAt,
    modified: ds.dataUpdatedAt ?? ds.updatedAt,
    ...(keywords.length ? { keywords } : {}),
    licenses: [{ ...(/^[A-Za-z0-9._-]+$/.test(licence.id) ? { name: licence.id } : {}), path: licence.url, title: licence.title }],
    contributors: [
      { title: ds.departmentName, role: 'publisher', organization: ds.departmentName, ...(email ? { email } : {}) },
      ...(contact?.name?.trim() ? [{ title: contact.name.trim(), role: 'maintainer', organization: ds.departmentName, ...(email ? { email } : {}) }] : []),
    ],
    resources,
  };
}
