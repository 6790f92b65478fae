import { runConsumeLoop } from '../bus/consumeLoop.js';
import { writeDeadLetters } from '../bus/deadLetters.js';
import type { Log, LogRecord } from '../bus/port.js';
import type { Config } from '../config/config.js';
import { GROUPS, qualifiedName, type TopicRole, topicName } from '../config/names.js';
import { Anomaly } from '../schema/anomaly.js';
import { AnomalyReview } from '../schema/anomalyReview.js';
import { DeviceDayHealth } from '../schema/deviceDayHealth.js';
import { validateMessage } from '../schema/validate.js';
import type { ServedRows, Serving } from './port.js';

/** Counters of a serving-ingest run. */
export interface ServingIngestStats {
  read: number;
  anomalies: number;
  realtime: number;
  reviews: number;
  deadLettered: number;
  batches: number;
  stoppedBy: 'end' | 'idle' | 'max' | 'signal';
}

export interface ServingIngestOptions {
  log: Log;
  config: Config;
  serving: Serving;
  /** Stop once the end offsets seen at start are ingested. */
  untilEnd?: boolean;
  /** Stop after this many ms without input. */
  idleMs?: number;
  signal?: AbortSignal;
  /** Called after each ingested batch (e.g. to refresh the views). */
  afterBatch?: (stats: ServingIngestStats) => Promise<void> | void;
  /** Records per batch. Default 5000. */
  batchSize?: number;
  /** Read every topic from its first retained offset, whatever the group committed (rebuilds). */
  replay?: boolean;
}

/** The topics the serving layer ingests, each with its contract and where its rows go. */
const SOURCES = [
  { role: 'anomalies', contract: Anomaly, into: 'anomalies' },
  { role: 'deviceHealthRt', contract: DeviceDayHealth, into: 'realtime' },
  { role: 'anomalyReviews', contract: AnomalyReview, into: 'reviews' },
] as const satisfies readonly { role: TopicRole; contract: unknown; into: keyof ServedRows }[];

/**
 * Ingests iot-anomalies, iot-device-health-rt and iot-anomaly-reviews into the serving layer as group
 * lambda_serving: each batch is validated (a record breaking its contract goes to iot-dlq with the reason
 * and never stops ingestion), upserted (newest value per key), and only then are the offsets committed,
 * so a crash between writing and committing re-ingests rows that upsert to the same values.
 * @example const stats = await runServingIngest({ log, config, serving, untilEnd: true });
 */
export async function runServingIngest(options: ServingIngestOptions): Promise<ServingIngestStats> {
  const { log, config, serving } = options;
  const group = qualifiedName(config, GROUPS.serving);
  const deadLetterTopic = topicName(config, 'deadLetter');
  const topics = SOURCES.map((s) => topicName(config, s.role));
  for (const topic of [...topics, deadLetterTopic]) await log.ensureTopic(topic);
  const byTopic = new Map(SOURCES.map((s, i) => [topics[i]!, s]));
  const stats: ServingIngestStats = {
    read: 0,
    anomalies: 0,
    realtime: 0,
    reviews: 0,
    deadLettered: 0,
    batches: 0,
    stoppedBy: 'end',
  };
  const stopAt = options.untilEnd
    ? (
        await Promise.all(
          topics.map(async (topic) =>
            (
              await log.partitionOffsets(topic)
            ).map((p) => ({ topic, partition: p.partition, offset: p.endOffset })),
          ),
        )
      ).flat()
    : undefined;
  const consumer = await log.consumer({ group, topics, fromBeginning: true });
  if (options.replay) {
    for (const topic of topics) {
      for (const p of await log.partitionOffsets(topic)) {
        consumer.seek({ topic, partition: p.partition, offset: p.startOffset });
      }
    }
  }
  const handle = async (batch: LogRecord[]) => {
    const rows: Required<{ [K in keyof ServedRows]: unknown[] }> = {
      anomalies: [],
      realtime: [],
      reviews: [],
    };
    const rejected: { record: LogRecord; reason: string }[] = [];
    for (const record of batch) {
      stats.read += 1;
      const source = byTopic.get(record.topic)!;
      const v = validateMessage(source.contract, record.value, {
        maxBytes: config.maxMessageBytes,
        eventTimeMin: config.eventTimeMin,
      });
      if (v.ok) rows[source.into].push(v.value);
      else rejected.push({ record, reason: v.reason });
    }
    await writeDeadLetters(log, deadLetterTopic, rejected, group);
    await serving.write(rows as ServedRows);
    stats.anomalies += rows.anomalies.length;
    stats.realtime += rows.realtime.length;
    stats.reviews += rows.reviews.length;
    stats.deadLettered += rejected.length;
    stats.batches += 1;
    await options.afterBatch?.({ ...stats });
  };
  try {
    const result = await runConsumeLoop({
      consumer,
      handle,
      name: 'serve',
      stopAt,
      idleMs: options.idleMs,
      signal: options.signal,
      batchSize: options.batchSize ?? 5000,
    });
    stats.stoppedBy = result.stoppedBy;
  } finally {
    await consumer.close();
  }
  return stats;
}
