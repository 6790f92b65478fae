import { KitError } from '../errors.js';

/** Per-feature mean and standard deviation (population) of the training rows; a constant feature gets 1. */
export interface Standardisation {
  mean: number[];
  std: number[];
}

/** A fitted logistic regression on standardised features. */
export interface LogisticFit {
  coefficients: number[];
  intercept: number;
  /** Newton steps taken. */
  iterations: number;
}

export function standardisation(x: readonly (readonly number[])[]): Standardisation {
  if (x.length === 0) throw new KitError('model standardisation: no rows');
  const width = x[0]!.length;
  const mean = Array.from({ length: width }, (_, j) => x.reduce((s, r) => s + r[j]!, 0) / x.length);
  const std = mean.map((m, j) => {
    const sd = Math.sqrt(x.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / x.length);
    return sd > 1e-12 ? sd : 1;
  });
  return { mean, std };
}

export function standardise(row: readonly number[], s: Standardisation): number[] {
  return row.map((v, j) => (v - s.mean[j]!) / s.std[j]!);
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** The probability the fit gives a standardised row. */
export function predict(fit: Pick<LogisticFit, 'coefficients' | 'intercept'>, z: readonly number[]): number {
  let s = fit.intercept;
  for (let j = 0; j < z.length; j++) s += fit.coefficients[j]! * z[j]!;
  return sigmoid(s);
}

/** Solves A·x = b (A symmetric positive definite here) by Gaussian elimination with partial pivoting. */
export function solve(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-300) throw new KitError(`model fit: singular system at column ${col}`);
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = col + 1; r < n; r++) {
      const f = m[r]![col]! / m[col]![col]!;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let c = r + 1; c < n; c++) s -= m[r]![c]! * x[c]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

/** Mean log loss plus (λ/2)·‖w‖² (the intercept is not penalised): what the fit minimises. */
export function penalisedLoss(
  z: readonly (readonly number[])[],
  y: readonly boolean[],
  fit: Pick<LogisticFit, 'coefficients' | 'intercept'>,
  lambda: number,
): number {
  let loss = 0;
  for (let i = 0; i < z.length; i++) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, predict(fit, z[i]!)));
    loss -= y[i] ? Math.log(p) : Math.log(1 - p);
  }
  return loss / z.length + (lambda / 2) * fit.coefficients.reduce((s, w) => s + w * w, 0);
}

/**
 * L2-regularised logistic regression by Newton's method (IRLS) with step halving, from all-zero weights:
 * deterministic (no random start, no shuffling), so the same rows always give the same fit.
 * `z` are standardised rows; `lambda` > 0 the penalty on the mean log loss.
 * @example const fit = fitLogistic([[0], [1]], [false, true], 0.1);
 */
export function fitLogistic(
  z: readonly (readonly number[])[],
  y: readonly boolean[],
  lambda: number,
  maxIterations = 100,
): LogisticFit {
  if (z.length === 0 || z.length !== y.length)
    throw new KitError(`model fit: ${z.length} rows, ${y.length} labels`);
  if (!(lambda > 0)) throw new KitError(`model fit: lambda must be positive, got ${lambda}`);
  const bad = z.findIndex((row) => !row.every(Number.isFinite));
  if (bad >= 0) throw new KitError(`model fit: row ${bad} has a feature that is not a finite number`);
  const width = z[0]!.length;
  const n = z.length;
  // Parameters: [intercept, w_1 … w_width].
  let theta = new Array<number>(width + 1).fill(0);
  const asFit = (t: number[]) => ({ intercept: t[0]!, coefficients: t.slice(1) });
  let loss = penalisedLoss(z, y, asFit(theta), lambda);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const grad = new Array<number>(width + 1).fill(0);
    const hess = Array.from({ length: width + 1 }, () => new Array<number>(width + 1).fill(0));
    for (let i = 0; i < n; i++) {
      const row = [1, ...z[i]!];
      const p = predict(asFit(theta), z[i]!);
      const r = p - (y[i] ? 1 : 0);
      const w = p * (1 - p);
      for (let a = 0; a <= width; a++) {
        grad[a]! += (r * row[a]!) / n;
        for (let b = a; b <= width; b++) hess[a]![b]! += (w * row[a]! * row[b]!) / n;
      }
    }
    for (let a = 1; a <= width; a++) {
      grad[a]! += lambda * theta[a]!;
      hess[a]![a]! += lambda;
    }
    for (let a = 0; a <= width; a++) for (let b = 0; b < a; b++) hess[a]![b] = hess[b]![a]!;
    // A tiny ridge on the intercept keeps the system solvable when every p is 0 or 1.
    hess[0]![0]! += 1e-12;
    const step = solve(hess, grad);
    let scale = 1;
    let next = theta;
    let nextLoss = loss;
    for (let halvings = 0; halvings < 30; halvings++) {
      next = theta.map((t, a) => t - scale * step[a]!);
      nextLoss = penalisedLoss(z, y, asFit(next), lambda);
      if (nextLoss <= loss) break;
      scale /= 2;
    }
    if (nextLoss > loss) break;
    const change = Math.max(...next.map((t, a) => Math.abs(t - theta[a]!)));
    theta = next;
    loss = nextLoss;
    if (change < 1e-10) {
      iterations++;
      break;
    }
  }
  return { ...asFit(theta), iterations };
}
