/** A scored device-day and its outcome. */
export interface ScoredRow {
  score: number;
  label: boolean;
}

/** The ROC curve: (false-positive rate, true-positive rate) at every score threshold, from (0,0) to (1,1). */
export function rocCurve(rows: readonly ScoredRow[]): { fpr: number; tpr: number; threshold: number }[] {
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
export function rocAuc(rows: readonly ScoredRow[]): number | null {
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
 * PR AUC as average precision: the mean, over the positives, of the precision at the threshold that first
 * includes each (tied scores enter together). Chance is the base rate; null without a positive.
 */
export function prAuc(rows: readonly ScoredRow[]): number | null {
  const positives = rows.filter((r) => r.label).length;
  if (positives === 0) return null;
  const sorted = [...rows].sort((a, b) => b.score - a.score);
  let tp = 0;
  let sum = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    let newPositives = 0;
    while (j < sorted.length && sorted[j]!.score === sorted[i]!.score) {
      if (sorted[j]!.label) newPositives++;
      j++;
    }
    tp += newPositives;
    sum += newPositives * (tp / j);
    i = j;
  }
  return sum / positives;
}

/**
 * Each day, the share of the k highest-scored devices that were followed by a failure (ties broken by
 * device id), averaged over days; null without rows.
 */
export function precisionAtK(
  rows: readonly (ScoredRow & { device_id: string; day: string })[],
  k: number,
): number | null {
  const byDay = new Map<string, (ScoredRow & { device_id: string })[]>();
  for (const r of rows) {
    const day = byDay.get(r.day);
    if (day === undefined) byDay.set(r.day, [r]);
    else day.push(r);
  }
  const precisions = [...byDay.values()].map((day) => {
    const top = [...day]
      .sort((a, b) => b.score - a.score || a.device_id.localeCompare(b.device_id))
      .slice(0, k);
    return top.filter((r) => r.label).length / top.length;
  });
  return precisions.length === 0 ? null : precisions.reduce((a, b) => a + b, 0) / precisions.length;
}

/** Mean squared difference between score and outcome (0 perfect; calibrated scores are low). Null without rows. */
export function brierScore(rows: readonly ScoredRow[]): number | null {
  if (rows.length === 0) return null;
  return rows.reduce((sum, r) => sum + (r.score - (r.label ? 1 : 0)) ** 2, 0) / rows.length;
}

/** One bin of a calibration chart: scores in [from, to), their mean and the observed share of positives. */
export interface CalibrationBin {
  from: number;
  to: number;
  rows: number;
  meanScore: number;
  observed: number;
}

/** Scores in `bins` equal-width bins over [0, 1] (1 falls in the last); empty bins are left out. */
export function calibrationBins(rows: readonly ScoredRow[], bins = 10): CalibrationBin[] {
  const acc = Array.from({ length: bins }, () => ({ rows: 0, scores: 0, positives: 0 }));
  for (const r of rows) {
    const b = acc[Math.min(bins - 1, Math.max(0, Math.floor(r.score * bins)))]!;
    b.rows++;
    b.scores += r.score;
    if (r.label) b.positives++;
  }
  return acc.flatMap((b, i) =>
    b.rows === 0
      ? []
      : [
          {
            from: i / bins,
            to: (i + 1) / bins,
            rows: b.rows,
            meanScore: b.scores / b.rows,
            observed: b.positives / b.rows,
          },
        ],
  );
}
