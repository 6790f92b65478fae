import type { Log } from '../bus/port.js';
import { Anomaly, anomalyIdentity } from '../schema/anomaly.js';
import type { Severity } from '../schema/severity.js';
import { validateMessage } from '../schema/validate.js';

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
  const summary: AnomalySummary = {
    anomalies: 0,
    repeats: 0,
    confirmed: 0,
    byType: {},
    bySeverity: {},
    byTypeAndSeverity: {},
  };
  const topics = await log.listTopics();
  if (!topics.includes(topic)) return summary;
  const ends = new Map((await log.partitionOffsets(topic)).map((p) => [p.partition, p.endOffset]));
  const remaining = () => [...ends.values()].some((end) => end > 0);
  if (!remaining()) return summary;
  const consumer = await log.consumer({ topics: [topic], fromBeginning: true });
  const seen = new Set<string>();
  try {
    for (let idle = 0; idle < 20; ) {
      const done = consumer.positions().every((p) => p.offset >= (ends.get(p.partition) ?? 0));
      if (done && consumer.positions().length >= ends.size) break;
      const batch = await consumer.poll({ maxRecords: 2000, maxWaitMs: 250 });
      idle = batch.length === 0 ? idle + 1 : 0;
      for (const record of batch) {
        if (record.offset >= (ends.get(record.partition) ?? 0)) continue;
        const parsed = validateMessage(Anomaly, record.value, { maxBytes: Number.POSITIVE_INFINITY });
        if (!parsed.ok) continue;
        const a = parsed.value;
        const id = anomalyIdentity(a);
        if (seen.has(id)) {
          summary.repeats += 1;
          continue;
        }
        seen.add(id);
        summary.anomalies += 1;
        if (a.is_confirmed) summary.confirmed += 1;
        summary.byType[a.anomaly_type] = (summary.byType[a.anomaly_type] ?? 0) + 1;
        summary.bySeverity[a.severity] = (summary.bySeverity[a.severity] ?? 0) + 1;
        const cell = summary.byTypeAndSeverity[a.anomaly_type] ?? {};
        cell[a.severity] = (cell[a.severity] ?? 0) + 1;
        summary.byTypeAndSeverity[a.anomaly_type] = cell;
      }
    }
  } finally {
    await consumer.close();
  }
  return summary;
}
