/**
 * Expectation–maximisation over comparison patterns (Fellegi–Sunter with u fixed, as Splink trains):
 * pairs are grouped by their gamma vector in DuckDB, so an iteration costs the number of distinct
 * patterns, not the number of pairs. Comparisons marked inactive (fixed by the pass's blocking rule)
 * neither enter the likelihood nor get a new m.
 */

export interface Pattern {
  /** Level index per comparison; -1 = null (no evidence). */
  gammas: number[];
  count: number;
}

export interface EmOptions {
  /** Which comparisons this pass estimates (and uses). */
  active: boolean[];
  /** Keep m fixed and estimate lambda only. */
  lambdaOnly?: boolean;
  maxIterations?: number;
  /** Stop when no parameter moves more than this. */
  tolerance?: number;
}

export interface EmResult {
  m: number[][];
  lambda: number;
  iterations: number;
}

const FLOOR = 1e-9;

/** Run EM from the given m (per comparison, per level incl. else), u and lambda. */
export function runEm(patterns: Pattern[], m0: number[][], u: number[][], lambda0: number, o: EmOptions): EmResult {
  const maxIt = o.maxIterations ?? 25;
  const tol = o.tolerance ?? 1e-4;
  let m = m0.map((row) => [...row]);
  let lambda = lambda0;
  let iterations = 0;
  const K = m.length;
  for (let it = 0; it < maxIt; it++) {
    iterations = it + 1;
    const mSum = m.map((row) => row.map(() => 0));
    const mTot = m.map(() => 0);
    let matchSum = 0;
    let all = 0;
    for (const p of patterns) {
      let pm = lambda;
      let pu = 1 - lambda;
      for (let k = 0; k < K; k++) {
        const g = p.gammas[k]!;
        if (!o.active[k] || g < 0) continue;
        pm *= Math.max(m[k]![g]!, FLOOR);
        pu *= Math.max(u[k]![g]!, FLOOR);
      }
      const w = (pm / (pm + pu)) * p.count;
      matchSum += w;
      all += p.count;
      for (let k = 0; k < K; k++) {
        const g = p.gammas[k]!;
        if (!o.active[k] || g < 0) continue;
        mSum[k]![g]! += w;
        mTot[k]! += w;
      }
    }
    const newLambda = Math.min(1 - FLOOR, Math.max(FLOOR, all ? matchSum / all : lambda));
    const newM = o.lambdaOnly ? m : m.map((row, k) => (o.active[k] && mTot[k]! > 0 ? row.map((_, j) => mSum[k]![j]! / mTot[k]!) : row));
    let delta = Math.abs(newLambda - lambda);
    for (let k = 0; k < K; k++) for (let j = 0; j < m[k]!.length; j++) delta = Math.max(delta, Math.abs(newM[k]![j]! - m[k]![j]!));
    m = newM;
    lambda = newLambda;
    if (delta < tol) break;
  }
  return { m, lambda, iterations };
}

/** Starting m: most of the mass on the most similar level, falling off towards "else". */
export function initialM(levels: number): number[] {
  const raw = Array.from({ length: levels }, (_, j) => (j === 0 ? 0.9 * levels : 1 / (j + 1)));
  const s = raw.reduce((a, b) => a + b, 0);
  return raw.map((x) => x / s);
}
