import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { fieldProblem } from '../kernel/index.ts';

export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 256;

/** Common passwords (zxcvbn's list of leaked passwords, ≈49k, shipped with the package), lower-cased. */
let common: Set<string> | null = null;
const commonPasswords = () => (common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase())));

/**
 * Why `pw` is refused as the password of `username`, or null when it is acceptable: at least
 * MIN_PASSWORD characters, not a common password (case-insensitive), not the username nor
 * containing it.
 */
export function passwordWeakness(pw: string, username?: string): string | null {
  if (pw.length < MIN_PASSWORD) return `密码至少 ${MIN_PASSWORD} 位 / at least ${MIN_PASSWORD} characters`;
  if (pw.length > MAX_PASSWORD) return `密码至多 ${MAX_PASSWORD} 位 / at most ${MAX_PASSWORD} characters`;
  const lower = pw.toLowerCase();
  if (commonPasswords().has(lower)) return '密码过于常见 / too common: it appears in lists of leaked passwords';
  const name = username?.toLowerCase();
  // Very short names (two letters) would forbid too much by containment; they must not be the password.
  if (name && (lower === name || (name.length >= 3 && lower.includes(name)))) return '密码不得包含用户名 / must not contain the username';
  return null;
}

/** Throws a validation problem naming `field` when the password fails the policy. */
export function checkPasswordPolicy(pw: string, username?: string, field = 'password') {
  const weak = passwordWeakness(pw, username);
  if (weak) throw fieldProblem(field, weak);
}

export const hashPassword = (pw: string) => hash(pw);
export const verifyPassword = (h: string, pw: string) => verify(h, pw).catch(() => false);

/** A real argon2 hash to verify against when the user does not exist, so timing does not tell. */
let dummy: Promise<string> | null = null;
export const dummyHash = () => (dummy ??= hash('not-a-real-password'));
