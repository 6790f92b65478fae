import type { TopicSummary } from '../bus/lag.js';
import { facetedBars } from './facetedBars.js';
import type { ChartSpec } from './render.js';

/**
 * Messages in each partition of each topic (end offsets, as `describeTopics` reports them), one panel
 * per topic with its own scale: how the device-id keys spread the load over partitions.
 * @example chartMessagesPerPartition(await describeTopics(log))
 */
export function chartMessagesPerPartition(
  topics: readonly TopicSummary[],
  options: { title?: string; width?: number } = {},
): ChartSpec {
  const rows = topics.flatMap((t) =>
    t.partitions.map((p) => ({ topic: t.topic, partition: `p${p.partition}`, messages: p.endOffset })),
  );
  return facetedBars({
    values: rows,
    facetField: 'topic',
    yField: 'partition',
    yTitle: 'partition',
    xField: 'messages',
    xTitle: 'messages (end offset)',
    title: options.title ?? 'Messages per partition',
    subtitle: 'end offset of each partition; the key (device_id) picks the partition',
    width: options.width,
  });
}
