import path from 'node:path';

/** Where the audit log keeps what lives outside the database, and how often it signs. */
export interface AuditSettings {
  /** Ed25519 private key signing checkpoints (GOVHUB_AUDIT_KEY_FILE). */
  keyFile: string;
  /** Append-only file of signed checkpoints (GOVHUB_AUDIT_ANCHOR_FILE), next to the key by default. */
  anchorFile: string;
  /** Sign a checkpoint at every N-th event (GOVHUB_AUDIT_CHECKPOINT_EVERY). */
  checkpointEvery: number;
  /** Also sign the head when it moved and the last checkpoint is this old; 0 = off (GOVHUB_AUDIT_CHECKPOINT_SECONDS). */
  checkpointSeconds: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

export function auditSettings(dataDir: string, env: NodeJS.ProcessEnv = process.env): AuditSettings {
  const keyFile = path.resolve(env.GOVHUB_AUDIT_KEY_FILE || path.join(dataDir, 'keys', 'audit-ed25519.pem'));
  return {
    keyFile,
    anchorFile: path.resolve(env.GOVHUB_AUDIT_ANCHOR_FILE || path.join(path.dirname(keyFile), 'audit-anchors.ndjson')),
    checkpointEvery: int(env, 'GOVHUB_AUDIT_CHECKPOINT_EVERY', 100, 1),
    checkpointSeconds: int(env, 'GOVHUB_AUDIT_CHECKPOINT_SECONDS', 60, 0),
  };
}
