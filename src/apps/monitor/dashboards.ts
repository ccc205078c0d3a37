/**
 * Dashboards (驾驶舱): a grid of widgets — KPI cards, line / bar / pie / gauge / heat charts, tables,
 * rankings and maps — over indicators, the case figures and the alert centre; dashboard-wide filters
 * (time range, district), auto-refresh, and sharing with departments or roles.
 *
 * A dashboard is a layout and nothing else: it holds no data and reads none. Each widget's data is
 * fetched by whoever views it, through the same guarded APIs they would call themselves (an
 * indicator's series needs a grant; the case figures are scoped to the viewer), so sharing a
 * dashboard never shares data. A dashboard belongs to a department: its officers, the admins and
 * the person who made it change it; others see it when it is shared with their department or role.
 */
import { type Caller, type Ctx, fieldProblem, type FieldError, isAdmin, iso, newId, noSuch, problem, type Role } from '../../kernel/index.ts';

export const WIDGET_TYPES = ['kpi', 'line', 'bar', 'pie', 'gauge', 'heat', 'table', 'ranking', 'map'] as const;
export type WidgetType = (typeof WIDGET_TYPES)[number];
export const SOURCE_KINDS = ['indicator', 'cases', 'hotspots', 'alerts'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];
/** The sources each widget may draw. */
export const WIDGET_SOURCES: Record<WidgetType, readonly SourceKind[]> = {
  kpi: ['indicator', 'cases', 'alerts'],
  line: ['indicator', 'cases'],
  bar: ['indicator', 'cases'],
  pie: ['indicator', 'cases'],
  gauge: ['indicator', 'cases'],
  heat: ['indicator'],
  table: ['indicator', 'cases', 'alerts'],
  ranking: ['indicator', 'cases'],
  map: ['hotspots', 'indicator', 'cases'],
};
/** Aggregations over an indicator's points (per group when a dimension is named). */
export const INDICATOR_AGGS = ['last', 'sum', 'avg', 'max', 'min', 'count'] as const;
/** The case figures' dimensions and measures (GET /cases/stats). */
export const CASE_DIMENSIONS = ['department', 'category', 'topCategory', 'district', 'grid', 'month', 'channel'] as const;
export const CASE_METRICS = ['cases', 'dispatched', 'closed', 'overdue', 'responseRate', 'resolutionRate', 'satisfactionRate', 'overdueRate', 'returnRate'] as const;
export const RANGES = ['1h', '24h', '7d', '30d', '90d', '365d', 'all'] as const;
export const MAP_LEVELS = ['district', 'grid', 'china'] as const;
export const MAP_MODES = ['choropleth', 'points', 'heat'] as const;
export const HEAT_MODES = ['hour', 'calendar'] as const;
export const SHARE_ROLES: Role[] = ['admin', 'officer', 'analyst', 'handler'];
/** The grid: 24 columns; rows of 30 px. */
export const GRID_COLUMNS = 24;
export const MAX_ROWS = 200;
export const MAX_WIDGETS = 60;
const REFRESH_MIN = 10;
const REFRESH_MAX = 86_400;

export interface WidgetSource {
  kind: SourceKind;
  indicator?: string; agg?: (typeof INDICATOR_AGGS)[number]; dimension?: string | null; where?: Record<string, string>;
  by?: (typeof CASE_DIMENSIONS)[number]; metric?: (typeof CASE_METRICS)[number];
  state?: 'firing' | 'acknowledged' | 'resolved' | null;
}
export interface WidgetConfig {
  source: WidgetSource;
  range?: (typeof RANGES)[number] | null;
  thresholds?: { value: number; color: string }[];
  color?: string | null;
  map?: { level: (typeof MAP_LEVELS)[number]; mode: (typeof MAP_MODES)[number] };
  heat?: { mode: (typeof HEAT_MODES)[number] };
  limit?: number; min?: number; max?: number; unit?: string;
}
export interface Widget { id: string; type: WidgetType; title: string; x: number; y: number; w: number; h: number; config: WidgetConfig }
export interface Filters { range?: (typeof RANGES)[number] | null; district?: string | null }
export interface Shared { departments: string[]; roles: Role[]; all: boolean }
export interface DashboardInput { code?: string; name: string; description?: string; departmentId?: string; layout?: unknown[]; filters?: Filters; refreshSeconds?: number }

export interface Dashboard {
  id: string; code: string; name: string; description: string; department: { id: string; code: string; name: string };
  layout: Widget[]; filters: Filters; refreshSeconds: number; shared: Shared; createdBy: string | null; createdAt: string; updatedAt: string;
  /** The caller's department owns it; the caller may change it. */
  mine: boolean; canEdit: boolean;
}

interface Row {
  id: string; code: string; name: string; description: string; department_id: string; dept_code: string; dept_name: string;
  layout: Widget[]; filters: Filters; refresh_seconds: number; shared: Shared; created_by: string | null; created_at: Date; updated_at: Date;
}

const SELECT = `SELECT b.*, d.code AS dept_code, d.name AS dept_name FROM dashboards b JOIN departments d ON d.id = b.department_id`;
const CODE = /^[A-Z][A-Z0-9_]{1,40}$/;
const ID = /^[A-Za-z0-9_-]{1,40}$/;
const COLOR = /^#[0-9a-fA-F]{3,8}$/;
const NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const notFound = (code: string) => problem('not-found', { zh: `驾驶舱不存在：${code}`, en: `no dashboard ${code}` });

const canEdit = (caller: Caller, r: { department_id: string; created_by: string | null }) =>
  isAdmin(caller) || (caller.role === 'officer' && caller.departmentId === r.department_id) || (!!caller.id && caller.id === r.created_by && caller.departmentId === r.department_id);

const sees = (caller: Caller, r: { department_id: string; shared: Shared }) =>
  isAdmin(caller) || (!!caller.departmentId && caller.departmentId === r.department_id) || !!r.shared?.all
  || (!!caller.departmentId && (r.shared?.departments ?? []).includes(caller.departmentId)) || (r.shared?.roles ?? []).includes(caller.role);

const toDashboard = (caller: Caller, r: Row): Dashboard => ({
  id: r.id, code: r.code, name: r.name, description: r.description, department: { id: r.department_id, code: r.dept_code, name: r.dept_name },
  layout: r.layout ?? [], filters: r.filters ?? {}, refreshSeconds: r.refresh_seconds, shared: { departments: r.shared?.departments ?? [], roles: r.shared?.roles ?? [], all: r.shared?.all === true },
  createdBy: r.created_by, createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!,
  mine: !!caller.departmentId && caller.departmentId === r.department_id, canEdit: canEdit(caller, r),
});

/** Everyone but citizens works with dashboards. */
function requireStaff(caller: Caller): void {
  if (caller.role === 'citizen') throw problem('forbidden', '驾驶舱供工作人员使用 / dashboards are for staff');
}

const oneOf = <T extends string>(values: readonly T[], v: unknown, field: string, errors: FieldError[], optional = true): T | undefined => {
  if (v === undefined || v === null) {
    if (!optional) errors.push({ field, message: `须为 ${values.join(' | ')} / one of ${values.join(' | ')}` });
    return undefined;
  }
  if (typeof v !== 'string' || !values.includes(v as T)) {
    errors.push({ field, message: `须为 ${values.join(' | ')} / one of ${values.join(' | ')}` });
    return undefined;
  }
  return v as T;
};
const int = (v: unknown, min: number, max: number, field: string, errors: FieldError[]): number => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    errors.push({ field, message: `须为 ${min}–${max} 的整数 / an integer ${min}–${max}` });
    return min;
  }
  return v;
};
const num = (v: unknown, field: string, errors: FieldError[]): number | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    errors.push({ field, message: '须为数字 / a number' });
    return undefined;
  }
  return v;
};
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Check a layout: widget types, sources that fit them, sizes inside the grid, indicators that exist and their dimensions. Every problem found is named by its field. */
async function checkLayout(ctx: Ctx, layout: unknown): Promise<Widget[]> {
  if (!Array.isArray(layout)) throw fieldProblem('layout', '须为组件数组 / an array of widgets');
  if (layout.length > MAX_WIDGETS) throw fieldProblem('layout', `最多 ${MAX_WIDGETS} 个组件 / ${MAX_WIDGETS} widgets at most`);
  const errors: FieldError[] = [];
  const out: Widget[] = [];
  const ids = new Set<string>();
  const wanted = new Map<string, { field: string; dimension?: string | null; dimField: string; where?: Record<string, string> }[]>();
  layout.forEach((raw, i) => {
    const at = `layout.${i}`;
    if (!isObject(raw)) {
      errors.push({ field: at, message: '须为对象 / an object' });
      return;
    }
    const id = typeof raw.id === 'string' && ID.test(raw.id) ? raw.id : (errors.push({ field: `${at}.id`, message: '1–40 位字母、数字、-、_ / 1–40 letters, digits, - or _' }), '');
    if (id && ids.has(id)) errors.push({ field: `${at}.id`, message: '组件标识重复 / the same id twice' });
    ids.add(id);
    const type = oneOf(WIDGET_TYPES, raw.type, `${at}.type`, errors, false);
    const title = typeof raw.title === 'string' ? raw.title.trim() : '';
    if (title.length > 100) errors.push({ field: `${at}.title`, message: '最多 100 个字 / 100 characters at most' });
    const x = int(raw.x, 0, GRID_COLUMNS - 1, `${at}.x`, errors);
    const w = int(raw.w, 1, GRID_COLUMNS, `${at}.w`, errors);
    if (x + w > GRID_COLUMNS) errors.push({ field: `${at}.w`, message: `超出 ${GRID_COLUMNS} 列的网格 / wider than the ${GRID_COLUMNS}-column grid` });
    const y = int(raw.y, 0, MAX_ROWS, `${at}.y`, errors);
    const h = int(raw.h, 1, 40, `${at}.h`, errors);
    const c = raw.config;
    if (!isObject(c)) {
      errors.push({ field: `${at}.config`, message: '须为对象 / an object' });
      return;
    }
    const s = c.source;
    if (!isObject(s)) {
      errors.push({ field: `${at}.config.source`, message: '请选择数据来源 / a data source is required' });
      return;
    }
    const kind = oneOf(SOURCE_KINDS, s.kind, `${at}.config.source.kind`, errors, false);
    if (type && kind && !WIDGET_SOURCES[type].includes(kind)) errors.push({ field: `${at}.config.source.kind`, message: `${type} 组件的来源须为 ${WIDGET_SOURCES[type].join(' | ')} / a ${type} widget draws ${WIDGET_SOURCES[type].join(' | ')}` });
    const source: WidgetSource = { kind: kind ?? 'cases' };
    if (kind === 'indicator') {
      const code = typeof s.indicator === 'string' ? s.indicator.trim().toUpperCase() : '';
      if (!code) errors.push({ field: `${at}.config.source.indicator`, message: '请选择指标 / name an indicator' });
      source.indicator = code;
      source.agg = oneOf(INDICATOR_AGGS, s.agg, `${at}.config.source.agg`, errors) ?? 'last';
      if (s.dimension !== undefined && s.dimension !== null && s.dimension !== '') {
        if (typeof s.dimension !== 'string' || !NAME.test(s.dimension)) errors.push({ field: `${at}.config.source.dimension`, message: '不是维度名 / not a dimension name' });
        else source.dimension = s.dimension;
      }
      if (s.where !== undefined && s.where !== null) {
        if (!isObject(s.where) || Object.keys(s.where).length > 3 || Object.values(s.where).some((v) => typeof v !== 'string' || v.length > 100)) {
          errors.push({ field: `${at}.config.source.where`, message: '须为维度取值对象，如 {"zd":"闸口站"} / an object of dimension values' });
        } else if (Object.keys(s.where).length) source.where = s.where as Record<string, string>;
      }
      if (code) {
        const list = wanted.get(code) ?? wanted.set(code, []).get(code)!;
        list.push({ field: `${at}.config.source.indicator`, dimension: source.dimension, dimField: `${at}.config.source.dimension`, where: source.where });
      }
    } else if (kind === 'cases') {
      source.by = oneOf(CASE_DIMENSIONS, s.by, `${at}.config.source.by`, errors) ?? 'month';
      source.metric = oneOf(CASE_METRICS, s.metric, `${at}.config.source.metric`, errors) ?? 'cases';
    } else if (kind === 'alerts') {
      source.state = oneOf(['firing', 'acknowledged', 'resolved'] as const, s.state, `${at}.config.source.state`, errors) ?? null;
    }
    const config: WidgetConfig = { source };
    config.range = oneOf(RANGES, c.range, `${at}.config.range`, errors) ?? null;
    if (c.thresholds !== undefined && c.thresholds !== null) {
      if (!Array.isArray(c.thresholds) || c.thresholds.length > 10) errors.push({ field: `${at}.config.thresholds`, message: '最多 10 个阈值 / 10 thresholds at most' });
      else {
        config.thresholds = [];
        c.thresholds.forEach((th, j) => {
          const value = isObject(th) ? num(th.value, `${at}.config.thresholds.${j}.value`, errors) : undefined;
          const color = isObject(th) && typeof th.color === 'string' && COLOR.test(th.color) ? th.color : undefined;
          if (!isObject(th) || value === undefined) errors.push({ field: `${at}.config.thresholds.${j}.value`, message: '须为数字 / a number' });
          if (!color) errors.push({ field: `${at}.config.thresholds.${j}.color`, message: '须为颜色，如 #f56c6c / a colour such as #f56c6c' });
          if (value !== undefined && color) config.thresholds!.push({ value, color });
        });
      }
    }
    if (c.color !== undefined && c.color !== null && c.color !== '') {
      if (typeof c.color !== 'string' || !COLOR.test(c.color)) errors.push({ field: `${at}.config.color`, message: '须为颜色，如 #409eff / a colour such as #409eff' });
      else config.color = c.color;
    }
    if (type === 'map') {
      const m = isObject(c.map) ? c.map : {};
      const level = oneOf(MAP_LEVELS, m.level, `${at}.config.map.level`, errors) ?? 'district';
      const mode = oneOf(MAP_MODES, m.mode, `${at}.config.map.mode`, errors) ?? 'choropleth';
      if (kind !== 'hotspots' && mode !== 'choropleth') errors.push({ field: `${at}.config.map.mode`, message: '点位与热力只来自案件热点 / points and heat come from the case hot spots' });
      if (kind === 'hotspots' && level === 'china') errors.push({ field: `${at}.config.map.level`, message: '案件热点在本市地图上 / case hot spots are drawn on the city map' });
      if (kind === 'indicator' && !source.dimension) errors.push({ field: `${at}.config.source.dimension`, message: '地图须按一个维度着色（取值为区划名称或代码）/ a map colours areas by a dimension (area names or codes)' });
      if (kind === 'cases' && source.by !== 'district' && source.by !== 'grid') errors.push({ field: `${at}.config.source.by`, message: '地图按区县或网格着色 / a map colours districts or grid cells' });
      config.map = { level, mode };
    }
    if (type === 'heat') config.heat = { mode: oneOf(HEAT_MODES, isObject(c.heat) ? c.heat.mode : undefined, `${at}.config.heat.mode`, errors) ?? 'hour' };
    if (c.limit !== undefined && c.limit !== null) config.limit = int(c.limit, 1, 100, `${at}.config.limit`, errors);
    for (const k of ['min', 'max'] as const) {
      const v = num(c[k], `${at}.config.${k}`, errors);
      if (v !== undefined) config[k] = v;
    }
    if (config.min !== undefined && config.max !== undefined && config.min >= config.max) errors.push({ field: `${at}.config.max`, message: '须大于最小值 / above the minimum' });
    if (type === 'gauge' && config.max === undefined && !(kind === 'cases' && source.metric?.endsWith('Rate'))) errors.push({ field: `${at}.config.max`, message: '仪表盘须给出最大值 / a gauge needs a maximum' });
    if (c.unit !== undefined && c.unit !== null && c.unit !== '') {
      if (typeof c.unit !== 'string' || c.unit.length > 20) errors.push({ field: `${at}.config.unit`, message: '最多 20 个字 / 20 characters at most' });
      else config.unit = c.unit;
    }
    if (type) out.push({ id, type, title, x, y, w, h, config });
  });
  if (wanted.size) {
    const rows = await ctx.db.query<{ code: string; dimensions: string[] }>(`SELECT code, dimensions FROM indicators WHERE code = ANY($1)`, [[...wanted.keys()]]);
    const dims = new Map(rows.map((r) => [r.code, r.dimensions ?? []]));
    for (const [code, uses] of wanted) {
      for (const u of uses) {
        const d = dims.get(code);
        if (!d) errors.push({ field: u.field, message: `指标不存在：${code} / no indicator ${code}` });
        else {
          if (u.dimension && !d.includes(u.dimension)) errors.push({ field: u.dimField, message: `不是指标 ${code} 的维度（${d.join('、') || '无维度'}）/ not a dimension of ${code}` });
          for (const k of Object.keys(u.where ?? {})) if (!d.includes(k)) errors.push({ field: u.dimField.replace(/dimension$/, `where.${k}`), message: `不是指标 ${code} 的维度 / not a dimension of ${code}` });
        }
      }
    }
  }
  if (errors.length) throw problem('validation', `${errors[0]!.field}: ${errors[0]!.message}${errors.length > 1 ? `（共 ${errors.length} 处 / ${errors.length} problems）` : ''}`, errors);
  return out;
}

function checkFilters(f: unknown): Filters {
  if (f === undefined || f === null) return {};
  if (!isObject(f)) throw fieldProblem('filters', '须为对象 / an object');
  const errors: FieldError[] = [];
  const range = oneOf(RANGES, f.range, 'filters.range', errors) ?? null;
  let district: string | null = null;
  if (f.district !== undefined && f.district !== null && f.district !== '') {
    if (typeof f.district !== 'string' || !/^\d{6}$/.test(f.district)) errors.push({ field: 'filters.district', message: '须为 6 位区县代码 / a 6-digit district code' });
    else district = f.district;
  }
  if (errors.length) throw problem('validation', `${errors[0]!.field}: ${errors[0]!.message}`, errors);
  return { range, district };
}

function checkRefresh(v: unknown): number {
  if (v === undefined || v === null || v === 0) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < REFRESH_MIN || v > REFRESH_MAX) throw fieldProblem('refreshSeconds', `0（不刷新）或 ${REFRESH_MIN}–${REFRESH_MAX} 秒 / 0 (off) or ${REFRESH_MIN}–${REFRESH_MAX} seconds`);
  return v;
}

function checkName(v: unknown): string {
  const name = typeof v === 'string' ? v.trim() : '';
  if (!name || name.length > 100) throw fieldProblem('name', '名称须为 1–100 个字 / 1–100 characters');
  return name;
}

async function row(ctx: Ctx, caller: Caller, code: string): Promise<Row> {
  requireStaff(caller);
  const r = await ctx.db.one<Row>(`${SELECT} WHERE b.code = $1`, [String(code).toUpperCase()]);
  // another department's dashboard not shared with the caller is not there for them
  if (!r || !sees(caller, r)) throw notFound(code);
  return r;
}

async function editable(ctx: Ctx, caller: Caller, code: string): Promise<Row> {
  const r = await row(ctx, caller, code);
  if (!canEdit(caller, r)) throw problem('forbidden', '只有所属部门的数据专员、创建人或管理员可以修改驾驶舱 / only the owning department\'s officers, its maker or an admin change a dashboard');
  return r;
}

export const dashboards = {
  /** The caller's department's dashboards and those shared with them (admins: all). */
  async list(ctx: Ctx, caller: Caller): Promise<Dashboard[]> {
    requireStaff(caller);
    const rows = await ctx.db.query<Row>(
      `${SELECT} WHERE $1::boolean OR b.department_id = $2::uuid OR (b.shared->>'all')::boolean IS TRUE
         OR ($2::text IS NOT NULL AND b.shared->'departments' @> to_jsonb($2::text)) OR b.shared->'roles' @> to_jsonb($3::text)
       ORDER BY (b.department_id = $2::uuid) DESC NULLS LAST, b.updated_at DESC`,
      [isAdmin(caller), caller.departmentId, caller.role],
    );
    return rows.map((r) => toDashboard(caller, r));
  },

  async get(ctx: Ctx, caller: Caller, code: string): Promise<Dashboard> {
    return toDashboard(caller, await row(ctx, caller, code));
  },

  /** Officers and analysts make dashboards for their department; admins for any. */
  async create(ctx: Ctx, caller: Caller, input: DashboardInput): Promise<Dashboard> {
    requireStaff(caller);
    if (!(isAdmin(caller) || caller.role === 'officer' || caller.role === 'analyst')) throw problem('forbidden', '只有数据专员、分析人员或管理员可以新建驾驶舱 / only officers, analysts and admins make dashboards');
    const code = input.code?.trim() ? input.code.trim().toUpperCase() : `DB_${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 1296).toString(36).toUpperCase()}`;
    if (!CODE.test(code)) throw fieldProblem('code', '代码须为 2–41 位大写字母、数字、下划线，以字母开头 / 2–41 upper-case letters, digits, _');
    const name = checkName(input.name);
    if (input.departmentId && !isAdmin(caller) && input.departmentId !== caller.departmentId) throw problem('forbidden', '只能为本部门新建驾驶舱 / only for your own department');
    const departmentId = isAdmin(caller) ? input.departmentId ?? caller.departmentId : caller.departmentId;
    if (!departmentId) throw fieldProblem('departmentId', '请指定所属部门 / name the owning department');
    if (!(await ctx.db.one(`SELECT 1 FROM departments WHERE id = $1`, [departmentId]))) throw noSuch('departmentId', 'department', departmentId);
    const layout = await checkLayout(ctx, input.layout ?? []);
    const filters = checkFilters(input.filters);
    const refresh = checkRefresh(input.refreshSeconds);
    const id = newId();
    await ctx.db.transaction(async (tx) => {
      if (await tx.one(`SELECT 1 FROM dashboards WHERE code = $1`, [code])) throw problem('conflict', { zh: `驾驶舱代码已存在：${code}`, en: `dashboard code ${code} exists` }, [{ field: 'code', message: 'already exists' }]);
      await tx.query(
        `INSERT INTO dashboards (id, code, name, description, department_id, layout, filters, refresh_seconds, shared, created_by, created_at, updated_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10, now(), now())`,
        [id, code, name, (input.description ?? '').slice(0, 2000), departmentId, JSON.stringify(layout), JSON.stringify(filters), refresh,
          JSON.stringify({ departments: [], roles: [], all: false }), caller.id],
      );
      await ctx.audit.append(tx, caller, { action: 'dashboard.create', objectType: 'dashboard', objectId: code, departmentId, details: { name, widgets: layout.length } });
    });
    return dashboards.get(ctx, caller, code);
  },

  /** Replace the name, description, layout, filters and refresh; the code, owner and sharing stay. */
  async update(ctx: Ctx, caller: Caller, code: string, input: DashboardInput): Promise<Dashboard> {
    const r = await editable(ctx, caller, code);
    const name = checkName(input.name);
    const layout = await checkLayout(ctx, input.layout ?? []);
    const filters = checkFilters(input.filters);
    const refresh = checkRefresh(input.refreshSeconds);
    await ctx.db.transaction(async (tx) => {
      await tx.query(`UPDATE dashboards SET name = $2, description = $3, layout = $4, filters = $5, refresh_seconds = $6, updated_at = now() WHERE id = $1`,
        [r.id, name, (input.description ?? r.description).slice(0, 2000), JSON.stringify(layout), JSON.stringify(filters), refresh]);
      await ctx.audit.append(tx, caller, { action: 'dashboard.update', objectType: 'dashboard', objectId: r.code, departmentId: r.department_id, details: { name, widgets: layout.length } });
    });
    return dashboards.get(ctx, caller, r.code);
  },

  async remove(ctx: Ctx, caller: Caller, code: string): Promise<void> {
    const r = await editable(ctx, caller, code);
    await ctx.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM dashboards WHERE id = $1`, [r.id]);
      await ctx.audit.append(tx, caller, { action: 'dashboard.delete', objectType: 'dashboard', objectId: r.code, departmentId: r.department_id, details: { name: r.name } });
    });
  },

  /** Who else may open it: departments, roles, or everyone on the staff. It shares the layout, never data. */
  async share(ctx: Ctx, caller: Caller, code: string, input: Partial<Shared>): Promise<Dashboard> {
    const r = await editable(ctx, caller, code);
    const errors: FieldError[] = [];
    const depts = Array.isArray(input.departments) ? [...new Set(input.departments)] : [];
    if (input.departments !== undefined && !Array.isArray(input.departments)) errors.push({ field: 'departments', message: '须为部门标识数组 / an array of department ids' });
    depts.forEach((d, i) => { if (typeof d !== 'string' || !UUID.test(d)) errors.push({ field: `departments.${i}`, message: '不是部门标识 / not a department id' }); });
    const roles = Array.isArray(input.roles) ? [...new Set(input.roles)] : [];
    if (input.roles !== undefined && !Array.isArray(input.roles)) errors.push({ field: 'roles', message: '须为角色数组 / an array of roles' });
    roles.forEach((x, i) => { if (!SHARE_ROLES.includes(x)) errors.push({ field: `roles.${i}`, message: `须为 ${SHARE_ROLES.join(' | ')} / one of ${SHARE_ROLES.join(' | ')}` }); });
    if (input.all !== undefined && typeof input.all !== 'boolean') errors.push({ field: 'all', message: '须为 true 或 false / true or false' });
    if (errors.length) throw problem('validation', `${errors[0]!.field}: ${errors[0]!.message}`, errors);
    if (depts.length) {
      const found = new Set((await ctx.db.query<{ id: string }>(`SELECT id FROM departments WHERE id = ANY($1::uuid[])`, [depts])).map((x) => x.id));
      const missing = depts.findIndex((d) => !found.has(d));
      if (missing >= 0) throw noSuch(`departments.${missing}`, 'department', depts[missing]!);
    }
    const shared: Shared = { departments: depts.filter((d) => d !== r.department_id), roles, all: input.all === true };
    await ctx.db.transaction(async (tx) => {
      await tx.query(`UPDATE dashboards SET shared = $2, updated_at = now() WHERE id = $1`, [r.id, JSON.stringify(shared)]);
      await ctx.audit.append(tx, caller, { action: 'dashboard.share', objectType: 'dashboard', objectId: r.code, departmentId: r.department_id, details: { ...shared } });
    });
    return dashboards.get(ctx, caller, r.code);
  },
};
