import fs from 'node:fs';
import unzipper, { type Entry } from 'unzipper';
import { problem } from '../../kernel/index.ts';

const mb = (n: number) => Math.round(n / 1024 / 1024);

/**
 * Inflate every entry of a ZIP file the way the XLSX reader will (the same streaming parser, over
 * the local headers in file order), counting the bytes that actually come out, and stop the moment
 * they pass `maxBytes`. The sizes a ZIP declares can lie; the inflated bytes cannot. Constant
 * memory: nothing is kept. Throws 422 when the cap is passed or the archive cannot be read.
 */
export async function checkInflatedSize(file: string, maxBytes: number): Promise<number> {
  const input = fs.createReadStream(file);
  const zip = input.pipe(unzipper.Parse({ forceStream: true }));
  let total = 0;
  try {
    for await (const entry of zip as AsyncIterable<Entry>) {
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > maxBytes)
          throw problem('unprocessable', `XLSX 解压后超过 ${mb(maxBytes)} MB，疑似压缩炸弹 / the XLSX inflates to more than ${mb(maxBytes)} MB: possible zip bomb`);
      }
    }
  } catch (err) {
    if ((err as { status?: number }).status) throw err;
    throw problem('unprocessable', `XLSX 文件损坏，无法解压（${(err as Error).message.slice(0, 200)}）/ damaged XLSX, cannot be inflated`);
  } finally {
    input.destroy();
    zip.destroy();
  }
  return total;
}
