import type { ChartSpec } from '../render.js';
import { type PanelRows, type PanelSize, panelFrame, SEVERITY_SCALE } from './common.js';

/**
 * Anomaly type × severity: anomalies in the selected range per type, stacked by severity.
 * Rows: { anomaly_type, severity, anomalies } (panels/anomaly_type_severity.sql).
 */
export function panelAnomalyTypeSeverity(rows: PanelRows, size?: PanelSize): ChartSpec {
  return {
    ...panelFrame('Anomaly type × severity', 'anomalies in the selected range', rows, size),
    mark: 'bar',
    encoding: {
      y: { field: 'anomaly_type', type: 'nominal', title: null },
      x: { field: 'anomalies', type: 'quantitative', stack: true, title: 'anomalies' },
      color: { field: 'severity', type: 'nominal', scale: SEVERITY_SCALE },
      tooltip: [{ field: 'anomaly_type' }, { field: 'severity' }, { field: 'anomalies' }],
    },
  } as ChartSpec;
}
