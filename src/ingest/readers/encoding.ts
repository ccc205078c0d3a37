import chardet from 'chardet';
import iconv from 'iconv-lite';
import { problem } from '../../kernel/index.ts';
import type { IngestEncoding } from '../types.ts';

/** How many bytes of a file the detectors look at. */
export const SAMPLE_BYTES = 1024 * 1024;

export interface DetectedEncoding {
  encoding: IngestEncoding;
  /** 'bom', 'utf-8' (strict decode succeeded), 'chardet' or 'given'. */
  by: 'bom' | 'utf-8' | 'chardet' | 'given';
}

/** Length of the byte-order mark the encoding puts at the start of the file (0 when none). */
export function bomLength(sample: Buffer): number {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 3;
  if ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff)) return 2;
  return 0;
}

/** True when the sample is not text: NUL bytes, or more than 1% control characters. */
export function looksBinary(sample: Buffer): boolean {
  const n = Math.min(sample.length, 64 * 1024);
  if (n === 0) return false;
  let ctrl = 0;
  for (let i = 0; i < n; i++) {
    const b = sample[i]!;
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) ctrl++;
  }
  return ctrl / n > 0.01;
}

/** Strict UTF-8 check; a multi-byte sequence cut off at the end of a partial sample is forgiven. */
export function isUtf8(sample: Buffer, complete: boolean): boolean {
  let buf = sample;
  if (!complete) {
    // drop a trailing incomplete sequence (at most 3 bytes)
    let cut = buf.length;
    for (let k = 1; k <= 3 && cut - k >= 0; k++) {
      const b = buf[cut - k]!;
      if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
      if ((b & 0xc0) === 0xc0) {
        const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
        if (k < need) cut -= k;
      }
      break;
    }
    buf = buf.subarray(0, cut);
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}

/** GBK when the sample decodes under GBK without replacement characters, else GB18030. */
function gbkOrGb18030(sample: Buffer): IngestEncoding {
  const text = iconv.decode(sample.subarray(0, Math.min(sample.length, 256 * 1024)), 'gbk');
  // a trailing U+FFFD may only be a sequence cut by the sample; look before the last few characters
  return text.slice(0, -2).includes('\ufffd') ? 'gb18030' : 'gbk';
}

/**
 * The encoding of a text file from a sample of its first bytes: a byte-order mark decides;
 * else strict UTF-8; else chardet, among the Chinese encodings GBK / GB18030.
 * Throws 422 for binary content or an encoding outside UTF-8 / UTF-16 / GBK / GB18030.
 */
export function detectEncoding(sample: Buffer, complete: boolean, given?: IngestEncoding): DetectedEncoding {
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', by: 'bom' };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', by: 'bom' };
  if (looksBinary(sample)) throw problem('unprocessable', '文件不是文本文件（含二进制内容）/ the file is not text (binary content found)');
  const hasBom = bomLength(sample) === 3;
  const utf8 = isUtf8(hasBom ? sample.subarray(3) : sample, complete);
  if (given) {
    if ((given === 'utf-8' || given === 'utf-8-bom') && !utf8) {
      const guess = chardetGuess(sample);
      throw problem('unprocessable', `文件不是 UTF-8 编码${guess ? `（疑似 ${guess}）` : ''} / the file is not valid UTF-8${guess ? ` (looks like ${guess})` : ''}`);
    }
    return { encoding: given === 'utf-8' && hasBom ? 'utf-8-bom' : given, by: 'given' };
  }
  if (hasBom) return { encoding: 'utf-8-bom', by: 'bom' };
  if (utf8) return { encoding: 'utf-8', by: 'utf-8' };
  const guess = chardetGuess(sample);
  if (guess === 'GB18030' || guess === 'GBK' || guess === 'GB2312' || chineseDecodes(sample)) return { encoding: gbkOrGb18030(sample), by: 'chardet' };
  throw problem('unprocessable', `无法识别文件编码${guess ? `（疑似 ${guess}）` : ''}，支持 UTF-8、GBK、GB18030 / unsupported or undetectable encoding${guess ? ` (looks like ${guess})` : ''}; use UTF-8, GBK or GB18030`);
}

function chardetGuess(sample: Buffer): string | null {
  const top = chardet.analyse(sample.subarray(0, Math.min(sample.length, 64 * 1024)))[0];
  return top && top.confidence >= 10 ? top.name.toUpperCase() : null;
}

/** Decodes as GB18030 without a single replacement character and with some CJK text. */
function chineseDecodes(sample: Buffer): boolean {
  const text = iconv.decode(sample.subarray(0, Math.min(sample.length, 64 * 1024)), 'gb18030').slice(0, -2);
  return !text.includes('\ufffd') && /[\u4e00-\u9fff]/.test(text);
}

/** The iconv-lite name of an encoding. */
export function iconvName(e: IngestEncoding): string {
  switch (e) {
    case 'utf-8':
    case 'utf-8-bom':
      return 'utf8';
    case 'gbk':
    case 'gb18030':
      // GB18030 is a superset of GBK: decoding GBK files as GB18030 loses nothing
      return 'gb18030';
    case 'utf-16le':
      return 'utf16le';
    case 'utf-16be':
      return 'utf16be';
  }
}

/** Encodings DuckDB and the header parser read directly (no transcoding needed). */
export const needsTranscode = (e: IngestEncoding) => e !== 'utf-8' && e !== 'utf-8-bom';

/** A whole small text file as a string: its encoding detected (UTF-8 with or without BOM, UTF-16, GBK, GB18030), the BOM dropped. */
export function decodeText(buf: Buffer): string {
  const { encoding } = detectEncoding(buf, true);
  return iconv.decode(buf, iconvName(encoding)).replace(/^\uFEFF/, '');
}
