import { openLakeReader } from '../lake/lakeReader.js';
import type { ObjectStore } from '../store/objectStore.js';
import { panelDeviceTelemetry } from '../viz/panels/index.js';
import type { ChartSpec } from '../viz/render.js';

/** A device's raw telemetry around a time: long-form rows and the panel's chart. */
export interface TelemetryPanel {
  name: 'device_telemetry';
  alert: string;
  rows: Record<string, unknown>[];
  spec: ChartSpec;
}

export type TelemetryAround = (device: string, alert: string) => Promise<TelemetryPanel>;

const HOUR = 3_600_000;
const METRICS = ['temperature', 'vibration', 'energy_usage', 'signal_strength'] as const;

/**
 * Reads a device's raw telemetry from the lake, one hour either side of `alert` (ISO UTC), in long form
 * ({ timestamp, metric, value }), with its chart.
 * @example const panel = await telemetryAround(store, config.dataDir)('device_3', '2025-04-07T13:42:00Z');
 */
export function telemetryAround(store: ObjectStore, dataDir: string): TelemetryAround {
  return async (device, alert) => {
    const at = Date.parse(alert);
    const from = new Date(at - HOUR).toISOString();
    const to = new Date(at + HOUR).toISOString();
    const lake = await openLakeReader(store, { dataDir, from: from.slice(0, 10), to: to.slice(0, 10) });
    try {
      const wide = await lake.query(
        `select strftime(timestamp, '%Y-%m-%dT%H:%M:%SZ') as timestamp, ${METRICS.join(', ')} from raw_telemetry
         where device_id = $1 and timestamp >= cast($2 as timestamptz) and timestamp <= cast($3 as timestamptz)
         order by timestamp`,
        [device, from, to],
      );
      const rows: Record<string, unknown>[] = [];
      for (const r of wide) {
        for (const metric of METRICS) {
          if (r[metric] !== null && r[metric] !== undefined) {
            rows.push({ timestamp: r.timestamp, metric, value: r[metric] });
          }
        }
      }
      return { name: 'device_telemetry', alert, rows, spec: panelDeviceTelemetry(rows, alert) };
    } finally {
      lake.close();
    }
  };
}
