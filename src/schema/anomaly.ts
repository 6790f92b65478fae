import { z } from 'zod';
import { Severity } from './severity.js';
import { DeviceId, UtcTimestamp } from './telemetry.js';

/** An anomaly raised by the speed layer (topic iot-anomalies, key device_id). */
export const Anomaly = z
  .object({
    device_id: DeviceId,
    /** Event time of the reading that raised it. */
    timestamp: UtcTimestamp,
    anomaly_type: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected snake_case anomaly type'),
    severity: Severity,
    description: z.string().min(1),
    is_confirmed: z.boolean(),
    /** "system" when auto-confirmed, null otherwise. */
    confirmed_by: z.string().min(1).nullable(),
  })
  .strict();
export type Anomaly = z.infer<typeof Anomaly>;

/** Deterministic identity of an anomaly: the serving layer's key. */
export function anomalyIdentity(a: Pick<Anomaly, 'device_id' | 'timestamp' | 'anomaly_type'>): string {
  return JSON.stringify([a.device_id, a.timestamp, a.anomaly_type]);
}
