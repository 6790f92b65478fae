import type { LakeSummary } from '../lake/lakeSummary.js';
import { rawKeyDate } from '../lake/rawLayout.js';
import type { ChartSpec } from './render.js';

/**
 * Rows per event date in the lake's raw datasets (from `summarizeLake`), one panel per dataset with its own
 * scale, the number of files written on each bar: how the landing sink cut the log into date partitions.
 * @example chartLakePartitions(await summarizeLake(store, 'raw/'))
 */
export function chartLakePartitions(
  summary: LakeSummary,
  options: { title?: string; width?: number } = {},
): ChartSpec {
  const rows = summary.partitions.flatMap((p) => {
    const where = rawKeyDate(`${p.prefix}x.parquet`);
    return where === undefined
      ? []
      : [
          {
            dataset: `raw/${where.kind}`,
            date: where.date,
            rows: p.rows ?? 0,
            files: p.objects,
            bytes: p.bytes,
          },
        ];
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: options.title ?? 'Rows per event date in the lake',
      subtitle: 'raw Parquet per dataset and date partition; the label is the number of files',
      anchor: 'start',
    },
    data: { values: rows },
    facet: {
      row: {
        field: 'dataset',
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
        y: { field: 'date', type: 'ordinal', title: 'event date' },
        x: { field: 'rows', type: 'quantitative', title: 'rows', axis: { format: ',d', tickMinStep: 1 } },
        tooltip: [
          { field: 'date', type: 'ordinal' },
          { field: 'rows', type: 'quantitative', format: ',d' },
          { field: 'files', type: 'quantitative' },
          { field: 'bytes', type: 'quantitative', format: ',d' },
        ],
      },
      layer: [
        { mark: { type: 'bar', color: '#59a14f' } },
        {
          mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#444' },
          encoding: { text: { field: 'files', type: 'quantitative', format: 'd' } },
        },
      ],
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
    spacing: 16,
  };
}
