import type { ChartSpec } from '../render.js';
import { type PanelRows, type PanelSize, panelFrame } from './common.js';

/**
 * Anomalies per minute over the last hour before the newest anomaly served (not the wall clock).
 * Rows: { minute, anomalies } (panels/anomalies_per_minute.sql).
 */
export function panelAnomaliesPerMinute(rows: PanelRows, size?: PanelSize): ChartSpec {
  return {
    ...panelFrame(
      'Anomalies per minute, last hour',
      'the hour before the newest anomaly served (not the wall clock), UTC',
      rows,
      size,
    ),
    mark: { type: 'bar', color: '#ef8a62' },
    encoding: {
      x: {
        field: 'minute',
        type: 'temporal',
        timeUnit: 'utcyearmonthdatehoursminutes',
        scale: { type: 'utc' },
        axis: { format: '%H:%M' },
        title: 'minute (UTC)',
      },
      y: { field: 'anomalies', type: 'quantitative', title: 'anomalies' },
      tooltip: [{ field: 'minute' }, { field: 'anomalies' }],
    },
  } as ChartSpec;
}
