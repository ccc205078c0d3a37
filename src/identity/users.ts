import type { Static } from 'typebox';
import { type Caller, type Ctx, type Role, newId, fieldProblem, problem, notFound, alreadyExists, noSuch, isAdmin, requireRole } from '../kernel/index.ts';
import { Filter } from '../control/index.ts';
import { pseudonym } from '../lake/index.ts';
import { validateIdCard } from '../standards/index.ts';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.ts';
import type { UserBody, UserPatchBody } from './routes.ts';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentId: string | null;
  departmentName: string | null;
  disabled: boolean;
  createdAt: string;
  /** When the user last logged in (null: never). */
  lastLoginAt: string | null;
}

interface Row {
  id: string; username: string; display_name: string; role: Role; department_id: string | null; department_name: string | null;
  disabled: boolean; created_at: Date; last_login_at: Date | null;
}

const toUser = (r: Row): User => ({
  id: r.id, username: r.username, displayName: r.display_name, role: r.role, departmentId: r.department_id,
  departmentName: r.department_name, disabled: r.disabled, createdAt: new Date(r.created_at).toISOString(),
  lastLoginAt: r.last_login_at ? new Date(r.last_login_at).toISOString() : null,
});

const SELECT = `SELECT u.id, u.username, u.display_name, u.role, u.department_id, d.name AS department_name, u.disabled, u.created_at, u.last_login_at
  FROM users u LEFT JOIN departments d ON d.id = u.department_id`;

/** A new user: the body of `POST /users`. */
export type UserInput = Static<typeof UserBody>;
/** A change to a user, the body of `PATCH /users/:id`; `currentPassword` is required when callers change their own password. */
export type UserPatch = Static<typeof UserPatchBody>;

/**
 * Who may manage users (create them; edit, reset the password of, re-role, move or disable someone
 * else): admins anyone; officers the non-admin users of their own department, and only when the
 * platform allows it (GOVHUB_OFFICERS_MANAGE_USERS, default off).
 */
export function mayManageUser(ctx: Ctx, caller: Caller, target: { role: Role; departmentId: string | null }): boolean {
  if (isAdmin(caller)) return true;
  return ctx.config.officersManageUsers && caller.role === 'officer' && target.role !== 'admin'
    && !!caller.departmentId && target.departmentId === caller.departmentId;
}

/** Does the caller manage users at all (the console shows the user management actions)? */
export const managesUsers = (ctx: Ctx, caller: Caller) => mayManageUser(ctx, caller, { role: 'analyst', departmentId: caller.departmentId });

function requireManage(ctx: Ctx, caller: Caller, target: { role: Role; departmentId: string | null }) {
  if (mayManageUser(ctx, caller, target)) return;
  throw problem('forbidden', caller.role === 'officer' && ctx.config.officersManageUsers
    ? '只能管理本部门的非管理员用户 / you can only manage non-admin users of your own department'
    : '只有管理员可以管理其他用户 / only admins manage other users');
}

/** Users see themselves; officers the users of their own department; admins everyone. */
const maySee = (caller: Caller, u: User) =>
  isAdmin(caller) || caller.id === u.id || (caller.role === 'officer' && !!caller.departmentId && u.departmentId === caller.departmentId);

function checkRoleDepartment(role: Role, departmentId: string | null | undefined) {
  if ((role === 'officer' || role === 'handler') && !departmentId) throw fieldProblem('departmentId', `角色 ${role} 必须属于一个部门 / role ${role} needs a department`);
}

/**
 * Callers changing their own password prove they know the current one; a wrong guess is audited.
 * (The routes also count these attempts per user, like logins.)
 */
async function checkCurrentPassword(ctx: Ctx, caller: Caller, id: string, current: string | undefined) {
  if (!current) throw fieldProblem('currentPassword', '修改自己的密码须提供当前密码 / the current password is required to change your own');
  const row = await ctx.db.one<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [id]);
  if (row && (await verifyPassword(row.password_hash, current))) return;
  await ctx.audit.record(caller, { action: 'user.password_change_failed', objectType: 'user', objectId: id, departmentId: caller.departmentId, details: { reason: 'wrong current password' } });
  throw fieldProblem('currentPassword', '当前密码不正确 / the current password is wrong');
}

/**
 * A citizen account's link to a person: the keyed pseudonym of their (validated, 18-digit) ID number —
 * the same key every read of their rows leaves in the audit trail. The number itself is not kept.
 */
function citizenSubject(ctx: Ctx, role: Role, idNumber: string): string {
  if (role !== 'citizen') throw fieldProblem('idNumber', '只有公众账号可以绑定身份证号 / only citizen accounts link an ID number');
  const v = validateIdCard(idNumber);
  if (!v.ok) throw fieldProblem('idNumber', `身份证号无效 / not a valid ID number (${v.reason})`);
  return pseudonym(v.normalized!, ctx.config.secretKey ?? '');
}

export const users = {
  list(ctx: Ctx, caller: Caller, q: { limit: number; offset: number; q?: string; departmentId?: string; role?: Role }) {
    const f = new Filter();
    if (!isAdmin(caller)) {
      if (caller.role !== 'officer' || !caller.departmentId) f.eq('u.id', caller.id);
      else f.eq('u.department_id', caller.departmentId);
    }
    f.eq('u.department_id', q.departmentId).eq('u.role', q.role);
    if (q.q) {
      const like = f.param(`%${q.q}%`);
      f.add(`(u.username ILIKE ${like} OR u.display_name ILIKE ${like})`);
    }
    return f.page(ctx.db, SELECT, 'username', q, toUser);
  },

  async get(ctx: Ctx, caller: Caller, id: string): Promise<User> {
    const r = await ctx.db.one<Row>(`${SELECT} WHERE u.id = $1`, [id]);
    // Not found and not yours answer alike, so ids cannot be probed.
    if (!r || !maySee(caller, toUser(r))) throw notFound('user', id);
    return toUser(r);
  },

  async create(ctx: Ctx, caller: Caller, input: UserInput): Promise<User> {
    requireRole(caller, 'admin', 'officer');
    requireManage(ctx, caller, { role: input.role, departmentId: input.departmentId ?? null });
    checkRoleDepartment(input.role, input.departmentId);
    checkPasswordPolicy(input.password, input.username);
    const subject = input.idNumber === undefined ? null : citizenSubject(ctx, input.role, input.idNumber);
    const passwordHash = await hashPassword(input.password);
    return ctx.db.transaction(async (tx) => {
      if (await tx.one('SELECT 1 FROM users WHERE username = $1', [input.username])) throw alreadyExists('user', 'username', input.username);
      if (input.departmentId && !(await tx.one('SELECT 1 FROM departments WHERE id = $1', [input.departmentId]))) throw noSuch('departmentId', 'department', input.departmentId);
      const id = newId();
      await tx.query(
        `INSERT INTO users (id, username, display_name, password_hash, role, department_id, id_number_hash) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
        [id, input.username, input.displayName, passwordHash, input.role, input.departmentId ?? null, subject],
      );
      await ctx.audit.append(tx, caller, { action: 'user.create', objectType: 'user', objectId: id, departmentId: input.departmentId ?? null, details: { username: input.username, role: input.role, idLinked: !!subject } });
      return toUser((await tx.one<Row>(`${SELECT} WHERE u.id = $1`, [id]))!);
    });
  },

  /**
   * Edit a user. Anyone may change their own display name, and their own password by giving the
   * current one; everything else, and any change to someone else, is managing users. A new password
   * ends the user's login sessions: all of them on a reset by someone else, all but the one making
   * the change when it is one's own. API tokens (applications) stay.
   */
  async update(ctx: Ctx, caller: Caller, id: string, patch: UserPatch): Promise<User> {
    const cur = await users.get(ctx, caller, id);
    const self = caller.id === id;
    const privileged = patch.role !== undefined || patch.departmentId !== undefined || patch.disabled !== undefined;
    if (privileged || !self) requireManage(ctx, caller, cur);
    if (privileged) requireManage(ctx, caller, { role: patch.role ?? cur.role, departmentId: patch.departmentId !== undefined ? patch.departmentId : cur.departmentId });
    if (self && (patch.disabled || (patch.role && patch.role !== cur.role))) throw problem('forbidden', '不能停用自己或修改自己的角色 / you cannot disable yourself or change your own role');
    const role = patch.role ?? cur.role;
    const dept = patch.departmentId !== undefined ? patch.departmentId : cur.departmentId;
    checkRoleDepartment(role, dept);
    if (patch.password !== undefined) {
      if (self) await checkCurrentPassword(ctx, caller, id, patch.currentPassword);
      checkPasswordPolicy(patch.password, cur.username);
    }
    const pwHash = patch.password !== undefined ? await hashPassword(patch.password) : null;
    return ctx.db.transaction(async (tx) => {
      if (dept && !(await tx.one('SELECT 1 FROM departments WHERE id = $1', [dept]))) throw noSuch('departmentId', 'department', dept);
      await tx.query(
        `UPDATE users SET display_name = $2, role = $3, department_id = $4, disabled = $5, password_hash = COALESCE($6, password_hash), updated_at = now() WHERE id = $1`,
        [id, patch.displayName ?? cur.displayName, role, dept, patch.disabled ?? cur.disabled, pwHash],
      );
      // Disabling a user or resetting their password ends their sessions; one's own change keeps the session making it.
      let sessionsRevoked = 0;
      if (patch.disabled || pwHash) {
        const keep = self && !patch.disabled ? caller.tokenId ?? null : null;
        const revoked = await tx.query(
          `UPDATE tokens SET revoked_at = now() WHERE user_id = $1 AND kind = 'session' AND revoked_at IS NULL AND id IS DISTINCT FROM $2 RETURNING id`, [id, keep]);
        sessionsRevoked = revoked.length;
      }
      const { password: _pw, currentPassword: _cur, ...changes } = patch;
      await ctx.audit.append(tx, caller, { action: 'user.update', objectType: 'user', objectId: id, departmentId: dept, details: { changes, passwordChanged: pwHash !== null, sessionsRevoked } });
      return toUser((await tx.one<Row>(`${SELECT} WHERE u.id = $1`, [id]))!);
    });
  },

  /** The logged-in caller changes their own password (POST /auth/password). */
  async changeOwnPassword(ctx: Ctx, caller: Caller, input: { currentPassword: string; newPassword: string }): Promise<User> {
    if (!caller.id) throw problem('forbidden');
    checkPasswordPolicy(input.newPassword, caller.username, 'newPassword');
    return users.update(ctx, caller, caller.id, { password: input.newPassword, currentPassword: input.currentPassword });
  },
};
