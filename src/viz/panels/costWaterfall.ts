import type { ChartSpec } from '../render.js';
import { type PanelRows, type PanelSize, PRIORITY_SCALE, panelFrame } from './common.js';

/**
 * Cost waterfall: the estimated maintenance cost added by each priority, P0 first, ending at the total.
 * Rows: { priority, cost, cost_start, cost_end } (panels/cost_waterfall.sql).
 */
export function panelCostWaterfall(rows: PanelRows, size?: PanelSize): ChartSpec {
  return {
    ...panelFrame(
      'Maintenance cost waterfall',
      'estimated cost added per priority (running total)',
      rows,
      size,
    ),
    mark: { type: 'bar', width: { band: 0.7 } },
    encoding: {
      x: { field: 'priority', type: 'ordinal', sort: PRIORITY_SCALE.domain, title: 'priority' },
      y: { field: 'cost_start', type: 'quantitative', title: 'estimated cost (cumulative)' },
      y2: { field: 'cost_end' },
      color: { field: 'priority', type: 'nominal', scale: PRIORITY_SCALE, legend: null },
      tooltip: [
        { field: 'priority' },
        { field: 'cost', title: 'cost', format: ',' },
        { field: 'cost_end', title: 'running total', format: ',' },
      ],
    },
  } as ChartSpec;
}
