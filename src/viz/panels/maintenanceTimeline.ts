import type { ChartSpec } from '../render.js';
import { type PanelRows, type PanelSize, PRIORITY_SCALE, panelFrame, UTC_DATE_AXIS } from './common.js';

/**
 * Maintenance timeline: each device's newest schedule, from its date to its due date
 * (P0 + 1 day, P1 + 3 days, else + 7 days). Rows: { device_id, date, due_date, priority, estimated_cost,
 * failure_risk_score } (panels/maintenance_timeline.sql). A click on a bar selects the device.
 */
export function panelMaintenanceTimeline(rows: PanelRows, size?: PanelSize): ChartSpec {
  return {
    ...panelFrame('Maintenance timeline', "each device's newest schedule: date → due date (UTC)", rows, size),
    mark: { type: 'bar', cursor: 'pointer' },
    encoding: {
      y: {
        field: 'device_id',
        type: 'nominal',
        sort: { field: 'failure_risk_score', order: 'descending' },
        title: null,
      },
      x: {
        field: 'date',
        type: 'temporal',
        timeUnit: 'utcyearmonthdate',
        scale: { type: 'utc' },
        axis: UTC_DATE_AXIS,
        title: 'date → due (UTC)',
      },
      x2: { field: 'due_date', timeUnit: 'utcyearmonthdate' },
      color: { field: 'priority', type: 'nominal', scale: PRIORITY_SCALE },
      tooltip: [
        { field: 'device_id' },
        { field: 'priority' },
        { field: 'date' },
        { field: 'due_date', title: 'due' },
        { field: 'estimated_cost', format: ',' },
        { field: 'failure_risk_score' },
      ],
    },
  } as ChartSpec;
}
