/** Forecast breach: will a series pass its limit within the next N steps? */
import { fitForecaster, type FitOptions, type Forecaster } from '../forecast/index.ts';

export interface BreachOptions {
  limit: number;
  withinSteps: number;
  /** '>' (default): breach above the limit; '<': below it. */
  op?: '>' | '<';
  /** Judge by the interval's bound on the limit's side (default true) or by the point forecast. */
  useBound?: boolean;
  /** Seasonal periods and interval level for the forecaster (see FitOptions). */
  periods?: number[];
  level?: number;
  /** A forecaster already fitted on this series (or on its beginning), to avoid fitting again. */
  forecaster?: Forecaster;
}

export interface Breach {
  /** Steps after the last point (1 = the next step). */
  step: number;
  /** The forecast value, and the bound that passed the limit (equal to it when judged by the point forecast). */
  forecast: number;
  value: number;
  by: 'forecast' | 'bound';
}

/**
 * The first step within `withinSteps` after the end of `series` at which the forecast (or the
 * interval's bound on the limit's side) passes the limit; null when none does.
 */
export function forecastBreach(series: ArrayLike<number>, opts: BreachOptions): Breach | null {
  const op = opts.op ?? '>';
  const fitOpts: FitOptions = { horizon: opts.withinSteps, periods: opts.periods, level: opts.level };
  const model = opts.forecaster ?? fitForecaster(series, fitOpts);
  const [f] = model.forecastFrom(series, [series.length - 1], opts.withinSteps);
  const useBound = opts.useBound ?? true;
  for (let h = 0; h < opts.withinSteps; h++) {
    const point = f!.forecast[h]!;
    const value = useBound ? (op === '>' ? f!.upper[h]! : f!.lower[h]!) : point;
    if (op === '>' ? value > opts.limit : value < opts.limit) return { step: h + 1, forecast: point, value, by: useBound ? 'bound' : 'forecast' };
  }
  return null;
}
