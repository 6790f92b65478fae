import type { ChartSpec } from '../render.js';
import { type PanelRows, type PanelSize, panelFrame, SEVERITY_SCALE } from './common.js';

/**
 * Alert list: the newest anomalies of the selected range as a table (time UTC, device, type, severity,
 * status). Rows: { device_id, timestamp, anomaly_type, severity, status, description }
 * (panels/alert_list.sql). A click on a row selects the device.
 */
export function panelAlertList(rows: PanelRows, size?: PanelSize): ChartSpec {
  const columns = [
    { field: 'time', x: 0 },
    { field: 'device_id', x: 130 },
    { field: 'anomaly_type', x: 230 },
    { field: 'severity', x: 360 },
    { field: 'status', x: 430 },
  ];
  return {
    ...panelFrame('Alerts', 'newest anomalies in the selected range (at most 50), UTC', rows, {
      width: 500,
      height: Math.max(40, rows.length * 16),
      ...size,
    }),
    transform: [
      { window: [{ op: 'row_number', as: 'row' }] },
      { calculate: "utcFormat(toDate(datum.timestamp), '%Y-%m-%d %H:%M:%S')", as: 'time' },
    ],
    encoding: {
      y: { field: 'row', type: 'ordinal', axis: null },
    },
    layer: [
      {
        mark: { type: 'rect', cursor: 'pointer', opacity: 0.25 },
        encoding: {
          x: { value: 0 },
          x2: { value: 500 },
          color: { field: 'severity', type: 'nominal', scale: SEVERITY_SCALE, legend: null },
          tooltip: [{ field: 'description' }],
        },
      },
      ...columns.map((c) => ({
        mark: { type: 'text' as const, align: 'left' as const, x: c.x, cursor: 'pointer' },
        encoding: { text: { field: c.field, type: 'nominal' as const } },
      })),
    ],
  } as ChartSpec;
}
