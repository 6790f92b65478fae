import type { ChartSpec } from '../render.js';
import { type PanelRows, type PanelSize, PRIORITY_SCALE, panelFrame, UTC_DATE_AXIS } from './common.js';

/**
 * Device page: the device's maintenance schedule per UTC day, priority as colour, estimated cost as height.
 * Rows: { date, priority, estimated_cost, failure_risk_score } (panels/device_maintenance.sql).
 */
export function panelDeviceMaintenance(rows: PanelRows, size?: PanelSize): ChartSpec {
  return {
    ...panelFrame('Maintenance schedule', 'per UTC day: priority and estimated cost', rows, {
      width: 700,
      height: 150,
      ...size,
    }),
    mark: 'bar',
    encoding: {
      x: {
        field: 'date',
        type: 'temporal',
        timeUnit: 'utcyearmonthdate',
        scale: { type: 'utc' },
        axis: UTC_DATE_AXIS,
        title: 'date (UTC)',
      },
      y: { field: 'estimated_cost', type: 'quantitative', title: 'estimated cost' },
      color: { field: 'priority', type: 'nominal', scale: PRIORITY_SCALE },
      tooltip: [
        { field: 'date' },
        { field: 'priority' },
        { field: 'estimated_cost' },
        { field: 'failure_risk_score' },
      ],
    },
  } as ChartSpec;
}
