-- gold_failure_predictions
-- Grain:   one row per device and prediction_date, for every date in [$from_date, $to_date] and every device
--          with telemetry in the 7 days ending there (as of that date's data: nothing later is used).
-- Inputs:  silver_telemetry_daily; failure_model_scores (the failure model's scores of failure_features, a
--          session table the batch run builds from the model artifact: src/batch/modelScores.ts).
-- Params:  $from_date, $to_date (DATE, inclusive).
-- Columns:
--   anomalies_7d             vibration-anomaly readings over the 7 UTC days ending with prediction_date
--   avg_temp_7d              mean temperature over those days (°C, 1 dp)
--   peak_energy_7d           highest energy_usage over those days (kWh)
--   worst_health_score_7d    lowest composite_health_score over those days
--   anomalies_24h            vibration-anomaly readings on prediction_date (that UTC day)
--   peak_temp_24h            highest temperature on prediction_date (null without telemetry that day)
--   failure_risk_score       round(0.3·anomalies_24h/10 + 0.4·peak_temp_24h/30 + 0.2·(1 − worst_health_score_7d)
--                            + 0.1·peak_energy_7d/5, 2), clipped to [0, 1]; a missing term counts as 0
--   recommended_action       > 0.8 immediate_shutdown, > 0.6 emergency_maintenance, > 0.4 schedule_maintenance,
--                            else monitor_only
--   model_risk_score         the failure model's probability of a failure within 3 days (null: no features)
--   model_id                 the model that scored the row
-- Fixes of the reference: its "7d" window was 60 days; the score was not clipped; prediction_date was the
-- wall-clock day of the run (results depended on when it ran) — here it is each date of the data.
WITH daily AS (
  SELECT
    device_id,
    date,
    readings,
    sum_temp,
    max_temp,
    max_energy,
    min_health_score AS min_health,
    vibration_anomalies
  FROM silver_telemetry_daily
),

dates AS (
  SELECT CAST(d AS DATE) AS prediction_date
  FROM range(CAST($from_date AS DATE), CAST($to_date AS DATE) + INTERVAL 1 DAY, INTERVAL 1 DAY) AS t(d)
),

windows AS (
  SELECT
    daily.device_id,
    dates.prediction_date,
    sum(daily.vibration_anomalies) AS anomalies_7d,
    round(CAST(sum(daily.sum_temp) AS DOUBLE) / sum(daily.readings), 1) AS avg_temp_7d,
    max(daily.max_energy) AS peak_energy_7d,
    min(daily.min_health) AS worst_health_score_7d,
    coalesce(sum(daily.vibration_anomalies) FILTER (WHERE daily.date = dates.prediction_date), 0) AS anomalies_24h,
    max(daily.max_temp) FILTER (WHERE daily.date = dates.prediction_date) AS peak_temp_24h
  FROM dates
  JOIN daily ON daily.date BETWEEN dates.prediction_date - 6 AND dates.prediction_date
  GROUP BY daily.device_id, dates.prediction_date
),

scored AS (
  SELECT
    *,
    round(
      least(1, greatest(0,
        0.3 * anomalies_24h / 10
        + 0.4 * coalesce(peak_temp_24h, 0) / 30
        + 0.2 * (1 - coalesce(worst_health_score_7d, 1))
        + 0.1 * coalesce(peak_energy_7d, 0) / 5
      )),
      2
    ) AS failure_risk_score
  FROM windows
)

SELECT
  device_id,
  prediction_date,
  anomalies_7d,
  avg_temp_7d,
  peak_energy_7d,
  worst_health_score_7d,
  anomalies_24h,
  peak_temp_24h,
  failure_risk_score,
  CASE
    WHEN failure_risk_score > 0.8 THEN 'immediate_shutdown'
    WHEN failure_risk_score > 0.6 THEN 'emergency_maintenance'
    WHEN failure_risk_score > 0.4 THEN 'schedule_maintenance'
    ELSE 'monitor_only'
  END AS recommended_action,
  model_risk_score,
  model_id
FROM scored
LEFT JOIN failure_model_scores USING (device_id, prediction_date)
