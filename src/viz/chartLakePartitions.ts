import type { LakeSummary } from '../lake/lakeSummary.js';
import { rawKeyDate } from '../lake/rawLayout.js';
import { facetedBars } from './facetedBars.js';
import type { ChartSpec } from './render.js';

/** A bar's end label: what the bar shows (rows), then the files holding them, each named. */
function describeBar(rows: number, files: number): string {
  return `${rows.toLocaleString('en-US')} rows · ${files.toLocaleString('en-US')} file${files === 1 ? '' : 's'}`;
}

/**
 * Rows per event date in the lake's raw datasets (from `summarizeLake`), one panel per dataset with its own
 * scale; each bar ends in its rows and its number of files ("14,400 rows · 4 files"): how the landing sink
 * cut the log into date partitions.
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
            label: describeBar(p.rows ?? 0, p.objects),
          },
        ];
  });
  return facetedBars({
    values: rows,
    facetField: 'dataset',
    yField: 'date',
    yTitle: 'event date',
    yType: 'ordinal',
    xField: 'rows',
    xTitle: 'rows',
    labelField: 'label',
    color: '#59a14f',
    tooltip: [
      { field: 'date', type: 'ordinal' },
      { field: 'rows', type: 'quantitative', format: ',d' },
      { field: 'files', type: 'quantitative' },
      { field: 'bytes', type: 'quantitative', format: ',d' },
    ],
    title: options.title ?? 'Rows per event date in the lake',
    subtitle: 'raw Parquet per dataset and date partition; each bar ends in its rows and its number of files',
    width: options.width,
  });
}
