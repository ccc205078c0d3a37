import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an event that the hash covers, exactly as stored. */
export interface ChainedEvent {
  seq: number;
  id: string;
  ts: string;
  actorId: string | null;
  actorName: string;
  actorDepartmentId: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  departmentId: string | null;
  subjectKeys: string[];
  details: Record<string, unknown>;
}

export function canonicalJson(e: ChainedEvent): string {
  return canonicalize(e) as string;
}

/** hash = sha256(prev_hash ‖ canonical JSON of the event), hex. */
export function eventHash(prevHash: string, e: ChainedEvent): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(e)).digest('hex');
}
