import type { ChartSpec } from '../render.js';
import { type PanelRows, type PanelSize, panelFrame, SEVERITY_SCALE } from './common.js';

/**
 * Pending anomalies of the last 4 hours (before the newest anomaly served) by severity.
 * Rows: { severity, pending } (panels/pending_by_severity.sql).
 */
export function panelPendingBySeverity(rows: PanelRows, size?: PanelSize): ChartSpec {
  return {
    ...panelFrame(
      'Pending anomalies, last 4 h',
      'not confirmed nor dismissed; 4 h before the newest anomaly served (not the wall clock)',
      rows,
      size,
    ),
    mark: 'bar',
    encoding: {
      y: { field: 'severity', type: 'nominal', sort: SEVERITY_SCALE.domain, title: null },
      x: { field: 'pending', type: 'quantitative', title: 'pending anomalies' },
      color: { field: 'severity', type: 'nominal', scale: SEVERITY_SCALE, legend: null },
      tooltip: [{ field: 'severity' }, { field: 'pending' }],
    },
  } as ChartSpec;
}
