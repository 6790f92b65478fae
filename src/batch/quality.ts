import type { DuckSession } from '../duckdb/duckSession.js';
import { type CalibrationBin, calibrationBins, precisionAtK, rocAuc, rocCurve } from '../model/metrics.js';

/** The ranking measures live with the failure model (src/model/metrics.ts); re-exported for existing callers. */
export { rocAuc, rocCurve } from '../model/metrics.js';

/** How well failure_risk_score ranks device-days by whether the device failed soon after. */
export interface PredictionQuality {
  /** A prediction counts as right when the device fails within this many days after prediction_date. */
  horizonDays: number;
  /** Predictions whose horizon lies inside the data (the others cannot be judged yet). */
  predictions: number;
  /** Of those, how many were followed by a failure. */
  positives: number;
  /** Probability that a device-day followed by a failure scores higher than one that was not (0.5 = chance). */
  rocAuc: number | null;
  /** Each day, the share of the k highest-scored devices that failed within the horizon, averaged over days. */
  precisionAtK: number | null;
  /** The share of positives among all predictions: what precision@k would be by chance. */
  baseRate: number | null;
  k: number;
  /** The ROC curve of the judged predictions (empty without both outcomes). */
  roc: { fpr: number; tpr: number; threshold: number }[];
  /** Calibration bins of failure_risk_score read as a probability (mean score vs observed failure share). */
  calibration: CalibrationBin[];
  /**
   * The same measures for the failure model's model_risk_score on the same device-days (null when the
   * predictions carry no model score).
   */
  model: {
    modelId: string | null;
    rocAuc: number | null;
    precisionAtK: number | null;
    roc: PredictionQuality['roc'];
    calibration: CalibrationBin[];
  } | null;
}

/**
 * Scores gold_failure_predictions (built in the session) against the failures in silver_events: a
 * device-day is positive when that device has a failure event in (prediction_date, prediction_date +
 * horizonDays]. Only days whose horizon ends by the newest telemetry date are judged.
 * @example const q = await predictionQuality(duck, 3); console.log(q.rocAuc);
 */
export async function predictionQuality(
  duck: DuckSession,
  horizonDays: number,
  k = 3,
): Promise<PredictionQuality> {
  const rows = await duck.rows<{
    device_id: string;
    day: string;
    score: number;
    model_score: number | null;
    model_id: string | null;
    label: boolean;
  }>(
    `WITH newest AS (SELECT max(date) AS d FROM silver_telemetry_daily)
     SELECT p.device_id, CAST(p.prediction_date AS VARCHAR) AS day, p.failure_risk_score AS score,
            p.model_risk_score AS model_score, p.model_id,
            EXISTS (
              SELECT 1 FROM silver_events e
              WHERE e.device_id = p.device_id AND e.is_failure
                AND e.event_date > p.prediction_date AND e.event_date <= p.prediction_date + CAST($1 AS INTEGER)
            ) AS label
     FROM gold_failure_predictions p, newest
     WHERE p.prediction_date + CAST($1 AS INTEGER) <= newest.d`,
    [horizonDays],
  );
  const positives = rows.filter((r) => r.label).length;
  const modelRows = rows.flatMap((r) => (r.model_score === null ? [] : [{ ...r, score: r.model_score }]));
  return {
    horizonDays,
    predictions: rows.length,
    positives,
    rocAuc: rocAuc(rows),
    precisionAtK: precisionAtK(rows, k),
    baseRate: rows.length === 0 ? null : positives / rows.length,
    k,
    roc: rocCurve(rows),
    calibration: calibrationBins(rows),
    model:
      modelRows.length === 0
        ? null
        : {
            modelId: modelRows[0]!.model_id,
            rocAuc: rocAuc(modelRows),
            precisionAtK: precisionAtK(modelRows, k),
            roc: rocCurve(modelRows),
            calibration: calibrationBins(modelRows),
          },
  };
}
