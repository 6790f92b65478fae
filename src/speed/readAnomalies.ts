import { runConsumeLoop } from '../bus/consumeLoop.js';
import type { Log } from '../bus/port.js';
import { Anomaly, anomalyIdentity } from '../schema/anomaly.js';
import { validateMessage } from '../schema/validate.js';

/** Distinct anomalies of a topic in the order read, and how many messages repeated an identity. */
export interface AnomalyRead {
  anomalies: Anomaly[];
  /** Messages that repeated an identity already seen (at-least-once publishing after a restart). */
  repeats: number;
}

/**
 * Reads an anomalies topic from its oldest retained message up to the end offsets seen at start, as a
 * consumer without a group (nothing is committed, no group is disturbed). Messages that break the anomaly
 * contract are skipped; a repeated identity (device_id, timestamp, anomaly_type) is kept once and counted.
 * Holds them all in memory: fine for a notebook's plant, not for months of a real one.
 * @example const { anomalies, repeats } = await collectAnomalies(log, topicName(config, 'anomalies'));
 */
export async function collectAnomalies(log: Log, topic: string): Promise<AnomalyRead> {
  const read: AnomalyRead = { anomalies: [], repeats: 0 };
  if (!(await log.listTopics()).includes(topic)) return read;
  const stopAt = (await log.partitionOffsets(topic)).map((p) => ({
    topic,
    partition: p.partition,
    offset: p.endOffset,
  }));
  if (stopAt.every((p) => p.offset === 0)) return read;
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
          if (seen.has(id)) {
            read.repeats += 1;
            continue;
          }
          seen.add(id);
          read.anomalies.push(parsed.value);
        }
      },
    });
  } finally {
    await consumer.close();
  }
  return read;
}

/**
 * The distinct anomalies of a topic (see {@link collectAnomalies}) in event-time order (ties: the order read).
 * @example const anomalies = await readAnomalies(log, topicName(config, 'anomalies'));
 */
export async function readAnomalies(log: Log, topic: string): Promise<Anomaly[]> {
  const { anomalies } = await collectAnomalies(log, topic);
  const ms = anomalies.map((a) => Date.parse(a.timestamp));
  return anomalies
    .map((a, i) => ({ a, i }))
    .sort((x, y) => ms[x.i]! - ms[y.i]! || x.i - y.i)
    .map(({ a }) => a);
}
