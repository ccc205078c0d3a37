/**
 * Case categories (GB/T 30428.2 components and events, 12345 first-level categories) with their
 * responsible department, time limits and answer template; routing rules (category and/or area →
 * department) and the routing itself.
 */
import type { Queryable } from '../../control/index.ts';
import { type Caller, type Ctx, fieldProblem, isAdmin, iso, newId, notFound, problem } from '../../kernel/index.ts';
import { BUILTIN_CATEGORIES } from './taxonomy.ts';

export interface Category {
  code: string; name: string; kind: 'component' | 'event' | 'hotline'; level: number; parent: string | null;
  department: { id: string; code: string; name: string } | null;
  days: { normal: number; urgent: number }; answerTemplate: string; keywords: string[]; active: boolean; updatedAt: string;
}

interface CategoryRow {
  code: string; name: string; kind: Category['kind']; level: number; parent_code: string | null; department_id: string | null; dept_code: string | null; dept_name: string | null;
  days_normal: number; days_urgent: number; answer_template: string; keywords: string[]; active: boolean; updated_at: Date;
}

const SELECT = `SELECT c.*, d.code AS dept_code, d.name AS dept_name FROM case_categories c LEFT JOIN departments d ON d.id = c.department_id`;

const toCategory = (r: CategoryRow): Category => ({
  code: r.code, name: r.name, kind: r.kind, level: r.level, parent: r.parent_code,
  department: r.department_id ? { id: r.department_id, code: r.dept_code ?? '', name: r.dept_name ?? '' } : null,
  days: { normal: r.days_normal, urgent: r.days_urgent }, answerTemplate: r.answer_template, keywords: r.keywords ?? [], active: r.active, updatedAt: iso(r.updated_at)!,
});

export interface RouteRule { id: string; category: string | null; areaPrefix: string | null; department: { id: string; code: string; name: string } }

const ensured = new WeakSet<object>();

export const caseCategories = {
  /**
   * Write the built-in taxonomy once per control plane: missing codes are added (a department whose
   * code matches the category's hint becomes responsible); categories already there keep their settings.
   */
  async ensure(ctx: Ctx): Promise<void> {
    if (ensured.has(ctx.db)) return;
    const have = new Set((await ctx.db.query<{ code: string }>(`SELECT code FROM case_categories`)).map((r) => r.code));
    const missing = BUILTIN_CATEGORIES.filter((c) => !have.has(c.code));
    if (missing.length) {
      const depts = new Map((await ctx.db.query<{ id: string; code: string }>(`SELECT id, code FROM departments`)).map((d) => [d.code, d.id]));
      await ctx.db.transaction(async (tx) => {
        // parents first: the taxonomy lists level 1 before its level 2
        for (const c of [...missing].sort((a, b) => a.level - b.level)) {
          await tx.query(
            `INSERT INTO case_categories (code, name, kind, level, parent_code, department_id, days_normal, days_urgent, answer_template, keywords, updated_at)
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10, now()) ON CONFLICT (code) DO NOTHING`,
            [c.code, c.name, c.kind, c.level, c.parent, depts.get(c.departmentHint) ?? null, c.days.normal, c.days.urgent, c.answer, JSON.stringify(c.keywords)],
          );
        }
      });
    }
    ensured.add(ctx.db);
  },

  async list(ctx: Ctx, q: { kind?: string; active?: boolean } = {}): Promise<Category[]> {
    await caseCategories.ensure(ctx);
    const rows = await ctx.db.query<CategoryRow>(`${SELECT} WHERE ($1::text IS NULL OR c.kind = $1) AND ($2::boolean IS NULL OR c.active = $2) ORDER BY c.code`, [q.kind ?? null, q.active ?? null]);
    return rows.map(toCategory);
  },

  async get(ctx: Ctx, code: string, q: Queryable = ctx.db): Promise<Category> {
    await caseCategories.ensure(ctx);
    const r = await q.one<CategoryRow>(`${SELECT} WHERE c.code = $1`, [code]);
    if (!r) throw notFound('caseCategory', code);
    return toCategory(r);
  },

  /** Admins set a category's department, time limits, answer template, keywords, whether it is in use. */
  async update(ctx: Ctx, caller: Caller, code: string, input: { departmentId?: string | null; days?: { normal: number; urgent: number }; answerTemplate?: string; keywords?: string[]; active?: boolean }): Promise<Category> {
    if (!isAdmin(caller)) throw problem('forbidden', '只有管理员可以修改案件类别 / only admins change case categories');
    const before = await caseCategories.get(ctx, code);
    if (input.days && !(Number.isInteger(input.days.normal) && Number.isInteger(input.days.urgent) && input.days.urgent >= 1 && input.days.urgent <= input.days.normal && input.days.normal <= 365)) {
      throw fieldProblem('days', '时限须为整数工作日，1 ≤ 紧急 ≤ 普通 ≤ 365 / whole working days, 1 ≤ urgent ≤ normal ≤ 365');
    }
    if (input.departmentId && !(await ctx.db.one(`SELECT 1 FROM departments WHERE id = $1`, [input.departmentId]))) throw fieldProblem('departmentId', '部门不存在 / no such department');
    await ctx.db.transaction(async (tx) => {
      await tx.query(
        `UPDATE case_categories SET department_id = CASE WHEN $2 THEN $3::uuid ELSE department_id END, days_normal = COALESCE($4, days_normal), days_urgent = COALESCE($5, days_urgent),
           answer_template = COALESCE($6, answer_template), keywords = COALESCE($7::jsonb, keywords), active = COALESCE($8, active), updated_at = now() WHERE code = $1`,
        [code, input.departmentId !== undefined, input.departmentId ?? null, input.days?.normal ?? null, input.days?.urgent ?? null, input.answerTemplate ?? null,
          input.keywords ? JSON.stringify(input.keywords) : null, input.active ?? null],
      );
      await ctx.audit.append(tx, caller, { action: 'case.category', objectType: 'case_category', objectId: code, details: { before: { department: before.department?.code ?? null, days: before.days }, change: input } });
    });
    return caseCategories.get(ctx, code);
  },

  async routes(ctx: Ctx): Promise<RouteRule[]> {
    const rows = await ctx.db.query<{ id: string; category_code: string | null; area_prefix: string | null; department_id: string; code: string; name: string }>(
      `SELECT r.id, r.category_code, r.area_prefix, r.department_id, d.code, d.name FROM case_routes r JOIN departments d ON d.id = r.department_id ORDER BY r.category_code NULLS LAST, r.area_prefix NULLS LAST`,
    );
    return rows.map((r) => ({ id: r.id, category: r.category_code, areaPrefix: r.area_prefix, department: { id: r.department_id, code: r.code, name: r.name } }));
  },

  async addRoute(ctx: Ctx, caller: Caller, input: { category?: string | null; areaPrefix?: string | null; departmentId: string }): Promise<RouteRule> {
    if (!isAdmin(caller)) throw problem('forbidden', '只有管理员可以设置分拨规则 / only admins set routing rules');
    if (!input.category && !input.areaPrefix) throw fieldProblem('category', '类别与区域至少指定一个 / name a category, an area or both');
    if (input.category) await caseCategories.get(ctx, input.category);
    if (input.areaPrefix && !/^\d{6,15}$/.test(input.areaPrefix)) throw fieldProblem('areaPrefix', '区域须为 6–15 位区划或网格代码 / a 6–15 digit area or grid code');
    if (!(await ctx.db.one(`SELECT 1 FROM departments WHERE id = $1`, [input.departmentId]))) throw fieldProblem('departmentId', '部门不存在 / no such department');
    const id = newId();
    await ctx.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO case_routes (id, category_code, area_prefix, department_id, created_at) VALUES ($1,$2,$3,$4, now())`, [id, input.category ?? null, input.areaPrefix ?? null, input.departmentId]);
      await ctx.audit.append(tx, caller, { action: 'case.route', objectType: 'case_route', objectId: id, departmentId: input.departmentId, details: { category: input.category ?? null, areaPrefix: input.areaPrefix ?? null } });
    });
    return (await caseCategories.routes(ctx)).find((r) => r.id === id)!;
  },

  async removeRoute(ctx: Ctx, caller: Caller, id: string): Promise<void> {
    if (!isAdmin(caller)) throw problem('forbidden', '只有管理员可以设置分拨规则 / only admins set routing rules');
    await ctx.db.transaction(async (tx) => {
      const gone = await tx.query(`DELETE FROM case_routes WHERE id = $1 RETURNING id`, [id]);
      if (!gone.length) throw notFound('case', id);
      await ctx.audit.append(tx, caller, { action: 'case.unroute', objectType: 'case_route', objectId: id, details: {} });
    });
  },

  /**
   * The department for a category at a place: the rule naming both the category (or its parent) and
   * the longest prefix of the place's grid/district code; else a rule for the category alone; else the
   * category's own department (or its parent's); else a rule for the area alone.
   */
  async route(ctx: Ctx, category: string | null, area: string | null, q: Queryable = ctx.db): Promise<{ departmentId: string | null; routedBy: string | null }> {
    const cat = category ? await q.one<{ code: string; parent_code: string | null; department_id: string | null }>(`SELECT code, parent_code, department_id FROM case_categories WHERE code = $1`, [category]) : undefined;
    const parent = cat?.parent_code ? await q.one<{ department_id: string | null }>(`SELECT department_id FROM case_categories WHERE code = $1`, [cat.parent_code]) : undefined;
    const rules = await q.query<{ id: string; category_code: string | null; area_prefix: string | null; department_id: string }>(
      `SELECT id, category_code, area_prefix, department_id FROM case_routes WHERE (category_code IS NULL OR category_code = $1 OR category_code = $2)`, [cat?.code ?? null, cat?.parent_code ?? null],
    );
    const fits = (r: { area_prefix: string | null }) => !r.area_prefix || (!!area && area.startsWith(r.area_prefix));
    const score = (r: { category_code: string | null; area_prefix: string | null }) =>
      (r.category_code === cat?.code ? 2000 : r.category_code ? 1000 : 0) + (r.area_prefix?.length ?? 0);
    const both = rules.filter((r) => r.category_code && r.area_prefix && fits(r)).sort((a, b) => score(b) - score(a))[0];
    if (both) return { departmentId: both.department_id, routedBy: `rule:${both.id}` };
    const catOnly = rules.filter((r) => r.category_code && !r.area_prefix).sort((a, b) => score(b) - score(a))[0];
    if (catOnly) return { departmentId: catOnly.department_id, routedBy: `rule:${catOnly.id}` };
    if (cat?.department_id) return { departmentId: cat.department_id, routedBy: `category:${cat.code}` };
    if (parent?.department_id) return { departmentId: parent.department_id, routedBy: `category:${cat!.parent_code}` };
    const areaOnly = rules.filter((r) => !r.category_code && fits(r)).sort((a, b) => score(b) - score(a))[0];
    if (areaOnly) return { departmentId: areaOnly.department_id, routedBy: `rule:${areaOnly.id}` };
    return { departmentId: null, routedBy: null };
  },

  /** Admins name the dispatch centre (受理中心): its officers and handlers take reports in and dispatch. */
  async setCentre(ctx: Ctx, caller: Caller, departmentId: string): Promise<void> {
    if (!isAdmin(caller)) throw problem('forbidden', '只有管理员可以指定受理中心 / only admins name the dispatch centre');
    await ctx.db.transaction(async (tx) => {
      const set = await tx.query(`UPDATE departments SET case_centre = true WHERE id = $1 RETURNING id`, [departmentId]);
      if (!set.length) throw fieldProblem('departmentId', '部门不存在 / no such department');
      await ctx.audit.append(tx, caller, { action: 'case.centre', objectType: 'department', objectId: departmentId, departmentId, details: {} });
    });
  },
};
