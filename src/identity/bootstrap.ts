import { randomBytes } from 'node:crypto';
import { SYSTEM, type Ctx } from '../context.ts';
import { newId } from '../ids.ts';
import { hashPassword } from './passwords.ts';

/**
 * First start: create user `admin` with GOVHUB_ADMIN_PASSWORD, or a random password that is
 * returned (and printed once by the caller). Returns null when an admin exists already.
 */
export async function ensureAdmin(ctx: Ctx): Promise<{ username: string; password: string; generated: boolean } | null> {
  if (await ctx.db.one("SELECT 1 FROM users WHERE username = 'admin'")) return null;
  const generated = !ctx.config.adminPassword;
  const password = ctx.config.adminPassword ?? randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(password);
  const id = newId();
  await ctx.db.transaction(async (tx) => {
    await tx.query(`INSERT INTO users (id, username, display_name, password_hash, role) VALUES ($1,'admin','平台管理员',$2,'admin') ON CONFLICT (username) DO NOTHING`, [id, passwordHash]);
    await ctx.audit.append(tx, SYSTEM, { action: 'user.create', objectType: 'user', objectId: id, details: { username: 'admin', role: 'admin', bootstrap: true } });
  });
  return { username: 'admin', password, generated };
}
