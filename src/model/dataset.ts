import type { DuckSession } from '../duckdb/duckSession.js';

/** The columns of failure_features (sql/duckdb/failure_features.sql) the model reads, in order. */
export const FEATURES = [
  'days_with_data',
  'max_temp',
  'max_temp_slope_7d',
  'avg_energy',
  'avg_energy_slope_7d',
  'min_health',
  'min_health_slope_7d',
  'vibration_anomalies',
  'vibration_anomalies_7d',
  'vibration_slope_7d',
  'temp_anomalies',
  'temp_anomalies_7d',
  'temp_anomalies_slope_7d',
  'days_since_maintenance',
  'days_since_failure',
  'failures_30d',
] as const;

/** One device-day: its features, its outcome (null when not labelled yet) and the reference's score. */
export interface DeviceDay {
  device_id: string;
  /** The prediction date D, YYYY-MM-DD. */
  day: string;
  features: number[];
  label: boolean | null;
  /** gold_failure_predictions.failure_risk_score. */
  reference: number;
}

/**
 * The device-days of failure_features, failure_labels and gold_failure_predictions built in the session,
 * ordered by date then device (the order training and evaluation rely on).
 */
export async function readDeviceDays(
  duck: DuckSession,
  features: readonly string[] = FEATURES,
): Promise<DeviceDay[]> {
  const rows = await duck.rows<Record<string, unknown>>(
    `SELECT f.device_id, CAST(f.date AS VARCHAR) AS day, l.label, p.failure_risk_score AS reference,
            ${features.map((c) => `CAST(f."${c}" AS DOUBLE) AS "${c}"`).join(', ')}
     FROM failure_features AS f
     JOIN failure_labels AS l ON l.device_id = f.device_id AND l.date = f.date
     JOIN gold_failure_predictions AS p ON p.device_id = f.device_id AND p.prediction_date = f.date
     ORDER BY f.date, f.device_id`,
  );
  return rows.map((r) => ({
    device_id: r.device_id as string,
    day: r.day as string,
    label: r.label as boolean | null,
    reference: r.reference as number,
    features: features.map((c) => r[c] as number),
  }));
}
