-- Tests of gold_failure_predictions: each query returns the offending rows (none when the test passes).
-- They are the batch run's publish audits: model names are bound to the rebuilt days of the run branch's
-- tables (silver names to the same days), or to the whole tables for a test headed `-- scope: table`.

-- test: key (device_id, prediction_date) unique and not null
SELECT device_id, prediction_date, count(*) AS n FROM gold_failure_predictions
GROUP BY device_id, prediction_date HAVING count(*) > 1 OR device_id IS NULL OR prediction_date IS NULL;

-- test: failure_risk_score within [0, 1] and the action follows it
SELECT device_id, prediction_date, failure_risk_score, recommended_action FROM gold_failure_predictions
WHERE failure_risk_score NOT BETWEEN 0 AND 1 OR failure_risk_score IS NULL
   OR recommended_action IS DISTINCT FROM CASE
        WHEN failure_risk_score > 0.8 THEN 'immediate_shutdown'
        WHEN failure_risk_score > 0.6 THEN 'emergency_maintenance'
        WHEN failure_risk_score > 0.4 THEN 'schedule_maintenance'
        ELSE 'monitor_only' END;

-- test: worst_health_score_7d within [0, 1]
SELECT device_id, prediction_date, worst_health_score_7d FROM gold_failure_predictions
WHERE worst_health_score_7d NOT BETWEEN 0 AND 1 OR worst_health_score_7d IS NULL;

-- test: the 24 h counts are part of the 7 d counts
SELECT device_id, prediction_date, anomalies_24h, anomalies_7d FROM gold_failure_predictions
WHERE anomalies_24h > anomalies_7d OR anomalies_24h < 0;

-- test: windows use only data up to the prediction date (as of that date)
-- (peak_temp_24h is that day's max_temp as gold_device_health computes it, null without telemetry that day)
SELECT p.device_id, p.prediction_date, p.peak_temp_24h, h.max_temp FROM gold_failure_predictions AS p
LEFT JOIN gold_device_health AS h ON h.device_id = p.device_id AND h.date = p.prediction_date
WHERE p.peak_temp_24h IS DISTINCT FROM h.max_temp;

-- test: model_risk_score is a probability, scored by a named model, for every row with features
SELECT p.device_id, p.prediction_date, p.model_risk_score, p.model_id FROM gold_failure_predictions AS p
WHERE p.model_risk_score NOT BETWEEN 0 AND 1
   OR (p.model_risk_score IS NULL) <> (p.model_id IS NULL)
   OR p.model_risk_score IS NULL;

-- test: one model scored the rebuilt days
SELECT count(DISTINCT model_id) AS models FROM gold_failure_predictions HAVING count(DISTINCT model_id) > 1;
