/**
 * The data elements' test vectors (vectors.json): the unit test runs every vector through the TS
 * validator AND the DuckDB macros and requires both to give exactly this result. Check digits in
 * the vectors were computed independently of the code under test.
 */
import fs from 'node:fs';
import type { ElementParams } from '../../../src/standards/index.ts';

export interface Vector {
  element: string;
  input: string | null;
  params?: ElementParams;
  ok: boolean;
  reason?: string;
  normalized?: string;
  flag?: string;
  note?: string;
}

/** Legacy USCC allow-list the vectors are run with. */
export const VECTOR_USCC_LEGACY = ['91330106MA2H12340X'];

export const VECTORS: Vector[] = JSON.parse(fs.readFileSync(new URL('./vectors.json', import.meta.url), 'utf8'));
