import { createHash } from 'node:crypto';
import type { Caller, Ctx, Role } from '../kernel/index.ts';

/** Tokens are kept as their SHA-256 only. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

interface TokenRow {
  token_id: string;
  last_used_at: Date | null;
  id: string;
  username: string;
  display_name: string;
  role: Role;
  department_id: string | null;
}

/** Resolve a bearer token to its caller; null when missing, unknown, expired, revoked or disabled. */
export async function callerFromToken(ctx: Pick<Ctx, 'db'>, token: string): Promise<Caller | null> {
  const row = await ctx.db.one<TokenRow>(
    `SELECT t.id AS token_id, t.last_used_at, u.id, u.username, u.display_name, u.role, u.department_id
       FROM tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now() AND NOT u.disabled`,
    [hashToken(token)],
  );
  if (!row) return null;
  if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > 60_000) {
    await ctx.db.query('UPDATE tokens SET last_used_at = now() WHERE id = $1', [row.token_id]);
  }
  return { id: row.id, username: row.username, displayName: row.display_name, role: row.role, departmentId: row.department_id, tokenId: row.token_id };
}
