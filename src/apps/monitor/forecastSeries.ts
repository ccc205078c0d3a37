/**
 * A forecast for any indicator (预测): its series as the caller reads it (through the guard), one
 * series (a dimension value, or the indicator without dimensions), put on its regular grid (gaps as
 * missing values), fitted in the server and forecast H steps ahead with prediction intervals.
 */
import { type Caller, type Ctx, fieldProblem } from '../../kernel/index.ts';
import { fitForecaster, inferGrid, IrregularSeriesError } from './forecast/index.ts';
import { indicators } from './indicators.ts';

/** The longest history a forecast fits on (points), and the furthest it looks ahead (steps). */
export const FORECAST_HISTORY_MAX = 50_000;
export const FORECAST_STEPS_MAX = 168;

export async function forecastIndicator(ctx: Ctx, caller: Caller, code: string, opts: { steps?: number; where?: Record<string, string>; level?: number } = {}) {
  const steps = opts.steps ?? 24;
  if (!(Number.isInteger(steps) && steps >= 1 && steps <= FORECAST_STEPS_MAX)) throw fieldProblem('steps', `1–${FORECAST_STEPS_MAX}`);
  const s = await indicators.series(ctx, caller, code, { where: opts.where, limit: FORECAST_HISTORY_MAX });
  const unbound = s.dimensions.filter((d) => !(opts.where && d in opts.where));
  if (unbound.length) throw fieldProblem('where', `请选定一条序列：给出维度 ${unbound.join('、')} 的值 / choose one series: give a value for ${unbound.join(', ')}`);
  const points = (s.points as { t: unknown; value: unknown }[])
    .map((p) => ({ t: p.t instanceof Date ? p.t.getTime() : new Date(String(p.t)).getTime(), v: p.value === null || p.value === undefined ? NaN : Number(p.value) }))
    .filter((p) => Number.isFinite(p.t)).sort((a, b) => a.t - b.t);
  if (points.length < 3) throw fieldProblem('code', `序列太短，无法预测（${points.length} 个点）/ the series is too short to forecast (${points.length} points)`);
  let grid;
  try {
    grid = inferGrid(points.map((p) => p.t));
  } catch (err) {
    if (err instanceof IrregularSeriesError) throw fieldProblem('code', `序列不等间隔，无法预测 / the series is irregular: ${err.message}`);
    throw err;
  }
  const values = new Float64Array(grid.length).fill(NaN);
  points.forEach((p, i) => { values[grid.position[i]!] = p.v; });
  const model = fitForecaster(values, { horizon: steps, periods: grid.periods, level: opts.level });
  const f = model.forecast(steps);
  const last = grid.start + (grid.length - 1) * grid.stepMs;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    indicator: s.indicator, unit: s.unit, series: opts.where ?? {}, stepSeconds: grid.stepMs / 1000, method: model.method, level: model.level, fitSeconds: round(model.fitSeconds), history: grid.length,
    points: Array.from({ length: steps }, (_, k) => ({ t: new Date(last + (k + 1) * grid.stepMs).toISOString(), forecast: round(f.forecast[k]!), lower: round(f.lower[k]!), upper: round(f.upper[k]!) })),
  };
}
