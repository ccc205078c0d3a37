import type { Caller, Ctx, Role } from '../context.ts';
import { paged } from '../control/index.ts';
import { newId } from '../ids.ts';
import { fieldProblem, problem } from '../server/errors.ts';
import { checkPasswordPolicy, hashPassword } from './passwords.ts';
import { isAdmin, requireRole } from './permissions.ts';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentId: string | null;
  departmentName: string | null;
  disabled: boolean;
  createdAt: string;
}

interface Row {
  id: string; username: string; display_name: string; role: Role; department_id: string | null; department_name: string | null;
  disabled: boolean; created_at: Date;
}

const toUser = (r: Row): User => ({
  id: r.id, username: r.username, displayName: r.display_name, role: r.role, departmentId: r.department_id,
  departmentName: r.department_name, disabled: r.disabled, createdAt: new Date(r.created_at).toISOString(),
});

const SELECT = `SELECT u.id, u.username, u.display_name, u.role, u.department_id, d.name AS department_name, u.disabled, u.created_at
  FROM users u LEFT JOIN departments d ON d.id = u.department_id`;

export interface UserInput {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  departmentId?: string | null;
}

export interface UserPatch {
  displayName?: string;
  password?: string;
  role?: Role;
  departmentId?: string | null;
  disabled?: boolean;
}

/** Who may manage a user: admins anyone; an officer the non-admin users of their own department. */
function requireManage(caller: Caller, target: { role: Role; departmentId: string | null }) {
  if (isAdmin(caller)) return;
  if (caller.role === 'officer' && target.role !== 'admin' && caller.departmentId && target.departmentId === caller.departmentId) return;
  throw problem('forbidden', '只能管理本部门用户 / you can only manage users of your own department');
}

function checkRoleDepartment(role: Role, departmentId: string | null | undefined) {
  if ((role === 'officer' || role === 'handler') && !departmentId) throw fieldProblem('departmentId', `角色 ${role} 必须属于一个部门 / role ${role} needs a department`);
}

export const users = {
  list(ctx: Ctx, caller: Caller, q: { limit: number; offset: number; q?: string; departmentId?: string }) {
    const conds: string[] = [];
    const params: unknown[] = [];
    if (!isAdmin(caller)) {
      if (caller.role !== 'officer' || !caller.departmentId) {
        conds.push(`u.id = $${params.push(caller.id)}`);
      } else conds.push(`u.department_id = $${params.push(caller.departmentId)}`);
    }
    if (q.departmentId) conds.push(`u.department_id = $${params.push(q.departmentId)}`);
    if (q.q) conds.push(`(u.username ILIKE $${params.push(`%${q.q}%`)} OR u.display_name ILIKE $${params.length})`);
    const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    return paged(ctx.db, `${SELECT} ${where}`, params, 'username', q, toUser);
  },

  async get(ctx: Ctx, caller: Caller, id: string): Promise<User> {
    const r = await ctx.db.one<Row>(`${SELECT} WHERE u.id = $1`, [id]);
    // Not found and not yours answer alike, so ids cannot be probed.
    if (!r) throw problem('not-found', `用户不存在 / user ${id}`);
    const u = toUser(r);
    if (caller.id !== id) {
      try { requireManage(caller, u); } catch { throw problem('not-found', `用户不存在 / user ${id}`); }
    }
    return u;
  },

  async create(ctx: Ctx, caller: Caller, input: UserInput): Promise<User> {
    requireRole(caller, 'admin', 'officer');
    requireManage(caller, { role: input.role, departmentId: input.departmentId ?? null });
    checkRoleDepartment(input.role, input.departmentId);
    checkPasswordPolicy(input.password);
    const passwordHash = await hashPassword(input.password);
    return ctx.db.transaction(async (tx) => {
      if (await tx.one('SELECT 1 FROM users WHERE username = $1', [input.username])) throw problem('conflict', `用户名已存在 / username ${input.username} exists`, [{ field: 'username', message: 'already exists' }]);
      if (input.departmentId && !(await tx.one('SELECT 1 FROM departments WHERE id = $1', [input.departmentId]))) throw fieldProblem('departmentId', 'no such department');
      const id = newId();
      await tx.query(
        `INSERT INTO users (id, username, display_name, password_hash, role, department_id) VALUES ($1,$2,$3,$4,$5,$6)`,
        [id, input.username, input.displayName, passwordHash, input.role, input.departmentId ?? null],
      );
      await ctx.audit.append(tx, caller, { action: 'user.create', objectType: 'user', objectId: id, departmentId: input.departmentId ?? null, details: { username: input.username, role: input.role } });
      return toUser((await tx.one<Row>(`${SELECT} WHERE u.id = $1`, [id]))!);
    });
  },

  async update(ctx: Ctx, caller: Caller, id: string, patch: UserPatch): Promise<User> {
    const cur = await users.get(ctx, caller, id);
    const self = caller.id === id;
    const privileged = patch.role !== undefined || patch.departmentId !== undefined || patch.disabled !== undefined;
    if (privileged || !self) requireManage(caller, cur);
    if (privileged) requireManage(caller, { role: patch.role ?? cur.role, departmentId: patch.departmentId !== undefined ? patch.departmentId : cur.departmentId });
    if (self && (patch.disabled || (patch.role && patch.role !== cur.role))) throw problem('forbidden', '不能停用自己或修改自己的角色 / you cannot disable yourself or change your own role');
    const role = patch.role ?? cur.role;
    const dept = patch.departmentId !== undefined ? patch.departmentId : cur.departmentId;
    checkRoleDepartment(role, dept);
    if (patch.password !== undefined) checkPasswordPolicy(patch.password);
    const pwHash = patch.password !== undefined ? await hashPassword(patch.password) : null;
    return ctx.db.transaction(async (tx) => {
      if (dept && !(await tx.one('SELECT 1 FROM departments WHERE id = $1', [dept]))) throw fieldProblem('departmentId', 'no such department');
      await tx.query(
        `UPDATE users SET display_name = $2, role = $3, department_id = $4, disabled = $5, password_hash = COALESCE($6, password_hash), updated_at = now() WHERE id = $1`,
        [id, patch.displayName ?? cur.displayName, role, dept, patch.disabled ?? cur.disabled, pwHash],
      );
      // Disabling a user or changing a password ends their sessions.
      if (patch.disabled || pwHash) await tx.query(`UPDATE tokens SET revoked_at = now() WHERE user_id = $1 AND kind = 'session' AND revoked_at IS NULL`, [id]);
      const { password: _pw, ...changes } = patch;
      await ctx.audit.append(tx, caller, { action: 'user.update', objectType: 'user', objectId: id, departmentId: dept, details: { changes, passwordChanged: pwHash !== null } });
      return toUser((await tx.one<Row>(`${SELECT} WHERE u.id = $1`, [id]))!);
    });
  },
};
