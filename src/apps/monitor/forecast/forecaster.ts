/**
 * The forecaster: picks a model by rolling-origin validation on the last quarter of the series it is
 * given (its own data only), refits the pick on the whole series, and gives prediction intervals from
 * the quantiles of the validation errors at each horizon.
 */
import { fitModel, METHODS, type Method, type ZModel } from './models.ts';

export interface FitOptions {
  /** Steps ahead the forecasts are for (the models are fitted for these horizons). */
  horizon: number;
  /** Seasonal periods in steps, e.g. [24, 168] for hourly data (a day and a week); by default none. */
  periods?: number[];
  /** Coverage of the prediction interval, 0.5–0.99; default 0.8 (the 10th and 90th percentiles). */
  level?: number;
  /** A model by name, or 'auto' (default): the best by validation. */
  method?: Method | 'auto';
  /** 'log1p' (default for a series with no negative value) or 'none'. */
  transform?: 'log1p' | 'none';
  /** Called as the fit goes: models fitted so far out of all it will fit. */
  onProgress?: (done: number, total: number) => void;
}

export interface Forecast {
  /** The point forecast (the median of the model's forecast distribution), per step ahead. */
  forecast: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

export interface Forecaster {
  method: Method;
  transform: 'log1p' | 'none';
  periods: number[];
  level: number;
  horizon: number;
  /** Length of the series the model was fitted on. */
  length: number;
  /** Mean absolute error of each candidate on the validation origins (empty when the series was too short to hold a part back). */
  validation: { method: Method; mae: number }[];
  fitSeconds: number;
  /**
   * Forecasts from each origin t (an index into `values`), using values[0..t] only. `values` is the
   * fitted series or a continuation of it (same start and step), missing values as NaN.
   */
  forecastFrom(values: ArrayLike<number>, origins: number[], horizon?: number): Forecast[];
  /** Forecasts for the steps after the end of the fitted series. */
  forecast(horizon?: number): Forecast;
}

/** Origins every few steps from `from` to the last index that still has a next value; the stride is odd so the hour of day varies. */
export function rollingOrigins(z: ArrayLike<number>, from: number, to: number, max = 1500): number[] {
  let stride = Math.max(7, Math.ceil((to - from) / max));
  if (stride % 2 === 0) stride++;
  const out: number[] = [];
  for (let t = from; t < to - 1; t += stride) if (!Number.isNaN(z[t]!)) out.push(t);
  return out;
}

function quantile(sorted: Float64Array, q: number): number {
  if (!sorted.length) return 0;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  return sorted[lo]! + (sorted[Math.min(sorted.length - 1, lo + 1)]! - sorted[lo]!) * (pos - lo);
}

export function fitForecaster(values: ArrayLike<number>, opts: FitOptions): Forecaster {
  const t0 = performance.now();
  const n = values.length;
  const horizon = opts.horizon;
  if (!Number.isInteger(horizon) || horizon < 1) throw new RangeError(`the horizon must be a positive whole number of steps: ${horizon}`);
  const level = opts.level ?? 0.8;
  if (!(level >= 0.5 && level <= 0.99)) throw new RangeError(`the interval level must be between 0.5 and 0.99: ${level}`);
  let observed = 0, negative = false;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      observed++;
      if (v < 0) negative = true;
    }
  }
  if (observed < 4) throw new RangeError(`a series needs at least 4 values to forecast (it has ${observed})`);
  const transform = opts.transform ?? (negative ? 'none' : 'log1p');
  if (transform === 'log1p' && negative) throw new RangeError('log1p needs a series with no negative value');
  const fwd = transform === 'log1p' ? (v: number) => Math.log1p(v) : (v: number) => v;
  const inv = transform === 'log1p' ? (v: number) => Math.max(0, Math.expm1(v)) : (v: number) => v;
  const toZ = (xs: ArrayLike<number>) => Float64Array.from({ length: xs.length }, (_, i) => (Number.isFinite(xs[i]!) ? fwd(xs[i]!) : NaN));
  const z = toZ(values);

  // a period is used when the data hold at least two of it (the validation fit: three quarters of them)
  const periods = (opts.periods ?? []).filter((p) => Number.isInteger(p) && p >= 2 && 0.75 * n >= 2 * p);
  const Hv = Math.min(horizon, 48);
  const split = Math.floor(n * 0.75);
  const candidates = opts.method && opts.method !== 'auto' ? [opts.method] : METHODS;
  const validation: { method: Method; mae: number }[] = [];
  const residuals = new Map<Method, Float64Array[]>();
  const origins = rollingOrigins(z, split, n);
  if (origins.length >= 20 && split >= 8) {
    const fitted = new Map<Method, Float64Array[]>();
    for (const [i, m] of candidates.entries()) {
      opts.onProgress?.(i, candidates.length + 1);
      let f: Float64Array[];
      if (m === 'combined' && fitted.has('direct') && fitted.has('holt-winters')) {
        const a = fitted.get('direct')!, b = fitted.get('holt-winters')!;
        f = a.map((x, k) => x.map((v, h) => (v + b[k]![h]!) / 2));
      } else f = fitModel(m, z, split, periods, Hv).forecastOrigins(z, origins, Hv);
      fitted.set(m, f);
      let sum = 0, count = 0;
      const res = Array.from({ length: Hv }, () => [] as number[]);
      origins.forEach((t, k) => {
        for (let h = 1; h <= Hv && t + h < n; h++) {
          const v = z[t + h]!;
          if (Number.isNaN(v)) continue;
          sum += Math.abs(inv(f[k]![h - 1]!) - values[t + h]!);
          count++;
          res[h - 1]!.push(v - f[k]![h - 1]!);
        }
      });
      validation.push({ method: m, mae: count ? sum / count : Infinity });
      residuals.set(m, res.map((r) => Float64Array.from(r).sort()));
    }
  }
  const method = validation.length ? validation.reduce((a, b) => (b.mae < a.mae ? b : a)).method : candidates.length === 1 ? candidates[0]! : 'profile-ar';
  opts.onProgress?.(validation.length, validation.length + 1);
  const model: ZModel = fitModel(method, z, n, periods, horizon);
  opts.onProgress?.(validation.length + 1, validation.length + 1);
  let res = residuals.get(method);
  if (!res) {
    // no part could be held back: in-sample errors from origins over the whole series
    const ins: number[] = [];
    for (let t = 0; t < n - 1; t++) if (!Number.isNaN(z[t]!)) ins.push(t);
    const f = model.forecastOrigins(z, ins, Hv);
    const r = Array.from({ length: Hv }, () => [] as number[]);
    ins.forEach((t, k) => {
      for (let h = 1; h <= Hv && t + h < n; h++) if (!Number.isNaN(z[t + h]!)) r[h - 1]!.push(z[t + h]! - f[k]![h - 1]!);
    });
    res = r.map((x) => Float64Array.from(x).sort());
  }
  const qLo = new Float64Array(Hv), qHi = new Float64Array(Hv);
  for (let h = 0; h < Hv; h++) {
    const r = res[h]!.length >= 10 ? res[h]! : res.reduce((a, b) => (b.length > a.length ? b : a));
    qLo[h] = quantile(r, (1 - level) / 2);
    qHi[h] = quantile(r, (1 + level) / 2);
  }
  /** Interval offsets at horizon h (1-based): past the validated horizons, the last ones widened by √(h/Hv). */
  const band = (h: number): [number, number] => (h <= Hv ? [qLo[h - 1]!, qHi[h - 1]!] : [qLo[Hv - 1]! * Math.sqrt(h / Hv), qHi[Hv - 1]! * Math.sqrt(h / Hv)]);
  const fitSeconds = (performance.now() - t0) / 1000;

  const forecastFrom = (xs: ArrayLike<number>, from: number[], H = horizon): Forecast[] => {
    const zz = xs === values ? z : toZ(xs);
    return model.forecastOrigins(zz, from, H).map((f) => {
      const out: Forecast = { forecast: new Float64Array(H), lower: new Float64Array(H), upper: new Float64Array(H) };
      for (let h = 1; h <= H; h++) {
        const [lo, hi] = band(h);
        out.forecast[h - 1] = inv(f[h - 1]!);
        out.lower[h - 1] = Math.min(out.forecast[h - 1]!, inv(f[h - 1]! + lo));
        out.upper[h - 1] = Math.max(out.forecast[h - 1]!, inv(f[h - 1]! + hi));
      }
      return out;
    });
  };
  return {
    method, transform, periods, level, horizon, length: n, validation, fitSeconds,
    forecastFrom,
    forecast: (H = horizon) => forecastFrom(values, [n - 1], H)[0]!,
  };
}
