import { describe, expect, it } from 'vitest';
import {
  fitLogistic,
  penalisedLoss,
  predict,
  solve,
  standardisation,
  standardise,
} from '../../src/model/logistic.js';
import { Random } from '../../src/util/random.js';

/** 400 rows of 3 features; the outcome follows 1.5·x0 − 1·x1 (x2 is noise), drawn from a seeded PRNG. */
function synthetic(seed: number): { x: number[][]; y: boolean[] } {
  const random = new Random(seed);
  const rand = () => random.drawFloat();
  const x: number[][] = [];
  const y: boolean[] = [];
  for (let i = 0; i < 400; i++) {
    const row = [rand() * 4 - 2, rand() * 4 - 2, rand() * 4 - 2];
    x.push(row);
    y.push(rand() < 1 / (1 + Math.exp(-(0.5 + 1.5 * row[0]! - row[1]!))));
  }
  return { x, y };
}

describe('the failure model: L2-regularised logistic regression', () => {
  it('solves a linear system', () => {
    const x = solve(
      [
        [4, 1],
        [1, 3],
      ],
      [1, 2],
    );
    expect(x[0]).toBeCloseTo(1 / 11, 12);
    expect(x[1]).toBeCloseTo(7 / 11, 12);
  });

  it('standardises by the training mean and population standard deviation; a constant feature keeps scale 1', () => {
    const s = standardisation([
      [1, 5],
      [3, 5],
    ]);
    expect(s).toEqual({ mean: [2, 5], std: [1, 1] });
    expect(standardise([3, 5], s)).toEqual([1, 0]);
  });

  it('reaches the penalised optimum (zero gradient), recovers the signs, and a stronger penalty shrinks the weights', () => {
    const { x, y } = synthetic(5);
    const s = standardisation(x);
    const z = x.map((r) => standardise(r, s));
    const fit = fitLogistic(z, y, 0.01);
    // Gradient of the mean log loss + (λ/2)‖w‖² at the fit.
    const grad = [0, 0, 0, 0];
    for (let i = 0; i < z.length; i++) {
      const r = predict(fit, z[i]!) - (y[i] ? 1 : 0);
      grad[0]! += r / z.length;
      for (let j = 0; j < 3; j++) grad[j + 1]! += (r * z[i]![j]!) / z.length;
    }
    for (let j = 0; j < 3; j++) grad[j + 1]! += 0.01 * fit.coefficients[j]!;
    for (const g of grad) expect(Math.abs(g)).toBeLessThan(1e-9);
    expect(fit.coefficients[0]).toBeGreaterThan(1);
    expect(fit.coefficients[1]).toBeLessThan(-0.5);
    expect(Math.abs(fit.coefficients[2]!)).toBeLessThan(0.3);
    const strong = fitLogistic(z, y, 1);
    const norm = (w: number[]) => Math.hypot(...w);
    expect(norm(strong.coefficients)).toBeLessThan(norm(fit.coefficients));
    // A nudge away from the fit only raises the penalised loss.
    const loss = penalisedLoss(z, y, fit, 0.01);
    const nudged = { ...fit, coefficients: fit.coefficients.map((w, j) => (j === 0 ? w + 0.01 : w)) };
    expect(penalisedLoss(z, y, nudged, 0.01)).toBeGreaterThan(loss);
  });

  it('is deterministic: the same rows give the same fit, to the bit', () => {
    const { x, y } = synthetic(9);
    const z = x.map((r) => standardise(r, standardisation(x)));
    expect(fitLogistic(z, y, 0.003)).toEqual(fitLogistic(z, y, 0.003));
  });

  it('stays finite on separable data and rejects non-finite features and a non-positive penalty', () => {
    const z = [[-2], [-1], [1], [2]];
    const fit = fitLogistic(z, [false, false, true, true], 0.001);
    expect(Number.isFinite(fit.coefficients[0])).toBe(true);
    expect(predict(fit, [2])).toBeGreaterThan(0.9);
    expect(() => fitLogistic([[Number.NaN]], [true], 0.1)).toThrow(/not a finite number/);
    expect(() => fitLogistic(z, [false, false, true, true], 0)).toThrow(/lambda must be positive/);
  });
});
