import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModel, DEFAULT_MODEL_FILE, type FailureModel } from '../../src/model/artifact.js';
import { formatComparisons } from '../../src/model/evaluate.js';
import { evaluateHeldOut, trainOnSimulatedPlant } from '../../src/pipeline/heldOutPlants.js';
import { ROOT, tempDataDir } from '../support/cli.js';

const shipped = checkModel(
  JSON.parse(fs.readFileSync(path.join(ROOT, DEFAULT_MODEL_FILE), 'utf8')),
  DEFAULT_MODEL_FILE,
);

/** What a retrain must reproduce exactly: everything but the provenance (id, data snapshot, creation time). */
const learned = (m: FailureModel) => ({
  kind: m.kind,
  features: m.features,
  standardisation: m.standardisation,
  coefficients: m.coefficients,
  intercept: m.intercept,
  lambda: m.lambda,
  threshold: m.threshold,
  horizonDays: m.horizonDays,
  training: m.training,
  validation: m.validation,
  selection: m.selection,
  metrics: m.metrics,
});

describe('the default failure model (models/default.json, `npm run model:default`)', () => {
  it('retraining on the seed-101 plant gives the same model; provenance is present', async () => {
    const dir = tempDataDir('default-model');
    const retrained = await trainOnSimulatedPlant({ dir: path.join(dir, 'plant') });
    expect(learned(retrained)).toEqual(learned(shipped));
    expect(shipped.id).toMatch(/^[0-9a-f]{16}$/);
    expect(shipped.dataSnapshot.lakeFingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(shipped.dataSnapshot.simulated).toEqual({ seed: 101, devices: 60, days: 45 });
    expect(Number.isNaN(Date.parse(shipped.createdAt))).toBe(false);
  }, 300_000);

  it('beats the reference score on held-out plants (seeds 202 and 303): ROC AUC and precision@3', async () => {
    const started = Date.now();
    const comparisons = await evaluateHeldOut({ model: shipped, dir: tempDataDir('held-out') });
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `${formatComparisons([{ label: 'seed 101 validation', ...shipped.metrics.validation }, ...comparisons])}\n` +
        `held-out evaluation: ${seconds.toFixed(1)} s; ROC AUC ≥ 0.80 on both: ${comparisons.every((c) => c.model.rocAuc! >= 0.8)}`,
    );
    expect(comparisons.map((c) => c.label)).toEqual(['held-out seed 202', 'held-out seed 303']);
    for (const c of comparisons) {
      expect(c.model.rows).toBeGreaterThan(1000);
      expect(c.model.rocAuc!, c.label).toBeGreaterThan(c.reference.rocAuc!);
      expect(c.model.precisionAtK!, c.label).toBeGreaterThan(c.reference.precisionAtK!);
      // Probabilities: a Brier score below the reference's, whose 0–1 score is not one.
      expect(c.model.brier!, c.label).toBeLessThan(c.reference.brier!);
    }
  }, 300_000);
});
