import type { Log } from './port.js';

export interface GroupLag {
  group: string;
  /** Messages in the topic not yet committed by the group (from the oldest retained when it never committed). */
  lag: number;
  partitions: { partition: number; committed: number | null; endOffset: number; lag: number }[];
}

/**
 * Lag of a consumer group on a topic: end offset minus committed offset, summed over partitions.
 * @example const { lag } = await readGroupLag(log, 'lambda_streaming_anomalies', 'iot-telemetry');
 */
export async function readGroupLag(log: Log, group: string, topic: string): Promise<GroupLag> {
  const [offsets, committed] = await Promise.all([
    log.partitionOffsets(topic),
    log.committedOffsets(group, topic),
  ]);
  const partitions = offsets.map((p) => {
    const c = committed.get(p.partition);
    const from = c === undefined ? p.startOffset : Math.max(c, p.startOffset);
    return {
      partition: p.partition,
      committed: c ?? null,
      endOffset: p.endOffset,
      lag: Math.max(0, p.endOffset - from),
    };
  });
  return { group, lag: partitions.reduce((sum, p) => sum + p.lag, 0), partitions };
}

export interface TopicSummary {
  topic: string;
  partitions: { partition: number; endOffset: number }[];
  groups: { group: string; lag: number }[];
}

/**
 * Every topic with its partitions' end offsets and the lag of each group that committed on it
 * (the `lambda-iot topics --json` shape).
 */
export async function describeTopics(log: Log, topics?: string[]): Promise<TopicSummary[]> {
  const names = topics ?? (await log.listTopics());
  const out: TopicSummary[] = [];
  for (const topic of names) {
    const partitions = (await log.partitionOffsets(topic)).map((p) => ({
      partition: p.partition,
      endOffset: p.endOffset,
    }));
    const groups = [];
    for (const group of await log.listGroups(topic)) {
      groups.push({ group, lag: (await readGroupLag(log, group, topic)).lag });
    }
    out.push({ topic, partitions, groups });
  }
  return out;
}
