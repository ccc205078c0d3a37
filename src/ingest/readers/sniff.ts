import { parse } from 'csv-parse/sync';

export const DELIMITERS = [',', '\t', ';', '|'];

/** Count of `ch` outside double quotes in one line. */
function countOutsideQuotes(line: string, ch: string): number {
  let n = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === ch && !quoted) n++;
  }
  return n;
}

/**
 * The delimiter of a delimited text sample: among , TAB ; | the one whose count per line is the
 * same on most of the first lines (and not zero). A file with one column gets ','.
 */
export function sniffDelimiter(text: string, prefer?: string): string {
  const lines = text.split(/\r?\n/).slice(0, 51);
  if (lines.length > 1 && text.length >= 64 * 1024) lines.pop(); // the last line of a partial sample may be cut
  const body = lines.filter((l) => l.length > 0);
  if (!body.length) return prefer ?? ',';
  let best = prefer ?? ',';
  let bestScore = 0;
  for (const d of DELIMITERS) {
    const head = countOutsideQuotes(body[0]!, d);
    if (head === 0) continue;
    const same = body.filter((l) => countOutsideQuotes(l, d) === head).length;
    const score = same / body.length + (d === prefer ? 0.01 : 0) + head * 1e-6;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

/** The first records of a delimited text sample (stops quietly at a record cut by the sample or at a parse error). */
export function parseRecords(text: string, delimiter: string, max: number): string[][] {
  const out: string[][] = [];
  try {
    parse(text, {
      delimiter,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      to: max,
      on_record: (r: string[]) => {
        out.push(r);
        return r;
      },
    });
  } catch {
    // keep the records read before the error
  }
  return out.slice(0, max);
}

/**
 * Column names from a header record: trimmed; blank → 列N (column N); repeated names get _2, _3….
 */
export function headerNames(cells: string[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((c, i) => {
    let name = c.replace(/^\ufeff/, '').trim();
    if (!name) name = `列${i + 1}`;
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n > 1 ? `${name}_${n}` : name;
  });
}
