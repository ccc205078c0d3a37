/** What the tests of the DCAT-AP export share: the official shapes, and a JSON-LD loader that loads nothing. */
import fs from 'node:fs';
import path from 'node:path';
import { Parser, Store } from 'n3';
import { ROOT } from '../../src/kernel/index.ts';

/** The SEMIC DCAT-AP 3.0.0 SHACL shapes of test/fixtures/dcat-ap-3.0.0 (shapes.ttl, range.ttl, shapes_recommended.ttl), as one graph. */
export function dcatShapes(...files: string[]): Store {
  const s = new Store();
  for (const f of files) s.addQuads(new Parser().parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/dcat-ap-3.0.0', f), 'utf8')));
  return s;
}

/** A JSON-LD document loader that loads nothing: every remote context or document is refused. */
export const refuseDocuments = async (url: string): Promise<never> => {
  throw new Error(`JSON-LD: no document may be loaded (${url})`);
};
