import { type Caller, type Ctx, newId, fieldProblem, problem, notFound, alreadyExists, noSuch, requireRole } from '../kernel/index.ts';
import type { Static } from 'typebox';
import { paged, type Queryable } from '../control/index.ts';
import type { DeptBody } from './routes.ts';
import { isAreaCode } from '../standards/index.ts';

export interface Department {
  id: string;
  code: string;
  name: string;
  nameEn: string | null;
  parentId: string | null;
  regionCode: string;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string; code: string; name: string; name_en: string | null; parent_id: string | null; region_code: string;
  created_at: Date; updated_at: Date;
}

const toDept = (r: Row): Department => ({
  id: r.id, code: r.code, name: r.name, nameEn: r.name_en, parentId: r.parent_id, regionCode: r.region_code,
  createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
});

/** A new department: the body of `POST /departments`. */
export type DepartmentInput = Static<typeof DeptBody>;

function checkRegion(code: string | undefined) {
  if (code !== undefined && !isAreaCode(code)) throw fieldProblem('regionCode', `不是有效的 GB/T 2260 行政区划代码 / not a GB/T 2260 area code: ${code}`);
}

/** Departments (部门) form a tree; every authenticated user may read it, only admins change it. */
export const departments = {
  list(ctx: Ctx, _caller: Caller, q: { limit: number; offset: number; q?: string }) {
    const where = q.q ? 'WHERE code ILIKE $1 OR name ILIKE $1' : '';
    return paged(ctx.db, `SELECT * FROM departments ${where}`, q.q ? [`%${q.q}%`] : [], 'code', q, toDept);
  },

  get(ctx: Ctx, _caller: Caller, id: string): Promise<Department> {
    return departments.require(ctx.db, id);
  },

  /** The department with this id, or the not-found problem; `forUpdate` locks its row in a transaction. */
  async require(q: Queryable, id: string, forUpdate = false): Promise<Department> {
    const r = await q.one<Row>(`SELECT * FROM departments WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    if (!r) throw notFound('department', id);
    return toDept(r);
  },

  async byCode(ctx: Ctx, code: string): Promise<Department | undefined> {
    const r = await ctx.db.one<Row>('SELECT * FROM departments WHERE code = $1', [code]);
    return r && toDept(r);
  },

  async create(ctx: Ctx, caller: Caller, input: DepartmentInput): Promise<Department> {
    requireRole(caller, 'admin');
    checkRegion(input.regionCode);
    return ctx.db.transaction(async (tx) => {
      if (await tx.one('SELECT 1 FROM departments WHERE code = $1', [input.code])) throw alreadyExists('department', 'code', input.code);
      if (input.parentId && !(await tx.one('SELECT 1 FROM departments WHERE id = $1', [input.parentId]))) throw noSuch('parentId', 'department', input.parentId);
      const id = newId();
      const [r] = await tx.query<Row>(
        `INSERT INTO departments (id, code, name, name_en, parent_id, region_code) VALUES ($1,$2,$3,$4,$5,$6) RETURNING *`,
        [id, input.code, input.name, input.nameEn ?? null, input.parentId ?? null, input.regionCode],
      );
      await ctx.audit.append(tx, caller, { action: 'department.create', objectType: 'department', objectId: id, departmentId: id, details: { code: input.code, name: input.name } });
      return toDept(r);
    });
  },

  async update(ctx: Ctx, caller: Caller, id: string, patch: Partial<DepartmentInput>): Promise<Department> {
    requireRole(caller, 'admin');
    checkRegion(patch.regionCode);
    return ctx.db.transaction(async (tx) => {
      const cur = await departments.require(tx, id, true);
      if (patch.parentId) {
        // No cycles: the new parent must not be this department or one of its descendants.
        const cyc = await tx.one(
          `WITH RECURSIVE sub AS (SELECT id FROM departments WHERE id = $1 UNION ALL SELECT d.id FROM departments d JOIN sub ON d.parent_id = sub.id)
           SELECT 1 FROM sub WHERE id = $2`, [id, patch.parentId]);
        if (cyc) throw fieldProblem('parentId', '不能把部门移到自己或下级之下 / would create a cycle');
        if (!(await tx.one('SELECT 1 FROM departments WHERE id = $1', [patch.parentId]))) throw noSuch('parentId', 'department', patch.parentId);
      }
      if (patch.code && patch.code !== cur.code && (await tx.one('SELECT 1 FROM departments WHERE code = $1', [patch.code]))) {
        throw alreadyExists('department', 'code', patch.code);
      }
      const [r] = await tx.query<Row>(
        `UPDATE departments SET code = $2, name = $3, name_en = $4, parent_id = $5, region_code = $6, updated_at = now() WHERE id = $1 RETURNING *`,
        [id, patch.code ?? cur.code, patch.name ?? cur.name, patch.nameEn !== undefined ? patch.nameEn : cur.nameEn,
          patch.parentId !== undefined ? patch.parentId : cur.parentId, patch.regionCode ?? cur.regionCode],
      );
      await ctx.audit.append(tx, caller, { action: 'department.update', objectType: 'department', objectId: id, departmentId: id, details: { changes: patch } });
      return toDept(r);
    });
  },

  async remove(ctx: Ctx, caller: Caller, id: string): Promise<void> {
    requireRole(caller, 'admin');
    await ctx.db.transaction(async (tx) => {
      const cur = await departments.require(tx, id);
      const used = await tx.one<{ n: number }>(
        `SELECT (SELECT count(*) FROM departments WHERE parent_id = $1) + (SELECT count(*) FROM users WHERE department_id = $1)
              + (SELECT count(*) FROM datasets WHERE department_id = $1) AS n`, [id]);
      if (Number(used?.n) > 0) throw problem('conflict', '部门下仍有下级部门、用户或数据集 / department still has sub-departments, users or datasets');
      await tx.query('DELETE FROM departments WHERE id = $1', [id]);
      await ctx.audit.append(tx, caller, { action: 'department.delete', objectType: 'department', objectId: id, departmentId: id, details: { code: cur.code, name: cur.name } });
    });
  },
};
