import { PrecursorCollector, type PrecursorReport, type PrecursorRow } from '../precursors.js';
import { forEachHistoryItem, type HistorySource, type ReplayStats } from './historySource.js';

/** A precursor row with its one-sentence reading. */
export interface PrecursorSentenceRow extends PrecursorRow {
  /** e.g. "vibration excursions precede 44 % of failures (base rate 10 %, lift 4.3)". */
  sentence: string;
}

export interface PrecursorSourceReport extends Omit<PrecursorReport, 'rows'> {
  rows: PrecursorSentenceRow[];
  source: string;
  replay: ReplayStats;
}

export interface PrecursorSourceOptions {
  /** Length H of the window before a failure, ms. */
  horizonMs: number;
  /** Seed of the random base-rate windows. Default 1. */
  seed?: number;
  /** Number of random base-rate windows. Default 2000. */
  randomWindows?: number;
}

const percent = (x: number) => `${Math.round(x * 100)} %`;

/**
 * One sentence for a precursor row.
 * @example describePrecursor(row); // "vibration excursions precede 44 % of failures (base rate 10 %, lift 4.3)"
 */
export function describePrecursor(row: PrecursorRow): string {
  const subject = row.metric === 'any' ? 'excursions of any metric' : `${row.metric} excursions`;
  if (row.shareOfFailures === null) return `${subject}: no failures to compare with`;
  const base =
    row.baseRate === null
      ? 'no base rate: no device spans the horizon'
      : `base rate ${percent(row.baseRate)}`;
  const lift = row.lift === null ? 'lift n/a' : `lift ${row.lift.toFixed(1)}`;
  return `${subject} precede ${percent(row.shareOfFailures)} of failures (${base}, ${lift})`;
}

/**
 * Runs the PrecursorCollector over a history source: how much more often does an excursion (a reading
 * beyond the reference threshold) fall in the horizon before a failure than in a random window?
 * @example const report = await reportPrecursors(historyFromLog(log, config), { horizonMs: DAY_MS }); report.rows.map((r) => r.sentence);
 */
export async function reportPrecursors(
  source: HistorySource,
  options: PrecursorSourceOptions,
): Promise<PrecursorSourceReport> {
  const collector = new PrecursorCollector(options);
  await forEachHistoryItem(source, (item) => {
    if (item.topic === 'telemetry') collector.addTelemetry(item.value);
    else collector.addEvent(item.value);
  });
  const report = collector.report();
  return {
    ...report,
    rows: report.rows.map((row) => ({ ...row, sentence: describePrecursor(row) })),
    source: source.label,
    replay: { ...source.stats },
  };
}
