import fs from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import { iconvName } from './encoding.ts';
import type { IngestEncoding } from '../types.ts';

type IconvEncoding = Parameters<typeof iconv.decode>[1];

/**
 * Stream a file in `encoding` into a UTF-8 file (no BOM). Constant memory: the file goes through
 * iconv-lite's streaming decoder chunk by chunk, never whole. Undecodable bytes become U+FFFD.
 */
export async function transcodeToUtf8(src: string, dst: string, encoding: IngestEncoding, onBytes?: (bytes: number) => void): Promise<void> {
  const name = iconvName(encoding) as IconvEncoding;
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      onBytes?.(bytes);
      cb(null, chunk);
    },
  });
  await pipeline(
    fs.createReadStream(src, { highWaterMark: 1 << 20 }),
    counter,
    iconv.decodeStream(name, { stripBOM: true }),
    iconv.encodeStream('utf8'),
    fs.createWriteStream(dst),
  );
}

/** Decode the start of a file for previews and header parsing (BOM removed). */
export function decodeSample(sample: Buffer, encoding: IngestEncoding): string {
  return iconv.decode(sample, iconvName(encoding) as IconvEncoding, { stripBOM: true }).replace(/^\ufeff/, '');
}
