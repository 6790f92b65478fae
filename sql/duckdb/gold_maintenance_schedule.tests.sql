-- Tests of gold_maintenance_schedule: each query returns the offending rows (none when the test passes).

-- test: one row per prediction, same score
SELECT p.device_id, p.prediction_date FROM gold_failure_predictions AS p
LEFT JOIN gold_maintenance_schedule AS m ON m.device_id = p.device_id AND m.date = p.prediction_date
WHERE m.device_id IS NULL OR m.failure_risk_score IS DISTINCT FROM p.failure_risk_score;

-- test: window and cost follow the priority
SELECT device_id, date, priority, "window", estimated_cost FROM gold_maintenance_schedule
WHERE (priority = 'P0' AND ("window" <> 'within_4_hours' OR estimated_cost <> 5000))
   OR (priority = 'P1' AND ("window" <> 'within_3_days' OR estimated_cost <> 2000))
   OR (priority IN ('P2', 'P3') AND ("window" <> 'next_routine_cycle' OR estimated_cost <> 500))
   OR priority NOT IN ('P0', 'P1', 'P2', 'P3');

-- test: P0 exactly when the risk is above 0.7
SELECT device_id, date, priority, failure_risk_score FROM gold_maintenance_schedule
WHERE (priority = 'P0') <> (failure_risk_score > 0.7);
