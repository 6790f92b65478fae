import type { ChartSpec } from '../render.js';
import { type PanelRows, type PanelSize, panelFrame } from './common.js';

/**
 * Device page: the device's raw telemetry (from the lake) around a chosen alert, one line per metric,
 * the alert's time as a rule. Rows: { timestamp, metric, value } (long form); `alertTime` ISO.
 */
export function panelDeviceTelemetry(rows: PanelRows, alertTime: string, size?: PanelSize): ChartSpec {
  return {
    ...panelFrame(
      'Telemetry around the alert',
      `raw readings from the lake, ±1 h around ${alertTime} (UTC)`,
      rows,
      {
        width: 700,
        height: 90,
        ...size,
      },
    ),
    facet: { row: { field: 'metric', type: 'nominal', title: null } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: size?.width ?? 700,
      height: size?.height ?? 90,
      layer: [
        {
          mark: { type: 'line', strokeWidth: 1 },
          encoding: {
            x: {
              field: 'timestamp',
              type: 'temporal',
              scale: { type: 'utc' },
              axis: { format: '%H:%M' },
              title: 'time (UTC)',
            },
            y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
          },
        },
        {
          mark: { type: 'rule', color: '#b2182b' },
          encoding: { x: { datum: alertTime, type: 'temporal' } },
        },
      ],
    },
  } as unknown as ChartSpec;
}
