import { formatTextTable } from '../util/formatTable.js';
import type { FailureModel } from './artifact.js';
import type { DeviceDay } from './dataset.js';
import { predict, standardise } from './logistic.js';
import {
  brierScore,
  type CalibrationBin,
  calibrationBins,
  prAuc,
  precisionAtK,
  rocAuc,
  rocCurve,
} from './metrics.js';

/** How well one score ranks and predicts the labelled device-days. */
export interface ScoreMetrics {
  rows: number;
  positives: number;
  rocAuc: number | null;
  prAuc: number | null;
  /** Each day's k highest-scored devices: the share that failed within the horizon, averaged over days. */
  precisionAtK: number | null;
  k: number;
  /** Mean squared error of the score as a probability (lower is better). */
  brier: number | null;
  calibration: CalibrationBin[];
}

/** Rounds to 10 significant digits (stored metrics compare exactly after a round trip). */
const r10 = (x: number | null) => (x === null || x === 0 ? x : Number(x.toPrecision(10)));

/** Every measure of one score over labelled rows. */
export function scoreMetrics(
  rows: readonly { device_id: string; day: string; score: number; label: boolean }[],
  k = 3,
): ScoreMetrics {
  return {
    rows: rows.length,
    positives: rows.filter((r) => r.label).length,
    rocAuc: r10(rocAuc(rows)),
    prAuc: r10(prAuc(rows)),
    precisionAtK: r10(precisionAtK(rows, k)),
    k,
    brier: r10(brierScore(rows)),
    calibration: calibrationBins(rows).map((b) => ({
      ...b,
      meanScore: r10(b.meanScore)!,
      observed: r10(b.observed)!,
    })),
  };
}

/** The model's probability for one device-day (the same formula the scoring SQL evaluates). */
export function modelScore(
  model: Pick<FailureModel, 'standardisation' | 'coefficients' | 'intercept'>,
  row: DeviceDay,
): number {
  return predict(model, standardise(row.features, model.standardisation));
}

/** The reference score and the model side by side on the labelled device-days given. */
export interface Comparison {
  label: string;
  reference: ScoreMetrics;
  model: ScoreMetrics;
  /** ROC curves, for charts. */
  roc: { reference: ReturnType<typeof rocCurve>; model: ReturnType<typeof rocCurve> };
}

/**
 * Scores labelled device-days with the reference's failure_risk_score and with the model, and measures
 * both (ROC AUC, PR AUC, precision@k per day, Brier, calibration bins).
 * @example const c = compareScores('seed 202', rows, model); console.log(c.model.rocAuc, c.reference.rocAuc);
 */
export function compareScores(
  label: string,
  rows: readonly DeviceDay[],
  model: Pick<FailureModel, 'standardisation' | 'coefficients' | 'intercept'>,
  k = 3,
): Comparison {
  const labelled = rows.filter((r) => r.label !== null);
  const as = (by: (r: DeviceDay) => number) =>
    labelled.map((r) => ({ device_id: r.device_id, day: r.day, score: by(r), label: r.label === true }));
  const reference = as((r) => r.reference);
  const scored = as((r) => modelScore(model, r));
  return {
    label,
    reference: scoreMetrics(reference, k),
    model: scoreMetrics(scored, k),
    roc: { reference: rocCurve(reference), model: rocCurve(scored) },
  };
}

/** One line per plant and score: the measures side by side, as a text table. */
export function formatComparisons(
  comparisons: readonly Pick<Comparison, 'label' | 'reference' | 'model'>[],
): string {
  const fixed = (x: number | null) => (x === null ? '–' : x.toFixed(3));
  const rows = comparisons.flatMap((c) =>
    (['reference', 'model'] as const).map((score) => ({
      plant: c.label,
      score,
      'device-days': c[score].rows,
      positives: c[score].positives,
      'ROC AUC': fixed(c[score].rocAuc),
      'PR AUC': fixed(c[score].prAuc),
      [`precision@${c[score].k}`]: fixed(c[score].precisionAtK),
      Brier: fixed(c[score].brier),
    })),
  );
  return formatTextTable(rows);
}

/** The calibration bins of both scores of one comparison, as a text table (mean score vs observed share). */
export function formatCalibration(c: Pick<Comparison, 'label' | 'reference' | 'model'>): string {
  const rows = (['reference', 'model'] as const).flatMap((score) =>
    c[score].calibration.map((b) => ({
      score,
      bin: `${b.from.toFixed(1)}–${b.to.toFixed(1)}`,
      'device-days': b.rows,
      'mean score': b.meanScore.toFixed(3),
      observed: b.observed.toFixed(3),
    })),
  );
  return formatTextTable(rows, `calibration, ${c.label}`);
}
