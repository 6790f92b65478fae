-- Tests of gold_maintenance_schedule: each query returns the offending rows (none when the test passes).
-- They are the batch run's publish audits: model names are bound to the rebuilt days of the run branch's
-- tables (silver names to the same days), or to the whole tables for a test headed `-- scope: table`.

-- test: key (device_id, date) unique and not null
SELECT device_id, date, count(*) AS n FROM gold_maintenance_schedule
GROUP BY device_id, date HAVING count(*) > 1 OR device_id IS NULL OR date IS NULL;

-- test: one row per prediction, same score
SELECT p.device_id, p.prediction_date FROM gold_failure_predictions AS p
LEFT JOIN gold_maintenance_schedule AS m ON m.device_id = p.device_id AND m.date = p.prediction_date
WHERE m.device_id IS NULL OR m.failure_risk_score IS DISTINCT FROM p.failure_risk_score;

-- test: window and cost follow the priority
SELECT device_id, date, priority, "window", estimated_cost FROM gold_maintenance_schedule
WHERE (priority = 'P0' AND ("window" IS DISTINCT FROM 'within_4_hours' OR estimated_cost IS DISTINCT FROM 5000))
   OR (priority = 'P1' AND ("window" IS DISTINCT FROM 'within_3_days' OR estimated_cost IS DISTINCT FROM 2000))
   OR (priority IN ('P2', 'P3') AND ("window" IS DISTINCT FROM 'next_routine_cycle' OR estimated_cost IS DISTINCT FROM 500))
   OR priority IS NULL OR priority NOT IN ('P0', 'P1', 'P2', 'P3');

-- test: P0 exactly when the risk is above 0.7
-- (with the reference score; rows older than risk_score_source read null there and used it too)
SELECT device_id, date, priority, failure_risk_score FROM gold_maintenance_schedule
WHERE coalesce(risk_score_source, 'reference') = 'reference'
  AND (priority = 'P0') IS DISTINCT FROM (failure_risk_score > 0.7);

-- test: with the model's score, P0 is one threshold: every P0 day outscores every other day
SELECT m.device_id, m.date, m.priority, p.model_risk_score FROM gold_maintenance_schedule AS m
JOIN gold_failure_predictions AS p ON p.device_id = m.device_id AND p.prediction_date = m.date
WHERE m.risk_score_source = 'model'
  AND (
    (m.priority = 'P0' AND p.model_risk_score IS NULL)
    OR (m.priority = 'P0' AND p.model_risk_score <= (
      SELECT max(p2.model_risk_score) FROM gold_maintenance_schedule AS m2
      JOIN gold_failure_predictions AS p2 ON p2.device_id = m2.device_id AND p2.prediction_date = m2.date
      WHERE m2.risk_score_source = 'model' AND m2.priority <> 'P0'))
  );

-- test: risk_score_source is reference or model
SELECT device_id, date, risk_score_source FROM gold_maintenance_schedule
WHERE risk_score_source IS NOT NULL AND risk_score_source NOT IN ('reference', 'model');

-- test: scheduled devices have health rows
-- scope: table
SELECT DISTINCT device_id FROM gold_maintenance_schedule
WHERE device_id NOT IN (SELECT device_id FROM gold_device_health);
