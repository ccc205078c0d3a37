import { hash, verify } from '@node-rs/argon2';
import { fieldProblem } from '../server/errors.ts';

export const MIN_PASSWORD = 8;

export function checkPasswordPolicy(pw: string, field = 'password') {
  if (pw.length < MIN_PASSWORD) throw fieldProblem(field, `密码至少 ${MIN_PASSWORD} 位 / at least ${MIN_PASSWORD} characters`);
  if (pw.length > 256) throw fieldProblem(field, 'too long');
}

export const hashPassword = (pw: string) => hash(pw);
export const verifyPassword = (h: string, pw: string) => verify(h, pw).catch(() => false);

/** A real argon2 hash to verify against when the user does not exist, so timing does not tell. */
let dummy: Promise<string> | null = null;
export const dummyHash = () => (dummy ??= hash('not-a-real-password'));
