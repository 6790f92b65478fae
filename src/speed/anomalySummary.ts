import type { Log } from '../bus/port.js';
import type { Severity } from '../schema/severity.js';
import { collectAnomalies } from './readAnomalies.js';

/** What the anomalies topic holds, deduplicated by identity (device_id, timestamp, anomaly_type). */
export interface AnomalySummary {
  /** Distinct anomalies. */
  anomalies: number;
  /** Messages that repeated an identity already seen (at-least-once publishing after a restart). */
  repeats: number;
  confirmed: number;
  byType: Record<string, number>;
  bySeverity: Partial<Record<Severity, number>>;
  /** type → severity → count. */
  byTypeAndSeverity: Record<string, Partial<Record<Severity, number>>>;
}

/**
 * Reads the anomalies topic from the oldest retained message to the end offsets seen at start (no group,
 * nothing committed) and counts distinct anomalies by type and severity — what a serving table keyed by
 * identity would hold.
 * @example const s = await summarizeAnomalies(log, topicName(config, 'anomalies'));
 */
export async function summarizeAnomalies(log: Log, topic: string): Promise<AnomalySummary> {
  const read = await collectAnomalies(log, topic);
  const summary: AnomalySummary = {
    anomalies: read.anomalies.length,
    repeats: read.repeats,
    confirmed: 0,
    byType: {},
    bySeverity: {},
    byTypeAndSeverity: {},
  };
  for (const a of read.anomalies) {
    if (a.is_confirmed) summary.confirmed += 1;
    summary.byType[a.anomaly_type] = (summary.byType[a.anomaly_type] ?? 0) + 1;
    summary.bySeverity[a.severity] = (summary.bySeverity[a.severity] ?? 0) + 1;
    const cell = summary.byTypeAndSeverity[a.anomaly_type] ?? {};
    cell[a.severity] = (cell[a.severity] ?? 0) + 1;
    summary.byTypeAndSeverity[a.anomaly_type] = cell;
  }
  return summary;
}
