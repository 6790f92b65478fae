-- gold_device_health
-- Grain:   one row per (device_id, date) with telemetry, for dates in [$from_date − 6, $to_date] (the batch
--          run publishes [$from_date, $to_date]; the earlier days feed the prediction windows).
-- Inputs:  silver_telemetry_daily, silver_events.
-- Params:  $from_date, $to_date (DATE, inclusive).
-- Columns:
--   avg_energy               mean energy_usage (kWh), 2 dp
--   max_temp                 highest temperature (°C)
--   min_health_score         lowest composite_health_score of a reading
--   vibration_anomalies      readings with vibration above the threshold
--   temp_anomalies           readings above the device's temperature baseline
--   avg_signal_strength      mean signal_strength (%)
--                            (these six as silver_telemetry_daily computes them)
--   failures_count           failure events that day (0 when none)
--   failed_components        distinct components that failed that day, sorted ([] when none)
--   readings                 readings that day (the real-time view counts the same)
--   days_since_maintenance   days since the device's last maintenance on or before that date (999 when none)
-- Fix of the reference: it used the device's latest maintenance ever, so earlier days got negative values.
-- A device without telemetry on a day has no row that day (its failures still count in prediction windows).
WITH daily AS (
  SELECT
    device_id,
    date,
    readings,
    avg_energy,
    max_temp,
    min_health_score,
    vibration_anomalies,
    temp_anomalies,
    avg_signal_strength
  FROM silver_telemetry_daily
  WHERE date BETWEEN CAST($from_date AS DATE) - 6 AND CAST($to_date AS DATE)
),

failures AS (
  SELECT
    device_id,
    event_date AS date,
    count(*) AS failures_count,
    list_sort(list_distinct(list(component))) AS failed_components
  FROM silver_events
  WHERE is_failure
  GROUP BY device_id, event_date
),

maintenance AS (
  SELECT DISTINCT device_id, event_date
  FROM silver_events
  WHERE is_maintenance
),

last_maintenance AS (
  SELECT d.device_id, d.date, max(m.event_date) AS last_date
  FROM daily AS d
  JOIN maintenance AS m ON m.device_id = d.device_id AND m.event_date <= d.date
  GROUP BY d.device_id, d.date
)

SELECT
  d.device_id,
  d.date,
  d.avg_energy,
  d.max_temp,
  d.min_health_score,
  d.vibration_anomalies,
  d.temp_anomalies,
  d.avg_signal_strength,
  coalesce(f.failures_count, 0) AS failures_count,
  coalesce(f.failed_components, []::VARCHAR[]) AS failed_components,
  coalesce(date_diff('day', lm.last_date, d.date), 999) AS days_since_maintenance,
  d.readings
FROM daily AS d
LEFT JOIN failures AS f ON f.device_id = d.device_id AND f.date = d.date
LEFT JOIN last_maintenance AS lm ON lm.device_id = d.device_id AND lm.date = d.date
