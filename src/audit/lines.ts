import fs from 'node:fs';
import readline from 'node:readline';

/** The non-blank lines of a text file, numbered from 1. */
export async function* fileLines(file: string): AsyncGenerator<{ line: number; text: string }> {
  const rl = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (text.trim()) yield { line, text };
  }
}
