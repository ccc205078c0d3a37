/**
 * The demo city's ready dashboard (城市运行 · CITY_OPS), owned by the dispatch centre (RX) and shared
 * with all the staff: the case figures (受理量, 满意率, 超期率, by month, category, channel, district
 * and department), the case hot spots on the city map (districts, drilling into their grid cells),
 * the firing alerts, and — when the demo's sensors and indicators are there — the air, water and
 * traffic indicators as KPI cards, lines, a gauge and a weekday × hour heat map. An indicator the demo
 * lacks is left out. Each viewer's widgets read only what that viewer may read.
 */
import { dashboards, type Widget } from '../apps/monitor/index.ts';
import { departments } from '../identity/index.ts';
import { type Ctx, SYSTEM } from '../kernel/index.ts';

export const DEMO_DASHBOARD = 'CITY_OPS';

type W = Omit<Widget, 'config'> & { config: Record<string, unknown> };

/** Make the 城市运行 dashboard once (again: nothing changes). Returns its code, or null without the dispatch centre. */
export async function demoDashboards(ctx: Ctx): Promise<string | null> {
  if (await ctx.db.one(`SELECT 1 FROM dashboards WHERE code = $1`, [DEMO_DASHBOARD])) return DEMO_DASHBOARD;
  const rx = await departments.byCode(ctx, 'RX');
  if (!rx) return null;
  const have = new Map((await ctx.db.query<{ code: string; name: string; unit: string; dimensions: string[] }>(`SELECT code, name, unit, dimensions FROM indicators`)).map((i) => [i.code, i]));
  const cases = (metric: string, by = 'month') => ({ kind: 'cases', by, metric });
  const layout: W[] = [
    { id: 'kpi-cases', type: 'kpi', title: '受理量', x: 0, y: 0, w: 6, h: 4, config: { source: cases('cases') } },
    { id: 'kpi-satisfied', type: 'kpi', title: '满意率', x: 6, y: 0, w: 6, h: 4, config: { source: cases('satisfactionRate'), thresholds: [{ value: 0, color: '#f56c6c' }, { value: 80, color: '#e6a23c' }, { value: 90, color: '#67c23a' }] } },
    { id: 'kpi-overdue', type: 'kpi', title: '超期率', x: 12, y: 0, w: 6, h: 4, config: { source: cases('overdueRate'), thresholds: [{ value: 5, color: '#e6a23c' }, { value: 10, color: '#f56c6c' }] } },
    { id: 'kpi-alerts', type: 'kpi', title: '告警中', x: 18, y: 0, w: 6, h: 4, config: { source: { kind: 'alerts', state: 'firing' }, thresholds: [{ value: 1, color: '#f56c6c' }] } },
    { id: 'map-hot', type: 'map', title: '案件热点（点击区县下钻到网格）', x: 0, y: 4, w: 12, h: 14, config: { source: { kind: 'hotspots' }, map: { level: 'district', mode: 'choropleth' } } },
    { id: 'line-month', type: 'line', title: '月度受理量', x: 12, y: 4, w: 12, h: 7, config: { source: cases('cases', 'month') } },
    { id: 'bar-category', type: 'bar', title: '按大类', x: 12, y: 11, w: 12, h: 7, config: { source: cases('cases', 'topCategory'), color: '#5b8ff9' } },
    { id: 'pie-channel', type: 'pie', title: '受理渠道', x: 0, y: 18, w: 8, h: 8, config: { source: cases('cases', 'channel'), limit: 8 } },
    { id: 'rank-district', type: 'ranking', title: '区县受理量排行', x: 8, y: 18, w: 8, h: 8, config: { source: cases('cases', 'district'), limit: 10 } },
    { id: 'gauge-response', type: 'gauge', title: '响应率', x: 16, y: 18, w: 8, h: 8, config: { source: cases('responseRate'), thresholds: [{ value: 80, color: '#e6a23c' }, { value: 95, color: '#67c23a' }], color: '#f56c6c' } },
    { id: 'table-department', type: 'table', title: '承办部门', x: 0, y: 26, w: 12, h: 8, config: { source: cases('overdueRate', 'department'), limit: 12 } },
    { id: 'table-alerts', type: 'table', title: '告警', x: 12, y: 26, w: 12, h: 8, config: { source: { kind: 'alerts', state: null }, limit: 12 } },
  ];
  // the demo's sensors, where they are there
  let y = 34;
  const pm = have.get('AQ_PM25_HOURLY');
  if (pm) {
    const dim = pm.dimensions[0] ?? null;
    layout.push(
      { id: 'kpi-pm25', type: 'kpi', title: pm.name, x: 0, y, w: 6, h: 4, config: { source: { kind: 'indicator', indicator: pm.code, agg: 'last' }, thresholds: [{ value: 75, color: '#e6a23c' }, { value: 115, color: '#f56c6c' }] } },
      { id: 'gauge-pm25', type: 'gauge', title: `${pm.name}（最新）`, x: 0, y: y + 4, w: 6, h: 8, config: { source: { kind: 'indicator', indicator: pm.code, agg: 'last' }, min: 0, max: 300, thresholds: [{ value: 75, color: '#e6a23c' }, { value: 115, color: '#f56c6c' }], color: '#67c23a' } },
      { id: 'line-pm25', type: 'line', title: `${pm.name}（近 7 天）`, x: 6, y, w: 10, h: 12, config: { source: { kind: 'indicator', indicator: pm.code, agg: 'avg', dimension: dim }, range: '7d', thresholds: [{ value: 75, color: '#e6a23c' }] } },
      { id: 'heat-pm25', type: 'heat', title: `${pm.name}（星期 × 小时）`, x: 16, y, w: 8, h: 12, config: { source: { kind: 'indicator', indicator: pm.code, agg: 'avg' }, range: '30d', heat: { mode: 'hour' } } },
    );
    y += 12;
  }
  const water = have.get('WATER_LEVEL_MAX');
  const traffic = have.get('TRAFFIC_FLOW');
  if (water) {
    layout.push(
      { id: 'kpi-water', type: 'kpi', title: water.name, x: 0, y, w: 6, h: 4, config: { source: { kind: 'indicator', indicator: water.code, agg: 'max' }, range: '24h' } },
      { id: 'line-water', type: 'line', title: `${water.name}（近 7 天）`, x: 0, y: y + 4, w: traffic ? 12 : 24, h: 8, config: { source: { kind: 'indicator', indicator: water.code, agg: 'max', dimension: water.dimensions[0] ?? null }, range: '7d' } },
    );
  }
  if (traffic) {
    const x = water ? 12 : 0;
    layout.push(
      { id: 'kpi-traffic', type: 'kpi', title: traffic.name, x: x + 6, y, w: 6, h: 4, config: { source: { kind: 'indicator', indicator: traffic.code, agg: 'last' } } },
      { id: 'line-traffic', type: 'line', title: `${traffic.name}（近 7 天）`, x, y: y + 4, w: water ? 12 : 24, h: 8, config: { source: { kind: 'indicator', indicator: traffic.code, agg: 'sum', dimension: traffic.dimensions[0] ?? null }, range: '7d' } },
    );
  }
  await dashboards.create(ctx, SYSTEM, {
    code: DEMO_DASHBOARD, name: '城市运行', departmentId: rx.id, refreshSeconds: 60, filters: { range: null, district: null },
    description: '示范市城市运行一屏统览：诉求案件、热点网格、告警与环境、水位、交通指标。点击地图上的区县下钻到其网格，点击网格查看案件。',
    layout,
  });
  await dashboards.share(ctx, SYSTEM, DEMO_DASHBOARD, { departments: [], roles: [], all: true });
  return DEMO_DASHBOARD;
}
