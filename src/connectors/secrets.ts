import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Format of a stored password: v2 seals the source id and its target; v1 (before) only the id. */
const VERSION = 'v2';
const LEGACY = 'v1';
const INFO = 'govhub/source-secret/v1';

/** 256-bit key derived (HKDF-SHA256) from the platform secret (GOVHUB_SECRET_KEY or the generated key file). */
function keyOf(secretKey: string | undefined): Buffer {
  if (!secretKey) throw new Error('no secret key configured (GOVHUB_SECRET_KEY)');
  return Buffer.from(hkdfSync('sha256', Buffer.from(secretKey, 'utf8'), Buffer.alloc(0), INFO, 32));
}

const aad = (sourceId: string, target: string) => Buffer.from(`${sourceId}\n${target}`, 'utf8');

function open(secretKey: string | undefined, stored: string, associated: Buffer): string {
  const [, iv, tag, ct] = stored.split(':');
  if (!iv || !tag || ct === undefined) throw new Error('unrecognised secret format');
  const d = createDecipheriv('aes-256-gcm', keyOf(secretKey), Buffer.from(iv, 'base64url'));
  d.setAAD(associated);
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
}

/**
 * Encrypt a connection password for storage: AES-256-GCM, a random 96-bit IV per value, and as
 * associated data the source id and its target (`targetKey`: kind, host, port, database, user,
 * TLS). A ciphertext copied onto another source, or read for another target, does not decrypt.
 * Stored form: `v2:<iv>:<tag>:<ciphertext>`, base64url.
 */
export function encryptSecret(secretKey: string | undefined, plain: string, sourceId: string, target: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', keyOf(secretKey), iv);
  c.setAAD(aad(sourceId, target));
  const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return [VERSION, iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
}

/** Decrypt a v2 password for the target it is to be sent to; throws unless that is the target it was sealed with. */
export function decryptSecret(secretKey: string | undefined, stored: string, sourceId: string, target: string): string {
  if (!stored.startsWith(`${VERSION}:`)) throw new Error('unrecognised secret format');
  try {
    return open(secretKey, stored, aad(sourceId, target));
  } catch {
    throw new Error('the stored password cannot be decrypted for this target (another target, or GOVHUB_SECRET_KEY changed) / 已存密码不属于此连接目标');
  }
}

/** A password stored before targets were sealed in (v1: the source id only). */
export const isLegacySecret = (stored: string) => stored.startsWith(`${LEGACY}:`);

/** Decrypt a v1 password; the caller re-seals it for the source's saved target at once (see sourcePassword). */
export function decryptLegacySecret(secretKey: string | undefined, stored: string, sourceId: string): string {
  try {
    return open(secretKey, stored, Buffer.from(sourceId, 'utf8'));
  } catch {
    throw new Error('the stored password cannot be decrypted (was GOVHUB_SECRET_KEY changed?)');
  }
}
