import type { ChartSpec } from '../render.js';
import { type PanelRows, type PanelSize, panelFrame, UTC_DATE_AXIS } from './common.js';

/**
 * Device page: health score and criticality per UTC day (points coloured by source), failure days marked.
 * Rows: { date, source, health_score, criticality_score, priority, failures } (panels/device_health.sql).
 */
export function panelDeviceHealth(rows: PanelRows, size?: PanelSize): ChartSpec {
  const x = {
    field: 'date',
    type: 'temporal',
    timeUnit: 'utcyearmonthdate',
    scale: { type: 'utc' },
    axis: UTC_DATE_AXIS,
    title: 'date (UTC)',
  };
  return {
    ...panelFrame('Health and criticality', 'per UTC day; red rules = failure days', rows, {
      width: 700,
      ...size,
    }),
    transform: [{ fold: ['health_score', 'criticality_score'], as: ['measure', 'value'] }],
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: 'score' },
          color: { field: 'measure', type: 'nominal' },
          tooltip: [
            { field: 'date' },
            { field: 'source' },
            { field: 'measure' },
            { field: 'value' },
            { field: 'priority' },
          ],
        },
      },
      {
        transform: [{ filter: 'datum.failures > 0 && datum.measure === "health_score"' }],
        mark: { type: 'rule', color: '#b2182b', strokeWidth: 2 },
        encoding: { x },
      },
    ],
  } as ChartSpec;
}
