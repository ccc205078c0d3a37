import { randomBytes } from 'node:crypto';
import { SYSTEM, type Ctx, newId } from '../kernel/index.ts';
import { hashPassword, passwordWeakness } from './passwords.ts';

/** A random first password that meets the policy. */
function randomPassword(): string {
  for (;;) {
    const pw = randomBytes(12).toString('base64url');
    if (!passwordWeakness(pw, 'admin')) return pw;
  }
}

/**
 * First start: create user `admin` with GOVHUB_ADMIN_PASSWORD, or a random password that is
 * returned (and printed once by the caller). Returns null when an admin exists already. A
 * configured password that fails the password policy stops the start with the reason.
 */
export async function ensureAdmin(ctx: Ctx): Promise<{ username: string; password: string; generated: boolean } | null> {
  if (await ctx.db.one("SELECT 1 FROM users WHERE username = 'admin'")) return null;
  const generated = !ctx.config.adminPassword;
  const password = ctx.config.adminPassword ?? randomPassword();
  const weak = passwordWeakness(password, 'admin');
  if (weak) throw new Error(`GOVHUB_ADMIN_PASSWORD 不符合密码策略，未创建管理员 / does not meet the password policy, admin not created: ${weak}`);
  const passwordHash = await hashPassword(password);
  const id = newId();
  await ctx.db.transaction(async (tx) => {
    await tx.query(`INSERT INTO users (id, username, display_name, password_hash, role) VALUES ($1,'admin','平台管理员',$2,'admin') ON CONFLICT (username) DO NOTHING`, [id, passwordHash]);
    await ctx.audit.append(tx, SYSTEM, { action: 'user.create', objectType: 'user', objectId: id, details: { username: 'admin', role: 'admin', bootstrap: true } });
  });
  return { username: 'admin', password, generated };
}
