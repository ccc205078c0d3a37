/**
 * The 接诉即办 figures: per department, category, district, grid or month — cases, response rate,
 * resolution rate, satisfaction rate, overdue rate, return rate; hot spots (cases per grid cell and
 * district, points); hot topics (keywords of the texts); all of it as XLSX.
 *
 * Definitions (docs/cases.md):
 * - responded: accepted (签收) within RESPONSE_HOURS of dispatch; response rate = responded / dispatched
 * - resolution rate = rated as resolved / rated; satisfaction rate = (满意 + 基本满意) / rated
 * - overdue: answered after the due time, or not answered and past it; overdue rate = overdue / dispatched
 * - return rate = dispatched cases returned at least once / dispatched
 * Invalid reports are not counted; merged duplicates count as reports, not as dispatched cases.
 */
import { Jieba, TfIdf } from '@node-rs/jieba';
import { dict, idf } from '@node-rs/jieba/dict.js';
import ExcelJS from 'exceljs';
import { Filter } from '../../control/index.ts';
import { type Caller, type Ctx, fieldProblem, isAdmin, problem } from '../../kernel/index.ts';
import { centreOf } from './store.ts';

export const RESPONSE_HOURS = 24;
export const DIMENSIONS = ['department', 'category', 'topCategory', 'district', 'grid', 'month', 'channel'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface RateRow {
  key: string | null; name: string;
  cases: number; dispatched: number; responded: number; answered: number; rated: number; resolved: number; satisfied: number; basic: number; unsatisfied: number; overdue: number; returned: number; closed: number;
  responseRate: number | null; resolutionRate: number | null; satisfactionRate: number | null; overdueRate: number | null; returnRate: number | null;
}

export interface StatsQuery { by?: Dimension; from?: string; to?: string; department?: string; category?: string; district?: string }

const KEY: Record<Dimension, { key: string; name: string }> = {
  department: { key: 'c.department_id::text', name: `COALESCE(d.name, '未派单')` },
  category: { key: 'c.category_code', name: `COALESCE(cc.name, '未分类')` },
  topCategory: { key: 'COALESCE(cc.parent_code, cc.code)', name: `COALESCE(pc.name, cc.name, '未分类')` },
  district: { key: 'c.district_code', name: `COALESCE(ga.name, c.district_code, '未定位')` },
  grid: { key: 'c.grid_code', name: `COALESCE(gg.name, c.grid_code, '未定位')` },
  month: { key: `to_char(c.reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')`, name: `to_char(c.reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')` },
  channel: { key: 'c.channel', name: 'c.channel' },
};

const rate = (n: number, of: number) => (of ? Math.round((n / of) * 10_000) / 10_000 : null);

/** The conditions every figure shares: the caller's cases (the centre: all; a department: its own), the period, the filters. */
async function scope(ctx: Ctx, caller: Caller, q: StatsQuery): Promise<Filter> {
  const centres = await centreOf(ctx.db);
  const centre = isAdmin(caller) || caller.role === 'analyst' || (!!caller.departmentId && centres.includes(caller.departmentId));
  if (!centre && !caller.departmentId) throw problem('forbidden', '无权查看案件统计 / you may not see case statistics');
  const f = new Filter();
  f.add(`c.status <> 'invalid'`);
  if (!centre) f.eq('c.department_id', caller.departmentId);
  for (const [field, v] of [['from', q.from], ['to', q.to]] as const) if (v !== undefined && Number.isNaN(Date.parse(v))) throw fieldProblem(field, '时间格式不正确 / not a date-time');
  if (q.from) f.add(`c.reported_at >= ${f.param(new Date(q.from).toISOString())}`);
  if (q.to) f.add(`c.reported_at < ${f.param(new Date(q.to).toISOString())}`);
  f.eq('c.department_id', q.department).eq('c.district_code', q.district);
  if (q.category) {
    const p = f.param(q.category);
    f.add(`(c.category_code = ${p} OR cc.parent_code = ${p})`);
  }
  return f;
}

const FROM = `FROM cases c LEFT JOIN departments d ON d.id = c.department_id LEFT JOIN case_categories cc ON cc.code = c.category_code
  LEFT JOIN case_categories pc ON pc.code = cc.parent_code LEFT JOIN geo_areas ga ON ga.code = c.district_code LEFT JOIN geo_areas gg ON gg.code = c.grid_code`;

export const caseStats = {
  async rates(ctx: Ctx, caller: Caller, q: StatsQuery): Promise<{ by: Dimension; rows: RateRow[]; total: RateRow }> {
    const by = q.by ?? 'department';
    if (!DIMENSIONS.includes(by)) throw fieldProblem('by', DIMENSIONS.join(' | '));
    const f = await scope(ctx, caller, q);
    const k = KEY[by];
    const dispatched = `c.dispatched_at IS NOT NULL AND c.status <> 'merged'`;
    const sql = `SELECT ${k.key} AS key, ${k.name} AS name, count(*)::int AS cases,
        count(*) FILTER (WHERE ${dispatched})::int AS dispatched,
        count(*) FILTER (WHERE ${dispatched} AND c.accepted_at IS NOT NULL AND c.accepted_at <= c.dispatched_at + interval '${RESPONSE_HOURS} hours')::int AS responded,
        count(*) FILTER (WHERE c.answered_at IS NOT NULL)::int AS answered,
        count(*) FILTER (WHERE c.rated_at IS NOT NULL)::int AS rated,
        count(*) FILTER (WHERE c.rated_at IS NOT NULL AND c.resolved)::int AS resolved,
        count(*) FILTER (WHERE c.satisfaction = 'satisfied')::int AS satisfied,
        count(*) FILTER (WHERE c.satisfaction = 'basic')::int AS basic,
        count(*) FILTER (WHERE c.satisfaction = 'unsatisfied')::int AS unsatisfied,
        count(*) FILTER (WHERE ${dispatched} AND c.due_at IS NOT NULL AND ((c.answered_at IS NOT NULL AND c.answered_at > c.due_at) OR (c.answered_at IS NULL AND c.status NOT IN ('closed','invalid') AND c.due_at < now())))::int AS overdue,
        count(*) FILTER (WHERE ${dispatched} AND c.returns > 0)::int AS returned,
        count(*) FILTER (WHERE c.status = 'closed')::int AS closed
      ${FROM} ${f.where} GROUP BY 1, 2 ORDER BY 3 DESC, 1`;
    const rows = (await ctx.db.query<Omit<RateRow, `${string}Rate`>>(sql, f.params)).map(withRates);
    const total = withRates(rows.reduce((t, r) => {
      for (const c of COUNTS) t[c] += r[c];
      return t;
    }, { key: null, name: '合计', ...Object.fromEntries(COUNTS.map((c) => [c, 0])) } as Omit<RateRow, `${string}Rate`>));
    return { by, rows, total };
  },

  /** Cases per grid cell and per district, and up to `points` located cases, for the map. */
  async hotspots(ctx: Ctx, caller: Caller, q: StatsQuery & { points?: number }) {
    const f = await scope(ctx, caller, q);
    const [grid, district, points] = await Promise.all([
      ctx.db.query<{ code: string; name: string; n: number }>(`SELECT c.grid_code AS code, COALESCE(gg.name, c.grid_code) AS name, count(*)::int AS n ${FROM} ${f.where} AND c.grid_code IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC`, f.params),
      ctx.db.query<{ code: string; name: string; n: number }>(`SELECT c.district_code AS code, COALESCE(ga.name, c.district_code) AS name, count(*)::int AS n ${FROM} ${f.where} AND c.district_code IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC`, f.params),
      ctx.db.query<{ lng: number; lat: number; code: string; title: string }>(`SELECT c.lng, c.lat, c.code, c.title ${FROM} ${f.where} AND c.lng IS NOT NULL ORDER BY c.reported_at DESC LIMIT ${Math.min(q.points ?? 2000, 10_000)}`, f.params),
    ]);
    return { grid, district, points };
  },

  /** The words the period's reports are most about (TF-IDF keywords of titles and texts against jieba's corpus). */
  async topics(ctx: Ctx, caller: Caller, q: StatsQuery & { top?: number }) {
    const f = await scope(ctx, caller, q);
    const rows = await ctx.db.query<{ title: string; text: string }>(`SELECT c.title, left(c.text, 300) AS text ${FROM} ${f.where} ORDER BY c.reported_at DESC LIMIT 5000`, f.params);
    const weights = new Map<string, { weight: number; cases: number }>();
    for (const r of rows) {
      const seen = new Set<string>();
      for (const k of keywords(`${r.title}。${r.title}。${r.text}`, 8)) {
        if (STOP.has(k.keyword) || [...k.keyword].length < 2) continue;
        const w = weights.get(k.keyword) ?? { weight: 0, cases: 0 };
        w.weight += k.weight;
        if (!seen.has(k.keyword)) w.cases++;
        seen.add(k.keyword);
        weights.set(k.keyword, w);
      }
    }
    const top = [...weights].sort((a, b) => b[1].weight - a[1].weight).slice(0, Math.min(q.top ?? 30, 100));
    return { cases: rows.length, topics: top.map(([word, w]) => ({ word, weight: Math.round(w.weight * 100) / 100, cases: w.cases })) };
  },

  /** The figures as an XLSX workbook: one sheet per dimension asked, plus hot spots. */
  async xlsx(ctx: Ctx, caller: Caller, q: StatsQuery & { dims?: Dimension[] }): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    wb.created = new Date();
    for (const by of q.dims?.length ? q.dims : (['department', 'topCategory', 'district', 'month'] as Dimension[])) {
      const { rows, total } = await caseStats.rates(ctx, caller, { ...q, by });
      const ws = wb.addWorksheet(SHEET[by]);
      ws.columns = COLUMNS.map(([key, header]) => ({ key, header, width: key === 'name' ? 24 : 12 }));
      for (const r of [...rows, total]) ws.addRow(r);
      ws.getRow(1).font = { bold: true };
    }
    const spots = await caseStats.hotspots(ctx, caller, { ...q, points: 0 });
    const hs = wb.addWorksheet('热点网格');
    hs.columns = [{ key: 'code', header: '网格代码', width: 18 }, { key: 'name', header: '网格', width: 24 }, { key: 'n', header: '案件数', width: 10 }];
    for (const g of spots.grid) hs.addRow(g);
    hs.getRow(1).font = { bold: true };
    await ctx.audit.record(caller, { action: 'case.export', objectType: 'case', objectId: 'stats', details: { ...q } });
    return Buffer.from(await wb.xlsx.writeBuffer());
  },
};

const COUNTS = ['cases', 'dispatched', 'responded', 'answered', 'rated', 'resolved', 'satisfied', 'basic', 'unsatisfied', 'overdue', 'returned', 'closed'] as const;

function withRates(r: Omit<RateRow, `${string}Rate`>): RateRow {
  const n = Object.fromEntries(COUNTS.map((c) => [c, Number(r[c])])) as Record<(typeof COUNTS)[number], number>;
  return {
    ...r, ...n,
    responseRate: rate(n.responded, n.dispatched), resolutionRate: rate(n.resolved, n.rated), satisfactionRate: rate(n.satisfied + n.basic, n.rated),
    overdueRate: rate(n.overdue, n.dispatched), returnRate: rate(n.returned, n.dispatched),
  };
}

const SHEET: Record<Dimension, string> = { department: '按部门', category: '按类别', topCategory: '按大类', district: '按区县', grid: '按网格', month: '按月份', channel: '按渠道' };
const COLUMNS: [keyof RateRow, string][] = [
  ['name', '名称'], ['cases', '受理量'], ['dispatched', '派单量'], ['responded', '及时响应'], ['answered', '已答复'], ['rated', '已评价'], ['resolved', '已解决'],
  ['satisfied', '满意'], ['basic', '基本满意'], ['unsatisfied', '不满意'], ['overdue', '超期'], ['returned', '退单'], ['closed', '办结'],
  ['responseRate', '响应率'], ['resolutionRate', '解决率'], ['satisfactionRate', '满意率'], ['overdueRate', '超期率'], ['returnRate', '退单率'],
];

let jieba: Jieba | undefined;
let tfidf: TfIdf | undefined;
function keywords(text: string, top: number) {
  jieba ??= Jieba.withDict(dict);
  tfidf ??= TfIdf.withDict(idf);
  return tfidf.extractKeywords(jieba, text, top, ['n', 'nr', 'ns', 'nt', 'nz', 'vn', 'v', 'an']);
}

/** Words every report says (requests, salutations, the city's own name). */
const STOP = new Set(['反映', '问题', '希望', '领导', '请求', '要求', '投诉', '咨询', '建议', '解决', '情况', '相关', '部门', '政府', '你好', '您好', '尊敬', '谢谢', '感谢', '市民', '没有', '进行', '现在', '表示', '存在', '知道', '导致', '请问', '处理', '出现', '造成', '有关']);
