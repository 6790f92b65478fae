-- failure_labels
-- Grain:   one row per (device_id, date) of failure_features.
-- Inputs:  failure_features (its keys), silver_events (failure events), gold_device_health (the newest date
--          with telemetry: the data's last day).
-- Params:  $horizon_days (INTEGER, H; 3 by default).
-- Columns:
--   labelled                 D + H is on or before the data's last day (else the outcome is not known yet)
--   label                    the device has a failure event dated in (D, D + H]; null when not labelled
--                            (a failure on D itself is a feature, never a label — SEED-FACTS "Failure labels")
--   failure_date             the first failure event date in (D, D + H], else null
WITH last_day AS (
  SELECT max(date) AS d FROM gold_device_health
),

failures AS (
  SELECT DISTINCT device_id, event_date FROM silver_events WHERE is_failure
),

outcomes AS (
  SELECT
    f.device_id,
    f.date,
    f.date + CAST($horizon_days AS INTEGER) <= l.d AS labelled,
    min(e.event_date) AS failure_date
  FROM failure_features AS f
  CROSS JOIN last_day AS l
  LEFT JOIN failures AS e
    ON e.device_id = f.device_id
    AND e.event_date > f.date
    AND e.event_date <= f.date + CAST($horizon_days AS INTEGER)
  GROUP BY f.device_id, f.date, l.d
)

SELECT
  device_id,
  date,
  labelled,
  CASE WHEN labelled THEN failure_date IS NOT NULL END AS label,
  failure_date
FROM outcomes
