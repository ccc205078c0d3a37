import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const INFO = 'govhub/source-secret/v1';

/** 256-bit key derived (HKDF-SHA256) from the platform secret (GOVHUB_SECRET_KEY or the generated key file). */
function keyOf(secretKey: string | undefined): Buffer {
  if (!secretKey) throw new Error('no secret key configured (GOVHUB_SECRET_KEY)');
  return Buffer.from(hkdfSync('sha256', Buffer.from(secretKey, 'utf8'), Buffer.alloc(0), INFO, 32));
}

/**
 * Encrypt a connection password for storage: AES-256-GCM, a random 96-bit IV per value, the
 * source id as associated data (a ciphertext copied onto another source does not decrypt).
 * Stored form: `v1:<iv>:<tag>:<ciphertext>`, base64url.
 */
export function encryptSecret(secretKey: string | undefined, plain: string, sourceId: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', keyOf(secretKey), iv);
  c.setAAD(Buffer.from(sourceId, 'utf8'));
  const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return [VERSION, iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
}

export function decryptSecret(secretKey: string | undefined, stored: string, sourceId: string): string {
  const [v, iv, tag, ct] = stored.split(':');
  if (v !== VERSION || !iv || !tag || ct === undefined) throw new Error('unrecognised secret format');
  const d = createDecipheriv('aes-256-gcm', keyOf(secretKey), Buffer.from(iv, 'base64url'));
  d.setAAD(Buffer.from(sourceId, 'utf8'));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
  } catch {
    throw new Error('the stored password cannot be decrypted (was GOVHUB_SECRET_KEY changed?)');
  }
}
