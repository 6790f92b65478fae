import type { ChartSpec } from '../render.js';
import { type PanelRows, type PanelSize, panelFrame } from './common.js';

/**
 * Device page: the device's raw telemetry (from the lake) around a chosen alert, one line per metric,
 * the alert's time as a rule. Rows: { timestamp, metric, value } (long form); `alertTime` ISO.
 */
export function panelDeviceTelemetry(rows: PanelRows, alertTime: string, size?: PanelSize): ChartSpec {
  const at = new Date(alertTime);
  // A vega-lite DateTime in UTC (a plain string datum is not placed on a temporal scale).
  const alert = {
    utc: true,
    year: at.getUTCFullYear(),
    month: at.getUTCMonth() + 1,
    date: at.getUTCDate(),
    hours: at.getUTCHours(),
    minutes: at.getUTCMinutes(),
    seconds: at.getUTCSeconds(),
  };
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
          encoding: { x: { datum: alert, type: 'temporal' } },
        },
      ],
    },
  } as unknown as ChartSpec;
}
