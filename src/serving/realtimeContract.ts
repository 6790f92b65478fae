import { z } from 'zod';
import { DeviceId, UtcTimestamp } from '../schema/telemetry.js';

/** A row of the speed layer's real-time device-day view (topic iot-device-health-rt), as the serving layer reads it. */
export const RealtimeDeviceDayContract = z
  .object({
    device_id: DeviceId,
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD'),
    readings: z.number().int().nonnegative(),
    avg_energy: z.number().nullable(),
    max_temp: z.number().nullable(),
    min_health_score: z.number().nullable(),
    vibration_anomalies: z.number().int().nonnegative().nullable(),
    avg_signal_strength: z.number().nullable(),
    newest_event_time: UtcTimestamp.nullable(),
  })
  .strip();
