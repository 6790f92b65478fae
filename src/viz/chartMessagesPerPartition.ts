import type { TopicSummary } from '../bus/lag.js';
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
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: options.title ?? 'Messages per partition',
      subtitle: 'end offset of each partition; the key (device_id) picks the partition',
      anchor: 'start',
    },
    data: { values: rows },
    facet: {
      row: {
        field: 'topic',
        type: 'nominal',
        title: null,
        header: {
          labelAngle: 0,
          labelOrient: 'top',
          labelAnchor: 'start',
          labelFontSize: 12,
          labelFontWeight: 'bold',
        },
      },
    },
    spec: {
      width: options.width ?? 560,
      height: { step: 16 },
      encoding: {
        y: { field: 'partition', type: 'nominal', title: 'partition' },
        x: {
          field: 'messages',
          type: 'quantitative',
          title: 'messages (end offset)',
          axis: { format: ',d' },
        },
      },
      layer: [
        { mark: { type: 'bar', color: '#4c78a8' } },
        {
          mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#444' },
          encoding: { text: { field: 'messages', type: 'quantitative', format: ',d' } },
        },
      ],
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
    spacing: 16,
  };
}
