-- failure_features
-- Grain:   one row per device and date: every date in [$from_date, $to_date] and every device with a
--          gold_device_health row in the 7 days ending there (the grain of gold_failure_predictions).
--          Only data on or before that date is used: health rows dated D−6..D and events dated ≤ D.
-- Inputs:  gold_device_health (rows for [$from_date − 6, $to_date]), silver_events.
-- Params:  $from_date, $to_date (DATE, inclusive).
-- Columns (the failure model's inputs; never null):
--   days_with_data           health rows in the 7 days D−6..D (1–7)
--   max_temp                 max_temp on D, or its 7-day mean when the device was silent on D (°C)
--   max_temp_slope_7d        regr_slope of max_temp over D−6..D (°C per day; 0 with fewer than 2 days of data)
--   avg_energy               avg_energy on D, else its 7-day mean (kWh)
--   avg_energy_slope_7d      regr_slope of avg_energy over D−6..D (kWh per day)
--   min_health               min_health_score on D, else its 7-day mean
--   min_health_slope_7d      regr_slope of min_health_score over D−6..D (per day)
--   vibration_anomalies      vibration anomalies on D (0 when silent)
--   vibration_anomalies_7d   vibration anomalies over D−6..D
--   vibration_slope_7d       regr_slope of daily vibration anomalies over D−6..D
--   temp_anomalies           temperature anomalies on D (against the device's own baseline; 0 when silent)
--   temp_anomalies_7d        temperature anomalies over D−6..D
--   temp_anomalies_slope_7d  regr_slope of daily temperature anomalies over D−6..D
--   days_since_maintenance   days since the device's last maintenance event on or before D, capped at 90
--                            (90 when it never had one)
--   days_since_failure       days since its last failure event on or before D, capped at 30 (30 when none)
--   failures_30d             failure events dated D−29..D
WITH dates AS (
  SELECT CAST(d AS DATE) AS date
  FROM range(CAST($from_date AS DATE), CAST($to_date AS DATE) + INTERVAL 1 DAY, INTERVAL 1 DAY) AS t(d)
),

windows AS (
  SELECT
    h.device_id,
    dates.date,
    count(*) AS days_with_data,
    coalesce(max(h.max_temp) FILTER (WHERE h.date = dates.date), avg(h.max_temp)) AS max_temp,
    CASE WHEN count(*) >= 2 THEN regr_slope(h.max_temp, date_diff('day', dates.date, h.date)) ELSE 0 END AS max_temp_slope_7d,
    coalesce(max(h.avg_energy) FILTER (WHERE h.date = dates.date), avg(h.avg_energy)) AS avg_energy,
    CASE WHEN count(*) >= 2 THEN regr_slope(h.avg_energy, date_diff('day', dates.date, h.date)) ELSE 0 END AS avg_energy_slope_7d,
    coalesce(min(h.min_health_score) FILTER (WHERE h.date = dates.date), avg(h.min_health_score)) AS min_health,
    CASE WHEN count(*) >= 2 THEN regr_slope(h.min_health_score, date_diff('day', dates.date, h.date)) ELSE 0 END AS min_health_slope_7d,
    coalesce(sum(h.vibration_anomalies) FILTER (WHERE h.date = dates.date), 0) AS vibration_anomalies,
    sum(h.vibration_anomalies) AS vibration_anomalies_7d,
    CASE WHEN count(*) >= 2 THEN regr_slope(h.vibration_anomalies, date_diff('day', dates.date, h.date)) ELSE 0 END AS vibration_slope_7d,
    coalesce(sum(h.temp_anomalies) FILTER (WHERE h.date = dates.date), 0) AS temp_anomalies,
    sum(h.temp_anomalies) AS temp_anomalies_7d,
    CASE WHEN count(*) >= 2 THEN regr_slope(h.temp_anomalies, date_diff('day', dates.date, h.date)) ELSE 0 END AS temp_anomalies_slope_7d
  FROM dates
  JOIN gold_device_health AS h ON h.date BETWEEN dates.date - 6 AND dates.date
  GROUP BY h.device_id, dates.date
),

history AS (
  SELECT
    w.device_id,
    w.date,
    max(e.event_date) FILTER (WHERE e.is_maintenance) AS last_maintenance,
    max(e.event_date) FILTER (WHERE e.is_failure) AS last_failure,
    count(*) FILTER (WHERE e.is_failure AND e.event_date > w.date - 30) AS failures_30d
  FROM windows AS w
  JOIN silver_events AS e ON e.device_id = w.device_id AND e.event_date <= w.date
  GROUP BY w.device_id, w.date
)

SELECT
  w.device_id,
  w.date,
  CAST(w.days_with_data AS INTEGER) AS days_with_data,
  CAST(w.max_temp AS DOUBLE) AS max_temp,
  CAST(w.max_temp_slope_7d AS DOUBLE) AS max_temp_slope_7d,
  CAST(w.avg_energy AS DOUBLE) AS avg_energy,
  CAST(w.avg_energy_slope_7d AS DOUBLE) AS avg_energy_slope_7d,
  CAST(w.min_health AS DOUBLE) AS min_health,
  CAST(w.min_health_slope_7d AS DOUBLE) AS min_health_slope_7d,
  CAST(w.vibration_anomalies AS INTEGER) AS vibration_anomalies,
  CAST(w.vibration_anomalies_7d AS INTEGER) AS vibration_anomalies_7d,
  CAST(w.vibration_slope_7d AS DOUBLE) AS vibration_slope_7d,
  CAST(w.temp_anomalies AS INTEGER) AS temp_anomalies,
  CAST(w.temp_anomalies_7d AS INTEGER) AS temp_anomalies_7d,
  CAST(w.temp_anomalies_slope_7d AS DOUBLE) AS temp_anomalies_slope_7d,
  CAST(least(coalesce(date_diff('day', hi.last_maintenance, w.date), 90), 90) AS INTEGER) AS days_since_maintenance,
  CAST(least(coalesce(date_diff('day', hi.last_failure, w.date), 30), 30) AS INTEGER) AS days_since_failure,
  CAST(coalesce(hi.failures_30d, 0) AS INTEGER) AS failures_30d
FROM windows AS w
LEFT JOIN history AS hi ON hi.device_id = w.device_id AND hi.date = w.date
