import path from 'node:path';
import { problem } from '../../kernel/index.ts';
import { bomLength } from './encoding.ts';
import type { IngestFormat } from '../types.ts';

const BY_EXT: Record<string, IngestFormat> = {
  '.csv': 'csv', '.txt': 'csv', '.tsv': 'tsv', '.tab': 'tsv', '.json': 'json', '.ndjson': 'ndjson', '.jsonl': 'ndjson',
  '.parquet': 'parquet', '.xlsx': 'xlsx', '.xlsm': 'xlsx',
};

/** First non-blank character of a text sample (after any UTF-8 BOM). */
function firstChar(sample: Buffer): string {
  const s = sample.subarray(bomLength(sample) === 3 ? 3 : 0, 4096).toString('latin1');
  const m = /\S/.exec(s);
  return m ? m[0] : '';
}

/**
 * The format of a file from its magic bytes and, for text, its name and first character.
 * A given format is checked against the magic bytes so a mislabelled file fails clearly.
 */
export function detectFormat(name: string, sample: Buffer, given?: IngestFormat): IngestFormat {
  const magic = sample.subarray(0, 4).toString('latin1');
  const isParquet = magic === 'PAR1';
  const isZip = magic === 'PK\u0003\u0004';
  const isOle = sample[0] === 0xd0 && sample[1] === 0xcf && sample[2] === 0x11 && sample[3] === 0xe0;
  if (isOle) throw problem('unprocessable', '不支持旧版 .xls 文件，请另存为 .xlsx 或 CSV / legacy .xls files are not supported; save as .xlsx or CSV');
  const ext = path.extname(name).toLowerCase();
  if (given) {
    if (given === 'parquet' && !isParquet) throw problem('unprocessable', '文件不是 Parquet 格式 / the file is not Parquet');
    if (given === 'xlsx' && !isZip) throw problem('unprocessable', '文件不是 XLSX 格式 / the file is not XLSX');
    if (given !== 'parquet' && given !== 'xlsx' && (isParquet || isZip)) throw problem('unprocessable', `文件是二进制格式（${isParquet ? 'Parquet' : 'ZIP/XLSX'}），不是 ${given} / the file is ${isParquet ? 'Parquet' : 'ZIP/XLSX'}, not ${given}`);
    if (given === 'json' && firstChar(sample) === '{') return 'ndjson';
    return given;
  }
  if (isParquet) return 'parquet';
  if (isZip) {
    if (ext && ext !== '.xlsx' && ext !== '.xlsm') throw problem('unprocessable', `不支持的压缩文件 ${ext} / unsupported archive ${ext}`);
    return 'xlsx';
  }
  const byExt = BY_EXT[ext];
  const c = firstChar(sample);
  if (byExt === 'json' || byExt === 'ndjson') return c === '[' ? 'json' : 'ndjson';
  if (byExt) return byExt;
  if (c === '[') return 'json';
  if (c === '{') return 'ndjson';
  return 'csv';
}
