import type { DuckSession } from '../duckdb/duckSession.js';

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
}

/** The ROC curve: (false-positive rate, true-positive rate) at every score threshold, from (0,0) to (1,1). */
export function rocCurve(
  rows: readonly { score: number; label: boolean }[],
): { fpr: number; tpr: number; threshold: number }[] {
  const positives = rows.filter((r) => r.label).length;
  const negatives = rows.length - positives;
  if (positives === 0 || negatives === 0) return [];
  const sorted = [...rows].sort((a, b) => b.score - a.score);
  const points = [{ fpr: 0, tpr: 0, threshold: Number.POSITIVE_INFINITY }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < sorted.length; ) {
    const score = sorted[i]!.score;
    while (i < sorted.length && sorted[i]!.score === score) {
      if (sorted[i]!.label) tp++;
      else fp++;
      i++;
    }
    points.push({ fpr: fp / negatives, tpr: tp / positives, threshold: score });
  }
  return points;
}

/** ROC AUC by the rank-sum (Mann–Whitney) formula, ties counted as half. */
export function rocAuc(rows: readonly { score: number; label: boolean }[]): number | null {
  const positives = rows.filter((r) => r.label).length;
  const negatives = rows.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const sorted = [...rows].sort((a, b) => a.score - b.score);
  let rankSum = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j]!.score === sorted[i]!.score) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let t = i; t < j; t++) if (sorted[t]!.label) rankSum += averageRank;
    i = j;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
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
  const rows = await duck.rows<{ device_id: string; day: string; score: number; label: boolean }>(
    `WITH newest AS (SELECT max(date) AS d FROM silver_telemetry_daily)
     SELECT p.device_id, CAST(p.prediction_date AS VARCHAR) AS day, p.failure_risk_score AS score,
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
  const byDay = new Map<string, typeof rows>();
  for (const r of rows) byDay.set(r.day, [...(byDay.get(r.day) ?? []), r]);
  const precisions = [...byDay.values()].map((day) => {
    const top = [...day]
      .sort((a, b) => b.score - a.score || a.device_id.localeCompare(b.device_id))
      .slice(0, k);
    return top.filter((r) => r.label).length / top.length;
  });
  return {
    horizonDays,
    predictions: rows.length,
    positives,
    rocAuc: rocAuc(rows),
    precisionAtK: precisions.length === 0 ? null : precisions.reduce((a, b) => a + b, 0) / precisions.length,
    baseRate: rows.length === 0 ? null : positives / rows.length,
    k,
    roc: rocCurve(rows),
  };
}
