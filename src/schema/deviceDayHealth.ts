import { z } from 'zod';
import { DeviceId, TELEMETRY_RANGES, UtcTimestamp } from './telemetry.js';

const within = (field: keyof typeof TELEMETRY_RANGES) =>
  z.number().min(TELEMETRY_RANGES[field].min).max(TELEMETRY_RANGES[field].max);

/**
 * One row of the speed layer's real-time device-day view (topic iot-device-health-rt, key device_id):
 * the running aggregates of one device's readings on one UTC event date, with the same meaning as the
 * gold_device_health columns of the same name. A newer value for the same (device_id, date) replaces it.
 */
export const DeviceDayHealth = z
  .object({
    device_id: DeviceId,
    /** UTC event date, YYYY-MM-DD. */
    date: z.iso.date({ message: 'expected a date YYYY-MM-DD' }),
    /** Readings of the device on that date so far. */
    readings: z.number().int().positive(),
    /** Mean energy_usage (kWh), 2 dp. */
    avg_energy: within('energy_usage'),
    /** Highest temperature (°C). */
    max_temp: within('temperature'),
    /** Lowest composite_health_score (0–1, 2 dp). */
    min_health_score: z.number().min(0).max(1),
    /** Readings with vibration above LAMBDA_IOT_VIBRATION_THRESHOLD. */
    vibration_anomalies: z.number().int().nonnegative(),
    /** Mean signal_strength (%). */
    avg_signal_strength: within('signal_strength'),
    /** Event time of the newest reading counted. */
    newest_event_time: UtcTimestamp,
  })
  .strict()
  .refine((row) => row.vibration_anomalies <= row.readings, {
    message: 'vibration_anomalies exceeds readings',
    path: ['vibration_anomalies'],
  });
export type DeviceDayHealth = z.infer<typeof DeviceDayHealth>;
