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

/** An event as stored: what the hash covers, plus the link to the previous event and its own hash. */
export interface AuditEvent extends ChainedEvent {
  prevHash: string;
  hash: string;
}

export function canonicalJson(e: ChainedEvent): string {
  return canonicalize(e) as string;
}

/** hash = sha256(prev_hash ‖ canonical JSON of the event), hex. */
export function eventHash(prevHash: string, e: ChainedEvent): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(e)).digest('hex');
}

/** The part of a stored event that its hash covers. */
export function chainedPart(e: AuditEvent): ChainedEvent {
  const { prevHash: _p, hash: _h, ...rest } = e;
  return rest;
}
