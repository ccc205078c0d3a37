/**
 * The candidate models, each fitted on a transformed series z (log1p for a non-negative series) with
 * missing values as NaN, and each forecasting z from many origins in one pass:
 *
 *  - profile-ar: mean reversion toward the seasonal profile, z(t+h) = μ(t+h) + φ^h (z(t) − μ(t)), with
 *    μ the median of z by time of day plus a median offset by day of week, and φ a least-absolute-deviation slope;
 *  - direct: one least-absolute-deviation regression per horizon (and per time of day of the origin
 *    where the data allow) of the deviation from the profile on the current deviation, its positive
 *    part and signed square, its recent rise, and its means over the last day and the last week;
 *  - holt-winters: double-seasonal Holt-Winters with damped trend and an AR(1) error (Taylor 2003),
 *    smoothing parameters by Nelder–Mead on one-step squared error;
 *  - combined: the mean of direct and holt-winters.
 */

export type Method = 'profile-ar' | 'direct' | 'holt-winters' | 'combined';
export const METHODS: Method[] = ['profile-ar', 'direct', 'holt-winters', 'combined'];

/** A model fitted on z[0..end): forecasts z at t+1..t+H from each origin t, using z[0..t] only. */
export interface ZModel {
  forecastOrigins(z: Float64Array, origins: number[], H: number): Float64Array[];
}

export function median(xs: ArrayLike<number>): number {
  const s = Float64Array.from(xs).sort();
  const n = s.length;
  if (!n) return NaN;
  return n % 2 ? s[(n - 1) >> 1]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/** The seasonal profile: median by slot of the first period, plus a median offset by block of the second (day of week). */
export class Profile {
  constructor(
    readonly p1: number,
    readonly blocks: number,
    readonly slot: Float64Array,
    readonly block: Float64Array,
  ) {}

  static fit(z: Float64Array, end: number, periods: number[]): Profile {
    const p1 = periods[0] ?? 1;
    const blocks = periods[1] && periods[1] % p1 === 0 ? periods[1] / p1 : 1;
    const bySlot: number[][] = Array.from({ length: p1 }, () => []);
    for (let i = 0; i < end; i++) if (!Number.isNaN(z[i]!)) bySlot[i % p1]!.push(z[i]!);
    const all = median(bySlot.flat());
    const slot = Float64Array.from(bySlot, (s) => (s.length ? median(s) : all));
    const byBlock: number[][] = Array.from({ length: blocks }, () => []);
    if (blocks > 1) for (let i = 0; i < end; i++) if (!Number.isNaN(z[i]!)) byBlock[Math.floor(i / p1) % blocks]!.push(z[i]! - slot[i % p1]!);
    const block = Float64Array.from(byBlock, (s) => (s.length ? median(s) : 0));
    return new Profile(p1, blocks, slot, block);
  }

  at(i: number): number {
    return this.slot[i % this.p1]! + this.block[Math.floor(i / this.p1) % this.blocks]!;
  }

  /** Deviations from the profile, the last observed one carried forward over missing values (0 before the first). */
  deviations(z: Float64Array): Float64Array {
    const d = new Float64Array(z.length);
    let last = 0;
    for (let i = 0; i < z.length; i++) {
      if (!Number.isNaN(z[i]!)) last = z[i]! - this.at(i);
      d[i] = last;
    }
    return d;
  }
}

/** Solves the p×p system A x = b (A row-major) by Gaussian elimination with partial pivoting. */
function solve(A: Float64Array, b: Float64Array, p: number): Float64Array {
  const M = new Float64Array(p * (p + 1));
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) M[i * (p + 1) + j] = A[i * p + j]!;
    M[i * (p + 1) + p] = b[i]!;
  }
  const w = p + 1;
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(M[r * w + c]!) > Math.abs(M[piv * w + c]!)) piv = r;
    if (piv !== c) for (let j = 0; j < w; j++) [M[c * w + j], M[piv * w + j]] = [M[piv * w + j]!, M[c * w + j]!];
    const diag = M[c * w + c]! || 1e-12;
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const k = M[r * w + c]! / diag;
      if (k) for (let j = c; j < w; j++) M[r * w + j]! -= k * M[c * w + j]!;
    }
  }
  return Float64Array.from({ length: p }, (_, i) => M[i * w + p]! / (M[i * w + i]! || 1e-12));
}

/**
 * Least absolute deviations by iteratively reweighted least squares: rows of X (n × p, row-major),
 * targets y. A tiny ridge keeps a constant column solvable.
 */
export function lad(X: Float64Array, y: Float64Array, p: number, iterations = 6): Float64Array {
  const n = y.length;
  const w = new Float64Array(n).fill(1);
  let beta: Float64Array = new Float64Array(p);
  for (let it = 0; it < iterations; it++) {
    const A = new Float64Array(p * p);
    const b = new Float64Array(p);
    for (let r = 0; r < n; r++) {
      const o = r * p, wr = w[r]!, yr = y[r]!;
      for (let i = 0; i < p; i++) {
        const xi = X[o + i]! * wr;
        b[i]! += xi * yr;
        for (let j = i; j < p; j++) A[i * p + j]! += xi * X[o + j]!;
      }
    }
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < i; j++) A[i * p + j] = A[j * p + i]!;
      A[i * p + i]! += 1e-8 + 1e-6 * A[i * p + i]!;
    }
    beta = solve(A, b, p);
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let i = 0; i < p; i++) s += X[r * p + i]! * beta[i]!;
      w[r] = 1 / Math.max(1e-3, Math.abs(y[r]! - s));
    }
  }
  return beta;
}

/** The index of the last observed value at or before t (−1 when none). */
function lastObserved(z: Float64Array, t: number): number {
  while (t >= 0 && Number.isNaN(z[t]!)) t--;
  return t;
}

/** Mean reversion toward the profile with one robust φ. */
export function fitProfileAr(z: Float64Array, end: number, periods: number[]): ZModel & { phi: number; profile: Profile } {
  const profile = Profile.fit(z, end, periods);
  const xs: number[] = [], ys: number[] = [];
  for (let t = 0; t + 1 < end; t++) {
    if (Number.isNaN(z[t]!) || Number.isNaN(z[t + 1]!)) continue;
    xs.push(z[t]! - profile.at(t));
    ys.push(z[t + 1]! - profile.at(t + 1));
  }
  const phi = xs.length >= 3 ? Math.min(0.999, Math.max(0, lad(Float64Array.from(xs), Float64Array.from(ys), 1)[0]!)) : 0.5;
  return {
    phi,
    profile,
    forecastOrigins(zz, origins, H) {
      return origins.map((t) => {
        const last = lastObserved(zz, t);
        const d = last < 0 ? 0 : zz[last]! - profile.at(last);
        return Float64Array.from({ length: H }, (_, k) => profile.at(t + k + 1) + d * phi ** (t - last + k + 1));
      });
    },
  };
}

/** Direct regressions per horizon; horizons past the fitted ones continue by φ of profile-ar. */
export function fitDirect(z: Float64Array, end: number, periods: number[], horizon: number): ZModel {
  const base = fitProfileAr(z, end, periods);
  const { profile, phi } = base;
  const w1 = periods[0] ?? 8;
  const w2 = periods[1] ?? 4 * w1;
  const rise = Math.max(1, Math.round(w1 / 4));
  const P = 7;
  const features = (d: Float64Array, cum: Float64Array, t: number, out: Float64Array, o: number) => {
    const v = d[t]!;
    const a1 = Math.max(0, t + 1 - w1), a2 = Math.max(0, t + 1 - w2);
    out[o] = 1;
    out[o + 1] = v;
    out[o + 2] = Math.max(0, v);
    out[o + 3] = v * Math.abs(v);
    out[o + 4] = Math.max(0, v - d[Math.max(0, t - rise)]!);
    out[o + 5] = (cum[t + 1]! - cum[a1]!) / (t + 1 - a1);
    out[o + 6] = (cum[t + 1]! - cum[a2]!) / (t + 1 - a2);
  };
  const prep = (zz: Float64Array) => {
    const d = profile.deviations(zz);
    const cum = new Float64Array(d.length + 1);
    for (let i = 0; i < d.length; i++) cum[i + 1] = cum[i]! + d[i]!;
    return { d, cum };
  };
  const { d, cum } = prep(z);
  const X = new Float64Array(end * P);
  for (let t = 0; t < end; t++) features(d, cum, t, X, t * P);
  const groups = periods[0] && end / periods[0] >= 300 ? periods[0] : 1;
  const Hfit = Math.min(horizon, 48);
  // betas[h-1][g]
  const betas: Float64Array[][] = [];
  for (let h = 1; h <= Hfit; h++) {
    const row: Float64Array[] = [];
    for (let g = 0; g < groups; g++) {
      const idx: number[] = [];
      for (let t = Math.min(w2, Math.floor(end / 4)) + g; t + h < end; t += groups) if (!Number.isNaN(z[t]!) && !Number.isNaN(z[t + h]!)) idx.push(t);
      if (idx.length < 4 * P) {
        row.push(Float64Array.from({ length: P }, (_, i) => (i === 1 ? phi ** h : 0)));
        continue;
      }
      const Xg = new Float64Array(idx.length * P);
      const yg = new Float64Array(idx.length);
      idx.forEach((t, r) => {
        Xg.set(X.subarray(t * P, t * P + P), r * P);
        yg[r] = z[t + h]! - profile.at(t + h);
      });
      row.push(lad(Xg, yg, P));
    }
    betas.push(row);
  }
  return {
    forecastOrigins(zz, origins, H) {
      const { d: dd, cum: cc } = zz === z ? { d, cum } : prep(zz);
      const x = new Float64Array(P);
      return origins.map((t) => {
        features(dd, cc, t, x, 0);
        const out = new Float64Array(H);
        let dev = 0;
        for (let h = 1; h <= H; h++) {
          if (h <= Hfit) {
            const beta = betas[h - 1]![groups > 1 ? t % groups : 0]!;
            dev = 0;
            for (let i = 0; i < P; i++) dev += x[i]! * beta[i]!;
          } else dev *= phi;
          out[h - 1] = profile.at(t + h) + dev;
        }
        return out;
      });
    },
  };
}

/** Nelder–Mead minimisation of f over R^n from x0. */
export function nelderMead(f: (x: number[]) => number, x0: number[], maxEvals = 400, scale = 1): number[] {
  const n = x0.length;
  let simplex = [x0, ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + scale : v)))].map((x) => ({ x, f: f(x) }));
  let evals = n + 1;
  while (evals < maxEvals) {
    simplex.sort((a, b) => a.f - b.f);
    const best = simplex[0]!, worst = simplex[n]!, second = simplex[n - 1]!;
    if (Math.abs(worst.f - best.f) <= 1e-10 * (Math.abs(best.f) + 1e-12)) break;
    const centroid = x0.map((_, j) => simplex.slice(0, n).reduce((s, p) => s + p.x[j]!, 0) / n);
    const at = (t: number) => centroid.map((c, j) => c + t * (worst.x[j]! - c));
    const r = at(-1), fr = f(r);
    evals++;
    if (fr < best.f) {
      const e = at(-2), fe = f(e);
      evals++;
      simplex[n] = fe < fr ? { x: e, f: fe } : { x: r, f: fr };
    } else if (fr < second.f) {
      simplex[n] = { x: r, f: fr };
    } else {
      const c = at(fr < worst.f ? -0.5 : 0.5), fc = f(c);
      evals++;
      if (fc < Math.min(fr, worst.f)) simplex[n] = { x: c, f: fc };
      else {
        simplex = simplex.map((p, i) => (i === 0 ? p : { x: p.x.map((v, j) => best.x[j]! + 0.5 * (v - best.x[j]!)), f: NaN }));
        for (const p of simplex.slice(1)) p.f = f(p.x);
        evals += n;
      }
    }
  }
  simplex.sort((a, b) => a.f - b.f);
  return simplex[0]!.x;
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));

interface HwParams { alpha: number; beta: number; gamma: number; omega: number; phi: number; lambda: number }

/** Double-seasonal Holt–Winters (Taylor 2003): level, damped trend, two seasonal components, AR(1) error. */
export function fitHoltWinters(z: Float64Array, end: number, periods: number[]): ZModel & { params: HwParams } {
  const profile = Profile.fit(z, end, periods);
  const p1 = Math.max(1, periods[0] ?? 1);
  const p2 = periods[1] ?? p1;
  const s1Init = Float64Array.from(profile.slot);
  // the second seasonal component starts from the median of each of its slots, less the first's
  const s2Init = new Float64Array(p2);
  if (p2 !== p1) {
    const week = Profile.fit(z, end, [p2]);
    for (let j = 0; j < p2; j++) s2Init[j] = week.slot[j]! - s1Init[j % p1]!;
  }
  let firstObs = 0;
  while (firstObs < end && Number.isNaN(z[firstObs]!)) firstObs++;
  const l0 = firstObs < end ? z[firstObs]! - profile.at(firstObs) : 0;
  const toParams = (x: number[]): HwParams => ({
    alpha: logistic(x[0]!), beta: 0.1 * logistic(x[1]!), gamma: logistic(x[2]!), omega: logistic(x[3]!),
    phi: 0.8 + 0.2 * logistic(x[4]!), lambda: logistic(x[5]!),
  });
  /** Runs the filter over zz[0..upto); calls visit(t, state) after each step; returns the mean squared one-step error. */
  const run = (zz: Float64Array, upto: number, pr: HwParams, visit?: (t: number, l: number, b: number, s1: Float64Array, s2: Float64Array, e: number) => void) => {
    const s1 = Float64Array.from(s1Init), s2 = Float64Array.from(s2Init);
    let l = l0, b = 0, e = 0, sse = 0, n = 0;
    const burn = Math.min(p2, Math.floor(upto / 4));
    for (let t = 0; t < upto; t++) {
      const i1 = t % p1, i2 = t % p2;
      const base = l + pr.phi * b + s1[i1]! + s2[i2]!;
      const v = zz[t]!;
      let u = 0;
      if (Number.isNaN(v)) e = pr.lambda * e;
      else {
        const raw = v - base;
        u = raw - pr.lambda * e;
        e = raw;
        if (t >= burn) {
          sse += u * u;
          n++;
        }
      }
      l = l + pr.phi * b + pr.alpha * u;
      b = pr.phi * b + pr.beta * u;
      s1[i1]! += pr.gamma * u;
      if (p2 !== p1) s2[i2]! += pr.omega * u;
      visit?.(t, l, b, s1, s2, e);
    }
    return n ? sse / n : 0;
  };
  const x = nelderMead((x) => run(z, end, toParams(x)), [-1, -3, -2, -2, 1, 0], 300);
  const params = toParams(x);
  return {
    params,
    forecastOrigins(zz, origins, H) {
      const out: Float64Array[] = new Array(origins.length);
      const order = origins.map((t, k) => [t, k] as const).sort((a, c) => a[0] - c[0]);
      let next = 0;
      const upto = order.length ? order[order.length - 1]![0] + 1 : 0;
      run(zz, upto, params, (t, l, b, s1, s2, e) => {
        while (next < order.length && order[next]![0] === t) {
          const f = new Float64Array(H);
          let damp = 0, pw = 1, ew = e;
          for (let h = 1; h <= H; h++) {
            pw *= params.phi;
            damp += pw;
            ew *= params.lambda;
            f[h - 1] = l + damp * b + s1[(t + h) % p1]! + s2[(t + h) % p2]! + ew;
          }
          out[order[next]![1]] = f;
          next++;
        }
      });
      return out;
    },
  };
}

/** A fitted candidate by name. */
export function fitModel(method: Method, z: Float64Array, end: number, periods: number[], horizon: number): ZModel {
  if (method === 'profile-ar') return fitProfileAr(z, end, periods);
  if (method === 'direct') return fitDirect(z, end, periods, horizon);
  if (method === 'holt-winters') return fitHoltWinters(z, end, periods);
  const a = fitDirect(z, end, periods, horizon), b = fitHoltWinters(z, end, periods);
  return {
    forecastOrigins(zz, origins, H) {
      const fa = a.forecastOrigins(zz, origins, H), fb = b.forecastOrigins(zz, origins, H);
      return fa.map((f, k) => f.map((v, h) => (v + fb[k]![h]!) / 2));
    },
  };
}
