import type { ChartSpec } from '../render.js';
import { type PanelRows, type PanelSize, panelFrame } from './common.js';

/**
 * Freshness strip: per source (anomalies, realtime, batch) its newest event time served and its lag behind
 * the newest event of any source; the last publish (view refresh) in the subtitle's tooltip.
 * Rows: { source, newest_event_time, last_publish, lag_minutes } (panels/freshness.sql + lag).
 */
export function panelFreshness(rows: PanelRows, size?: PanelSize): ChartSpec {
  return {
    ...panelFrame(
      'Freshness',
      'newest event time served per source and its lag (minutes) behind the newest of all',
      rows,
      { width: 420, height: 90, ...size },
    ),
    transform: [
      {
        calculate:
          "datum.newest_event_time == null ? 'none' : utcFormat(toDate(datum.newest_event_time), '%Y-%m-%d %H:%M') + ' UTC'",
        as: 'newest',
      },
    ],
    encoding: { y: { field: 'source', type: 'nominal', title: null } },
    layer: [
      {
        mark: { type: 'bar', color: '#67a9cf' },
        encoding: {
          x: { field: 'lag_minutes', type: 'quantitative', title: 'lag (minutes)' },
          tooltip: [
            { field: 'source' },
            { field: 'newest', title: 'newest event' },
            { field: 'lag_minutes', title: 'lag (min)' },
            { field: 'last_publish', title: 'last publish' },
          ],
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4 },
        encoding: { x: { value: 0 }, text: { field: 'newest', type: 'nominal' } },
      },
    ],
  } as ChartSpec;
}
