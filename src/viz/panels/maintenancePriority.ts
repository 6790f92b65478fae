import type { ChartSpec } from '../render.js';
import { type PanelRows, type PanelSize, PRIORITY_SCALE, panelFrame } from './common.js';

/**
 * Maintenance priority pie: scheduled maintenance per priority (slice = count), with the cost in the tooltip
 * and the label. Rows: { priority, schedules, total_cost } (sql/…/panels/maintenance_priority.sql).
 * @example await renderSvg(panelMaintenancePriority(rows));
 */
export function panelMaintenancePriority(rows: PanelRows, size?: PanelSize): ChartSpec {
  return {
    ...panelFrame('Maintenance by priority', 'count (slice) and estimated cost per priority', rows, {
      width: 220,
      ...size,
    }),
    layer: [
      {
        mark: { type: 'arc', outerRadius: 90, innerRadius: 30, stroke: 'white' },
        encoding: {
          theta: { field: 'schedules', type: 'quantitative', stack: true },
          color: { field: 'priority', type: 'nominal', scale: PRIORITY_SCALE },
          tooltip: [
            { field: 'priority' },
            { field: 'schedules', title: 'schedules' },
            { field: 'total_cost', title: 'estimated cost', format: ',' },
          ],
        },
      },
      {
        mark: { type: 'text', radius: 110 },
        encoding: {
          theta: { field: 'schedules', type: 'quantitative', stack: true },
          text: { field: 'priority', type: 'nominal' },
        },
      },
    ],
  } as ChartSpec;
}
