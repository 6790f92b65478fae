import { runConsumeLoop } from '../../bus/consumeLoop.js';
import { describeLogTarget } from '../../bus/openLog.js';
import type { Log, LogRecord, TopicPartitionOffset } from '../../bus/port.js';
import type { Config } from '../../config/config.js';
import { topicName } from '../../config/names.js';
import { InterruptedError } from '../../errors.js';
import { MachineEvent } from '../../schema/events.js';
import { Telemetry } from '../../schema/telemetry.js';
import { validateMessage } from '../../schema/validate.js';
import {
  emptyReplayStats,
  type HistoryItem,
  type HistorySource,
  isInRange,
  orderHistory,
  type ReplayStats,
  type TimeRange,
} from './historySource.js';

export interface ReplayOptions extends TimeRange {
  /** Records per poll. Default 5000. */
  batchSize?: number;
  /** Stops reading when aborted (the replay then fails rather than score part of the history). */
  signal?: AbortSignal;
}

/** The end offsets of a topic seen now, or none when the topic does not exist (nothing to replay). */
async function readEnds(log: Log, topic: string, known: string[]): Promise<TopicPartitionOffset[]> {
  if (!known.includes(topic)) return [];
  return (await log.partitionOffsets(topic)).map((p) => ({
    topic,
    partition: p.partition,
    offset: p.endOffset,
  }));
}

/**
 * Reads the telemetry and events topics of the configured log from their beginning up to the end offsets
 * seen at start, as a consumer without a group (nothing is committed, no group is disturbed). Every message
 * goes through the shared validator: invalid ones are skipped and counted. Returns the valid messages inside
 * the range, in replay order (event time, device, telemetry before events), repeated deliveries dropped.
 * @example const { items, stats } = await replayLog(log, config, { fromMs: Date.UTC(2025, 3, 1) });
 */
export async function replayLog(
  log: Log,
  config: Config,
  options: ReplayOptions = {},
): Promise<{ items: HistoryItem[]; stats: ReplayStats }> {
  const stats = emptyReplayStats();
  const telemetryTopic = topicName(config, 'telemetry');
  const eventsTopic = topicName(config, 'events');
  const known = await log.listTopics();
  const ends = [
    ...(await readEnds(log, telemetryTopic, known)),
    ...(await readEnds(log, eventsTopic, known)),
  ];
  const items: HistoryItem[] = [];
  const topics = [...new Set(ends.map((e) => e.topic))];
  if (ends.every((e) => e.offset === 0)) return { items, stats };
  const validate = { maxBytes: config.maxMessageBytes, eventTimeMin: config.eventTimeMin };
  const decode = (record: LogRecord): HistoryItem | null => {
    if (record.topic === telemetryTopic) {
      const v = validateMessage(Telemetry, record.value, validate);
      return v.ok ? { topic: 'telemetry', ms: Date.parse(v.value.timestamp), value: v.value } : null;
    }
    const v = validateMessage(MachineEvent, record.value, validate);
    return v.ok ? { topic: 'events', ms: Date.parse(v.value.event_timestamp), value: v.value } : null;
  };
  const keep = (record: LogRecord): void => {
    const item = decode(record);
    if (item === null) stats.invalid++;
    else if (!isInRange(item.ms, options)) stats.outOfRange++;
    else items.push(item);
  };
  const consumer = await log.consumer({ topics, fromBeginning: true });
  try {
    const result = await runConsumeLoop({
      consumer,
      name: 'replay',
      commit: false,
      stopAt: ends,
      batchSize: options.batchSize ?? 5000,
      signal: options.signal,
      handle: async (batch) => {
        for (const record of batch) keep(record);
      },
    });
    if (result.stoppedBy === 'signal') {
      throw new InterruptedError('replay interrupted before the end offsets seen at start; nothing scored');
    }
  } finally {
    await consumer.close();
  }
  const ordered = orderHistory(items, stats);
  for (const item of ordered) {
    if (item.topic === 'telemetry') stats.telemetry++;
    else stats.events++;
  }
  return { items: ordered, stats };
}

/**
 * The configured log as a history source. Each pass reads the log again (up to the end offsets seen when
 * that pass starts) and holds the messages of the range in memory to put them in event-time order.
 * @example const score = await backtestRules(historyFromLog(log, config), referenceRules(), { horizonMs: DAY_MS });
 */
export function historyFromLog(log: Log, config: Config, options: ReplayOptions = {}): HistorySource {
  const stats = emptyReplayStats();
  return {
    label: `log ${describeLogTarget(config)}`,
    stats,
    async *items() {
      const replay = await replayLog(log, config, options);
      Object.assign(stats, replay.stats);
      yield* replay.items;
    },
  };
}
