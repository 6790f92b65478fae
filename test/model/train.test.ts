import { describe, expect, it } from 'vitest';
import type { DeviceDay } from '../../src/model/dataset.js';
import { brierScore, calibrationBins, prAuc, precisionAtK } from '../../src/model/metrics.js';
import { thresholdFlagging, timeSplit, trainFailureModel } from '../../src/model/train.js';
import { addDays } from '../../src/time/utcTime.js';
import { Random } from '../../src/util/random.js';

/** 20 devices × 40 days; a device fails more often the hotter it runs (feature 0), feature 1 is noise. */
function plant(seed: number): DeviceDay[] {
  const random = new Random(seed);
  const rows: DeviceDay[] = [];
  for (let day = 0; day < 40; day++)
    for (let d = 0; d < 20; d++) {
      const heat = random.drawGaussian();
      const noise = random.drawGaussian();
      const label = day >= 37 ? null : random.drawFloat() < 1 / (1 + Math.exp(-(2 * heat - 1)));
      rows.push({
        device_id: `device_${d}`,
        day: addDays('2025-04-01', day),
        features: [heat, noise],
        label,
        reference: Math.min(1, Math.max(0, 0.5 + 0.2 * heat + 0.3 * noise)),
      });
    }
  return rows;
}

describe('training the failure model', () => {
  it('embargo: no training row’s label window (D, D+H] reaches the validation start; unlabelled rows stay out', () => {
    const rows = plant(1);
    const { training, validation, validationStart } = timeSplit(rows, 3, 0.25);
    // 37 labelled days: the newest 10 validate, from 2025-04-28; training ends 3 days before.
    expect(validationStart).toBe('2025-04-28');
    expect(training.every((r) => addDays(r.day, 3) < validationStart)).toBe(true);
    expect(training.at(-1)!.day).toBe('2025-04-24');
    expect(validation.every((r) => r.day >= validationStart && r.label !== null)).toBe(true);
    expect(validation.length).toBe(10 * 20);
    // The embargoed days (04-25 … 04-27) are in neither part.
    const used = new Set([...training, ...validation].map((r) => r.day));
    for (const day of ['2025-04-25', '2025-04-26', '2025-04-27']) expect(used.has(day)).toBe(false);
    expect(() => timeSplit(rows.slice(0, 20 * 4), 3)).toThrow(/too few/);
  });

  it('is deterministic, picks the penalty on validation, and beats the reference where the signal is', () => {
    const options = { featureNames: ['heat', 'noise'], horizonDays: 3 };
    const a = trainFailureModel(plant(2), options);
    expect(trainFailureModel(plant(2), options)).toEqual(a);
    expect(a.selection.map((s) => s.lambda)).toContain(a.lambda);
    const bestAuc = Math.max(...a.selection.map((s) => s.rocAuc ?? 0));
    expect(a.selection.find((s) => s.lambda === a.lambda)!.rocAuc).toBe(bestAuc);
    expect(a.coefficients[0]).toBeGreaterThan(Math.abs(a.coefficients[1]!));
    expect(a.metrics.validation.model.rocAuc!).toBeGreaterThan(a.metrics.validation.reference.rocAuc!);
    for (const b of a.metrics.validation.model.calibration) expect(b.meanScore).toBeLessThanOrEqual(1);
  });

  it('sets the P0 threshold to flag as many training device-days as the reference’s > 0.7 did', () => {
    expect(thresholdFlagging([0.9, 0.1, 0.5, 0.7], 2)).toBe(0.6);
    expect(thresholdFlagging([0.9, 0.1], 0)).toBe(1);
    expect(thresholdFlagging([0.9, 0.1], 5)).toBe(0);
    const rows = plant(3);
    const model = trainFailureModel(rows, { featureNames: ['heat', 'noise'], horizonDays: 3 });
    const { training } = timeSplit(rows, 3);
    const referenceP0 = training.filter((r) => r.reference > 0.7).length;
    const score = (r: DeviceDay) => {
      let s = model.intercept;
      r.features.forEach((v, j) => {
        s += (model.coefficients[j]! * (v - model.standardisation.mean[j]!)) / model.standardisation.std[j]!;
      });
      return 1 / (1 + Math.exp(-s));
    };
    expect(referenceP0).toBeGreaterThan(0);
    expect(training.filter((r) => score(r) > model.threshold).length).toBe(referenceP0);
  });

  it('refuses a range without failures in training or validation', () => {
    const rows = plant(4).map((r) => ({ ...r, label: r.label === null ? null : false }));
    expect(() => trainFailureModel(rows, { featureNames: ['heat', 'noise'], horizonDays: 3 })).toThrow(
      /training days .* hold no failure/,
    );
  });
});

describe('the measures beside ROC AUC', () => {
  const rows = [
    { device_id: 'a', day: '1', score: 0.9, label: true },
    { device_id: 'b', day: '1', score: 0.8, label: false },
    { device_id: 'c', day: '1', score: 0.3, label: true },
    { device_id: 'a', day: '2', score: 0.2, label: false },
  ];
  it('PR AUC is the average precision; precision@k averages days; Brier and calibration by hand', () => {
    // Positives enter at ranks 1 and 3: (1/1 + 2/3) / 2.
    expect(prAuc(rows)).toBeCloseTo(5 / 6, 12);
    expect(prAuc(rows.map((r) => ({ ...r, label: false })))).toBeNull();
    // Day 1 top 2: a (yes), b (no) = 0.5; day 2: a (no) = 0.
    expect(precisionAtK(rows, 2)).toBe(0.25);
    expect(brierScore(rows)).toBeCloseTo((0.01 + 0.64 + 0.49 + 0.04) / 4, 12);
    expect(calibrationBins(rows, 2)).toEqual([
      { from: 0, to: 0.5, rows: 2, meanScore: 0.25, observed: 0.5 },
      { from: 0.5, to: 1, rows: 2, meanScore: 0.8500000000000001, observed: 0.5 },
    ]);
  });
});
