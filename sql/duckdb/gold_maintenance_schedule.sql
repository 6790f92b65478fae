-- gold_maintenance_schedule
-- Grain:   one row per device and date: every (device_id, prediction_date) of gold_failure_predictions.
-- Inputs:  gold_failure_predictions, gold_device_health, silver_events.
-- Params:  $risk_score_source ('reference' | 'model'), $model_threshold (the failure model's P0 threshold).
-- Columns:
--   priority                 P0 when the risk is high: failure_risk_score > 0.7 (reference), or
--                            model_risk_score > $model_threshold (model); else P1 when days_since_maintenance > 90;
--                            else P2 when vibration_anomalies > 5; else P3
--   window                   P0 within_4_hours; P1 within_3_days; otherwise next_routine_cycle
--   estimated_cost           P0 5000; P1 2000; otherwise 500
--   failure_risk_score       from gold_failure_predictions
--   risk_score_source        which score decided P0: reference | model (LAMBDA_IOT_RISK_SCORE)
-- On a day without telemetry the device has no health row: vibration_anomalies counts as 0 and
-- days_since_maintenance comes from the events (999 when it never had a maintenance).
WITH inputs AS (
  SELECT
    p.device_id,
    p.prediction_date AS date,
    p.failure_risk_score,
    p.model_risk_score,
    coalesce(h.vibration_anomalies, 0) AS vibration_anomalies,
    coalesce(
      h.days_since_maintenance,
      (
        SELECT date_diff('day', max(e.event_date), p.prediction_date)
        FROM silver_events AS e
        WHERE e.device_id = p.device_id AND e.is_maintenance AND e.event_date <= p.prediction_date
      ),
      999
    ) AS days_since_maintenance
  FROM gold_failure_predictions AS p
  LEFT JOIN gold_device_health AS h ON h.device_id = p.device_id AND h.date = p.prediction_date
),

prioritized AS (
  SELECT
    *,
    CASE
      WHEN CASE CAST($risk_score_source AS VARCHAR)
        WHEN 'model' THEN model_risk_score > CAST($model_threshold AS DOUBLE)
        ELSE failure_risk_score > 0.7
      END THEN 'P0'
      WHEN days_since_maintenance > 90 THEN 'P1'
      WHEN vibration_anomalies > 5 THEN 'P2'
      ELSE 'P3'
    END AS priority
  FROM inputs
)

SELECT
  device_id,
  date,
  priority,
  CASE priority WHEN 'P0' THEN 'within_4_hours' WHEN 'P1' THEN 'within_3_days' ELSE 'next_routine_cycle' END AS "window",
  CASE priority WHEN 'P0' THEN 5000 WHEN 'P1' THEN 2000 ELSE 500 END AS estimated_cost,
  failure_risk_score,
  CAST($risk_score_source AS VARCHAR) AS risk_score_source
FROM prioritized
