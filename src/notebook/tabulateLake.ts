import type { LakeSummary } from '../lake/lakeSummary.js';
import type { LandingStats } from '../lake/landingSink.js';
import { RAW_KINDS } from '../lake/rawLayout.js';

/**
 * What one landing run did, one row per dataset: files, rows and bytes written, plus dead letters.
 * @example displayTable(tabulateLanding(await runLandingSink({ log, store, config, untilEnd: true })));
 */
export function tabulateLanding(stats: LandingStats) {
  return RAW_KINDS.map((kind) => ({
    dataset: `raw/${kind}`,
    files: stats[kind].files,
    rows: stats[kind].rows,
    bytes: stats[kind].bytes,
    dead_lettered: kind === 'telemetry' ? stats.deadLettered : null,
  }));
}

/**
 * The lake by folder (`summarizeLake`), with a total row.
 * @example displayTable(tabulateLake(await summarizeLake(store, 'raw/')));
 */
export function tabulateLake(summary: LakeSummary) {
  return [
    ...summary.partitions.map((p) => ({
      partition: p.prefix,
      objects: p.objects,
      rows: p.rows,
      bytes: p.bytes,
    })),
    {
      partition: 'total',
      objects: summary.totals.objects,
      rows: summary.totals.rows,
      bytes: summary.totals.bytes,
    },
  ];
}
