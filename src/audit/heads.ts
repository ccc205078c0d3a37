import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';

/** A checkpoint as signed: the chain's hash at seq, when, and by which key. One line of the anchor file. */
export const SignedCheckpointSchema = Type.Object({
  seq: Type.Integer({ minimum: 1 }),
  hash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  ts: Type.String({ format: 'date-time', maxLength: 40 }),
  keyId: Type.String({ pattern: '^[0-9a-f]{16}$' }),
  signature: Type.String({ pattern: '^[A-Za-z0-9+/]+={0,2}$', maxLength: 200 }),
}, { additionalProperties: false });
export type SignedCheckpoint = Static<typeof SignedCheckpointSchema>;

export const HEAD_FORMAT = 'govhub-audit-head/1';

/**
 * A signed tree head a second party keeps (a witness): the newest anchored checkpoint with the
 * public key that verifies it, so the witness can check it without asking the platform.
 */
export const SignedHeadSchema = Type.Object({
  format: Type.Optional(Type.Literal(HEAD_FORMAT)),
  ...SignedCheckpointSchema.properties,
  publicKey: Type.String({ pattern: 'BEGIN PUBLIC KEY', maxLength: 1000 }),
}, { additionalProperties: false });
export type SignedHead = Static<typeof SignedHeadSchema>;

/** Where a head or an anchor came from, for messages: a file and its line. */
export interface Located<T> {
  source: string;
  line: number;
  value: T;
}

/** Parse one JSON line against a schema: the value, or why it is not one. */
export function parseLine<S extends TSchema>(schema: S, text: string, drop: string[] = []): { value: Static<S> } | { error: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { error: 'not JSON' };
  }
  if (v && typeof v === 'object' && !Array.isArray(v)) for (const k of drop) delete (v as Record<string, unknown>)[k];
  if (Value.Check(schema, v)) return { value: v as Static<S> };
  const first = [...Value.Errors(schema, v)].slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message}`);
  return { error: first.join('; ') };
}

export const checkpointOf = (h: SignedCheckpoint): SignedCheckpoint => ({ seq: h.seq, hash: h.hash, ts: h.ts, keyId: h.keyId, signature: h.signature });
