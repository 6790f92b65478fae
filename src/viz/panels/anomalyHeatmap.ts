import type { ChartSpec } from '../render.js';
import { type PanelRows, type PanelSize, panelFrame } from './common.js';

/**
 * Anomaly heat map: device-days per daily max temperature band (2 °C) × vibration anomalies that day.
 * Rows: { temp_band, vibration_anomalies, device_days } (panels/anomaly_heatmap.sql).
 */
export function panelAnomalyHeatmap(rows: PanelRows, size?: PanelSize): ChartSpec {
  return {
    ...panelFrame(
      'Temperature band × vibration anomalies',
      'device-days (Gold) by daily max temperature and vibration anomalies (10 = 10+)',
      rows,
      size,
    ),
    mark: 'rect',
    encoding: {
      x: { field: 'vibration_anomalies', type: 'ordinal', title: 'vibration anomalies per day' },
      y: { field: 'temp_band', type: 'ordinal', sort: 'descending', title: 'max temperature band (°C)' },
      color: {
        field: 'device_days',
        type: 'quantitative',
        scale: { scheme: 'orangered' },
        title: 'device-days',
      },
      tooltip: [{ field: 'temp_band' }, { field: 'vibration_anomalies' }, { field: 'device_days' }],
    },
  } as ChartSpec;
}
