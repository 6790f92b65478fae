-- Tests of failure_features: each query returns the offending rows (none when the test passes).
-- As publish audits, gold names are bound to the run branch's rebuilt days; failure_features is the session's.

-- test: key (device_id, date) unique and not null
SELECT device_id, date, count(*) AS n FROM failure_features
GROUP BY device_id, date HAVING count(*) > 1 OR device_id IS NULL OR date IS NULL;

-- test: no feature is null and the capped ones stay in range
SELECT * FROM failure_features
WHERE days_with_data NOT BETWEEN 1 AND 7
   OR max_temp IS NULL OR max_temp_slope_7d IS NULL OR avg_energy IS NULL OR avg_energy_slope_7d IS NULL
   OR min_health IS NULL OR min_health_slope_7d IS NULL OR vibration_anomalies IS NULL
   OR vibration_anomalies_7d IS NULL OR vibration_slope_7d IS NULL OR temp_anomalies IS NULL
   OR temp_anomalies_7d IS NULL OR temp_anomalies_slope_7d IS NULL
   OR days_since_maintenance NOT BETWEEN 0 AND 90 OR days_since_failure NOT BETWEEN 0 AND 30
   OR failures_30d < 0 OR vibration_anomalies > vibration_anomalies_7d OR temp_anomalies > temp_anomalies_7d;

-- test: one row for every prediction of gold_failure_predictions, and no other
SELECT coalesce(f.device_id, p.device_id) AS device_id, coalesce(f.date, p.prediction_date) AS date,
       f.device_id IS NULL AS missing_features, p.device_id IS NULL AS missing_prediction
FROM failure_features AS f
FULL JOIN gold_failure_predictions AS p ON p.device_id = f.device_id AND p.prediction_date = f.date
WHERE (f.date BETWEEN (SELECT min(prediction_date) FROM gold_failure_predictions)
                  AND (SELECT max(prediction_date) FROM gold_failure_predictions) OR f.date IS NULL)
  AND (f.device_id IS NULL OR p.device_id IS NULL);

-- test: the day's levels are that day's health row (data on or before the date only)
SELECT f.device_id, f.date, f.max_temp, h.max_temp AS health_max_temp, f.temp_anomalies, h.temp_anomalies
FROM failure_features AS f
JOIN gold_device_health AS h ON h.device_id = f.device_id AND h.date = f.date
WHERE f.max_temp IS DISTINCT FROM h.max_temp OR f.temp_anomalies IS DISTINCT FROM h.temp_anomalies
   OR f.vibration_anomalies IS DISTINCT FROM h.vibration_anomalies;
