import fs from 'node:fs';
import { problem } from '../../kernel/index.ts';

/** Deepest nesting of arrays and objects a JSON upload may have (a record of records of lists is 3). */
export const MAX_JSON_DEPTH = 64;

const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/**
 * Refuse JSON nested deeper than `max` before any parser sees it: a deep enough document exhausts
 * the stack of recursive parsers (DuckDB's read_json among them) and kills the process. One pass
 * over the bytes, constant memory, strings skipped. For NDJSON (`perLine`) each line is its own
 * document, so the depth starts again at every line break.
 */
export async function checkJsonDepth(file: string, opts: { perLine?: boolean; max?: number } = {}): Promise<void> {
  const max = opts.max ?? MAX_JSON_DEPTH;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === NEWLINE) {
        line++;
        if (opts.perLine) {
          depth = 0;
          inString = false;
          escaped = false;
          continue;
        }
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) inString = false;
        continue;
      }
      if (b === QUOTE) inString = true;
      else if (b === OPEN_BRACKET || b === OPEN_BRACE) {
        if (++depth > max)
          throw problem('unprocessable', `JSON 嵌套超过 ${max} 层（第 ${line} 行）/ JSON nested deeper than ${max} levels (line ${line})`);
      } else if ((b === CLOSE_BRACKET || b === CLOSE_BRACE) && depth > 0) depth--;
    }
  }
}

/** The same limit for a value already parsed (push API records): its nesting depth, iteratively. */
export function jsonDepth(value: unknown, max = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    const level = d + 1;
    if (level > deepest) deepest = level;
    if (deepest > max) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, level]);
  }
  return deepest;
}
