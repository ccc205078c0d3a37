import type { Caller, Role } from './context.ts';
import { problem } from './problems.ts';

export function requireRole(caller: Caller, ...roles: Role[]): void {
  if (!roles.includes(caller.role)) throw problem('forbidden', `需要角色 / requires role: ${roles.join(' | ')}`);
}

export const isAdmin = (c: Caller) => c.role === 'admin';

/** A department's working objects (ingest jobs, sources, …) are its data officers' and the admins' business. */
export const managesDepartment = (c: Caller, departmentId: string | null) =>
  isAdmin(c) || (c.role === 'officer' && !!c.departmentId && c.departmentId === departmentId);

/** Admins act on every department; everyone else only on their own. */
export function requireSameDepartment(caller: Caller, departmentId: string | null): void {
  if (isAdmin(caller)) return;
  if (!caller.departmentId || caller.departmentId !== departmentId) throw problem('forbidden', '不能访问其他部门的对象 / object belongs to another department');
}
