import { InvalidArgumentError } from '../errors.js';
import { addDays } from '../time/utcTime.js';
import type { DeviceDay } from './dataset.js';
import { type ScoreMetrics, scoreMetrics } from './evaluate.js';
import { fitLogistic, predict, standardisation, standardise } from './logistic.js';

/** The penalties tried; the one with the best validation ROC AUC wins (ties: the stronger penalty). */
export const LAMBDAS = [0.3, 0.1, 0.03, 0.01, 0.003, 0.001, 0.0003] as const;

export interface TrainOptions {
  featureNames: readonly string[];
  /** H: the label window (D, D+H]. */
  horizonDays: number;
  /** Share of the labelled days (the newest) kept for validation. Default 0.25. */
  validationShare?: number;
  lambdas?: readonly number[];
  /** P0 precision@k. Default 3. */
  k?: number;
}

/** What training decided and measured (the artifact adds provenance). */
export interface Trained {
  features: string[];
  standardisation: { mean: number[]; std: number[] };
  coefficients: number[];
  intercept: number;
  lambda: number;
  /** Model P0: score > threshold. Flags as many training device-days as failure_risk_score > 0.7 did. */
  threshold: number;
  horizonDays: number;
  training: { from: string; to: string; rows: number; positives: number };
  validation: { from: string; to: string; rows: number; positives: number };
  /** Validation ROC AUC per penalty tried. */
  selection: { lambda: number; rocAuc: number | null }[];
  metrics: { validation: { model: ScoreMetrics; reference: ScoreMetrics } };
}

/** Rounds to 10 significant digits, so a stored model reads back and compares exactly. */
export function round10(x: number): number {
  return x === 0 ? 0 : Number(x.toPrecision(10));
}

/**
 * The time split with an embargo: the newest `share` of the labelled days validate; a training row's label
 * window (D, D+H] must end before the validation start, so rows with D + H ≥ start are left out of both.
 */
export function timeSplit<T extends { day: string; label: boolean | null }>(
  rows: readonly T[],
  horizonDays: number,
  share = 0.25,
): { training: T[]; validation: T[]; validationStart: string } {
  const labelled = rows.filter((r) => r.label !== null);
  const days = [...new Set(labelled.map((r) => r.day))].sort();
  const validationDays = Math.max(1, Math.ceil(days.length * share));
  if (days.length < validationDays + horizonDays + 1)
    throw new InvalidArgumentError(
      `model train: ${days.length} labelled day(s) are too few for a validation of ${validationDays} day(s) after an embargo of ${horizonDays}`,
    );
  const validationStart = days[days.length - validationDays]!;
  return {
    training: labelled.filter((r) => addDays(r.day, horizonDays) < validationStart),
    validation: labelled.filter((r) => r.day >= validationStart),
    validationStart,
  };
}

/**
 * A threshold with exactly n scores above it (fewer on ties): halfway between the n-th and (n+1)-th highest
 * score, so it survives rounding; 1 when n is 0, 0 when n covers every score.
 */
export function thresholdFlagging(scores: readonly number[], n: number): number {
  if (n <= 0) return 1;
  const sorted = [...scores].sort((a, b) => b - a);
  return n >= sorted.length ? 0 : (sorted[n - 1]! + sorted[n]!) / 2;
}

function range(rows: readonly DeviceDay[]): { from: string; to: string; rows: number; positives: number } {
  return {
    from: rows[0]!.day,
    to: rows[rows.length - 1]!.day,
    rows: rows.length,
    positives: rows.filter((r) => r.label).length,
  };
}

/**
 * Trains the failure model on device-days ordered by date: standardisation from the training rows,
 * L2-regularised logistic regression per penalty, the penalty chosen on the validation days (ROC AUC), the
 * P0 threshold matched to the reference's > 0.7 count on the training rows. Deterministic.
 */
export function trainFailureModel(rows: readonly DeviceDay[], options: TrainOptions): Trained {
  const k = options.k ?? 3;
  const { training, validation } = timeSplit(rows, options.horizonDays, options.validationShare);
  for (const [name, part] of [
    ['training', training],
    ['validation', validation],
  ] as const) {
    const positives = part.filter((r) => r.label).length;
    if (positives === 0 || positives === part.length)
      throw new InvalidArgumentError(
        `model train: the ${name} days (${part.length} device-days) hold ${positives === 0 ? 'no failure' : 'only failures'}; train on a longer range`,
      );
  }
  const s = standardisation(training.map((r) => r.features));
  const zTrain = training.map((r) => standardise(r.features, s));
  const zValid = validation.map((r) => standardise(r.features, s));
  const yTrain = training.map((r) => r.label === true);
  let best: { lambda: number; fit: ReturnType<typeof fitLogistic>; auc: number } | undefined;
  const selection: Trained['selection'] = [];
  for (const lambda of options.lambdas ?? LAMBDAS) {
    const fit = fitLogistic(zTrain, yTrain, lambda);
    const scored = validation.map((r, i) => ({
      ...r,
      score: predict(fit, zValid[i]!),
      label: r.label === true,
    }));
    const auc = scoreMetrics(scored, k).rocAuc;
    selection.push({ lambda, rocAuc: auc });
    if (auc !== null && (best === undefined || auc > best.auc + 1e-12)) best = { lambda, fit, auc };
  }
  if (best === undefined) throw new InvalidArgumentError('model train: no penalty gave a validation ROC AUC');
  const fitted = {
    coefficients: best.fit.coefficients.map(round10),
    intercept: round10(best.fit.intercept),
  };
  const standard = { mean: s.mean.map(round10), std: s.std.map(round10) };
  const score = (r: DeviceDay) => predict(fitted, standardise(r.features, standard));
  const trainScores = training.map(score);
  const referenceP0 = training.filter((r) => r.reference > 0.7).length;
  const asRows = (part: readonly DeviceDay[], by: (r: DeviceDay) => number) =>
    part.map((r) => ({ device_id: r.device_id, day: r.day, score: by(r), label: r.label === true }));
  return {
    features: [...options.featureNames],
    standardisation: standard,
    ...fitted,
    lambda: best.lambda,
    threshold: round10(thresholdFlagging(trainScores, referenceP0)),
    horizonDays: options.horizonDays,
    training: range(training),
    validation: range(validation),
    selection,
    metrics: {
      validation: {
        model: scoreMetrics(asRows(validation, score), k),
        reference: scoreMetrics(
          asRows(validation, (r) => r.reference),
          k,
        ),
      },
    },
  };
}
