import fs from 'node:fs';
import { problem } from '../../kernel/index.ts';

export interface ZipEntry {
  name: string;
  compressed: number;
  uncompressed: number;
}

export interface ZipLimits {
  /** Largest total uncompressed size (default 1 GiB). */
  maxUncompressed: number;
  /** Largest uncompressed / compressed ratio of an entry over 1 MiB (default 200). */
  maxRatio: number;
  maxEntries: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxUncompressed: 1024 ** 3, maxRatio: 200, maxEntries: 10_000 };

/**
 * The entries of a ZIP file, read from its central directory (no decompression). Handles ZIP64.
 * Throws 422 when the directory cannot be read.
 */
export function zipEntries(file: string): ZipEntry[] {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const tailLen = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLen);
    fs.readSync(fd, tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw bad('no end of central directory');
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      // ZIP64 end of central directory locator sits just before the EOCD
      const loc = eocd - 20;
      if (loc < 0 || tail.readUInt32LE(loc) !== 0x07064b50) throw bad('ZIP64 locator missing');
      const z64Offset = Number(tail.readBigUInt64LE(loc + 8));
      const z64 = Buffer.alloc(56);
      fs.readSync(fd, z64, 0, 56, z64Offset);
      if (z64.readUInt32LE(0) !== 0x06064b50) throw bad('ZIP64 end of central directory missing');
      count = Number(z64.readBigUInt64LE(32));
      cdSize = Number(z64.readBigUInt64LE(40));
      cdOffset = Number(z64.readBigUInt64LE(48));
    }
    if (cdOffset + cdSize > size || cdSize > 64 * 1024 * 1024) throw bad('central directory out of range');
    const cd = Buffer.alloc(cdSize);
    fs.readSync(fd, cd, 0, cdSize, cdOffset);
    const out: ZipEntry[] = [];
    let p = 0;
    while (p + 46 <= cd.length && out.length < count) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw bad('bad central directory entry');
      let compressed = cd.readUInt32LE(p + 20);
      let uncompressed = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const name = cd.subarray(p + 46, p + 46 + nameLen).toString('utf8');
      if (uncompressed === 0xffffffff || compressed === 0xffffffff) {
        // ZIP64 extended information extra field (0x0001): uncompressed, then compressed size
        let e = p + 46 + nameLen;
        const end = e + extraLen;
        while (e + 4 <= end) {
          const id = cd.readUInt16LE(e);
          const len = cd.readUInt16LE(e + 2);
          if (id === 0x0001) {
            let q = e + 4;
            if (uncompressed === 0xffffffff) { uncompressed = Number(cd.readBigUInt64LE(q)); q += 8; }
            if (compressed === 0xffffffff) compressed = Number(cd.readBigUInt64LE(q));
            break;
          }
          e += 4 + len;
        }
      }
      out.push({ name, compressed, uncompressed });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return out;
  } finally {
    fs.closeSync(fd);
  }
}

function bad(why: string) {
  return problem('unprocessable', `XLSX 文件损坏或不是 ZIP 格式（${why}）/ damaged XLSX or not a ZIP file (${why})`);
}

/**
 * Refuse zip bombs before decompressing anything: too many entries, too large a total
 * uncompressed size, or an entry that expands more than `maxRatio` times.
 */
export function checkZipBomb(file: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ZipEntry[] {
  const entries = zipEntries(file);
  if (entries.length > limits.maxEntries) throw problem('unprocessable', `XLSX 文件条目过多（${entries.length}）/ too many entries in the XLSX file (${entries.length})`);
  const total = entries.reduce((n, e) => n + e.uncompressed, 0);
  if (total > limits.maxUncompressed)
    throw problem('unprocessable', `XLSX 解压后过大（${mb(total)} MB，上限 ${mb(limits.maxUncompressed)} MB），疑似压缩炸弹 / XLSX expands to ${mb(total)} MB (limit ${mb(limits.maxUncompressed)} MB): possible zip bomb`);
  for (const e of entries) {
    if (e.uncompressed > 1024 * 1024 && e.uncompressed / Math.max(e.compressed, 1) > limits.maxRatio)
      throw problem('unprocessable', `XLSX 条目 ${e.name} 压缩比异常（${Math.round(e.uncompressed / Math.max(e.compressed, 1))}:1），疑似压缩炸弹 / entry ${e.name} expands ${Math.round(e.uncompressed / Math.max(e.compressed, 1))}x: possible zip bomb`);
  }
  if (!entries.some((e) => /^xl\/workbook\.xml$/i.test(e.name))) throw problem('unprocessable', 'ZIP 文件不是 XLSX 工作簿 / the ZIP file is not an XLSX workbook');
  return entries;
}

const mb = (n: number) => Math.round(n / 1024 / 1024);
