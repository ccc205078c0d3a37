import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SignedCheckpoint } from './heads.ts';

/** The Ed25519 key that signs audit checkpoints. It lives in a file, never in the database. */
export class AuditKey {
  private constructor(
    private priv: KeyObject | null,
    readonly publicKey: KeyObject,
  ) {}

  /** Load the key file, creating it (mode 0600) on first use. */
  static loadOrCreate(file: string): AuditKey {
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const { privateKey } = generateKeyPairSync('ed25519');
      fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    }
    const priv = createPrivateKey(fs.readFileSync(file));
    return new AuditKey(priv, createPublicKey(priv));
  }

  /** A verifier only, from an exported public key (PEM). */
  static fromPublicPem(pem: string): AuditKey {
    return new AuditKey(null, createPublicKey(pem));
  }

  get publicPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /** Short fingerprint naming the key: first 16 hex of sha256 over the DER public key. */
  get keyId(): string {
    return createHash('sha256').update(this.publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
  }

  /** Is this the same key as the PEM (e.g. the one a witness head carries)? */
  samePublicKey(pem: string): boolean {
    try {
      return createPublicKey(pem).equals(this.publicKey);
    } catch {
      return false;
    }
  }

  static message(seq: number, hash: string, ts: string): Buffer {
    return Buffer.from(`govhub-audit-checkpoint\n${seq}\n${hash}\n${ts}`);
  }

  sign(seq: number, hash: string, ts: string): string {
    if (!this.priv) throw new Error('audit key: no private key loaded');
    return sign(null, AuditKey.message(seq, hash, ts), this.priv).toString('base64');
  }

  verify(seq: number, hash: string, ts: string, signature: string): boolean {
    return verify(null, AuditKey.message(seq, hash, ts), this.publicKey, Buffer.from(signature, 'base64'));
  }

  /** A signed checkpoint is this key's when it names this key and its signature verifies. */
  signed(cp: SignedCheckpoint): boolean {
    return cp.keyId === this.keyId && this.verify(cp.seq, cp.hash, cp.ts, cp.signature);
  }
}
