import { runConsumeLoop } from '../bus/consumeLoop.js';
import type { Log } from '../bus/port.js';
import { InvalidArgumentError } from '../errors.js';
import { Anomaly, anomalyIdentity } from '../schema/anomaly.js';
import { validateMessage } from '../schema/validate.js';

/**
 * Reads an anomalies topic from its oldest retained message up to the end offsets seen at start, as a
 * consumer without a group (nothing is committed, no group is disturbed). Messages that break the anomaly
 * contract are skipped; a repeated identity (device_id, timestamp, anomaly_type), which at-least-once
 * publishing may produce after a restart, is kept once. Returns anomalies in event-time order (ties: the
 * order read). Holds them all in memory: fine for a notebook's plant, not for months of a real one.
 * @example const anomalies = await readAnomalies(log, topicName(config, 'anomalies'));
 */
export async function readAnomalies(log: Log, topic: string): Promise<Anomaly[]> {
  if (!(await log.listTopics()).includes(topic)) return [];
  const stopAt = (await log.partitionOffsets(topic)).map((p) => ({
    topic,
    partition: p.partition,
    offset: p.endOffset,
  }));
  if (stopAt.every((p) => p.offset === 0)) return [];
  const anomalies: Anomaly[] = [];
  const seen = new Set<string>();
  const consumer = await log.consumer({ topics: [topic], fromBeginning: true });
  try {
    await runConsumeLoop({
      consumer,
      name: 'read-anomalies',
      commit: false,
      stopAt,
      batchSize: 5000,
      handle: async (batch) => {
        for (const record of batch) {
          const parsed = validateMessage(Anomaly, record.value, { maxBytes: Number.POSITIVE_INFINITY });
          if (!parsed.ok) continue;
          const id = anomalyIdentity(parsed.value);
          if (seen.has(id)) continue;
          seen.add(id);
          anomalies.push(parsed.value);
        }
      },
    });
  } finally {
    await consumer.close();
  }
  const ms = anomalies.map((a) => Date.parse(a.timestamp));
  return anomalies
    .map((a, i) => ({ a, i }))
    .sort((x, y) => ms[x.i]! - ms[y.i]! || x.i - y.i)
    .map(({ a }) => a);
}

/**
 * The first auto-confirmed anomaly and the anomalies of its device and type in the window before it,
 * (t − windowMs, t], oldest first: the ones that made it the count-th of its kind within the window and
 * so confirmed it. Throws an InvalidArgumentError when no anomaly is confirmed.
 * @example displayTable(pickAutoConfirmation(anomalies, { windowMs: rules.auto_confirm!.window_ms }));
 */
export function pickAutoConfirmation(
  anomalies: readonly Anomaly[],
  options: { windowMs: number },
): Anomaly[] {
  const confirmed = anomalies.find((a) => a.is_confirmed);
  if (!confirmed) {
    throw new InvalidArgumentError(
      `no auto-confirmed anomaly among ${anomalies.length}: run the speed layer with auto-confirm on`,
    );
  }
  const atMs = Date.parse(confirmed.timestamp);
  return anomalies
    .filter((a) => {
      const ms = Date.parse(a.timestamp);
      return (
        a.device_id === confirmed.device_id &&
        a.anomaly_type === confirmed.anomaly_type &&
        ms > atMs - options.windowMs &&
        ms <= atMs
      );
    })
    .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
}
