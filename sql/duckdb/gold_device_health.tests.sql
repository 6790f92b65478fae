-- Tests of gold_device_health: each query returns the offending rows (none when the test passes).
-- They are the batch run's publish audits: model names are bound to the rebuilt days of the run branch's
-- tables (silver names to the same days), or to the whole tables for a test headed `-- scope: table`.

-- test: key (device_id, date) unique and not null
SELECT device_id, date, count(*) AS n FROM gold_device_health
GROUP BY device_id, date HAVING count(*) > 1 OR device_id IS NULL OR date IS NULL;

-- test: a row exactly for each device-day with telemetry
SELECT coalesce(s.device_id, h.device_id) AS device_id, coalesce(s.date, h.date) AS date, coalesce(h.n, 0) AS health_rows
FROM (SELECT device_id, date FROM silver_telemetry_daily) AS s
FULL JOIN (SELECT device_id, date, count(*) AS n FROM gold_device_health GROUP BY ALL) AS h
  ON h.device_id = s.device_id AND h.date = s.date
WHERE s.device_id IS NULL OR h.n IS NULL OR h.n <> 1;

-- test: min_health_score within [0, 1]
SELECT device_id, date, min_health_score FROM gold_device_health
WHERE min_health_score NOT BETWEEN 0 AND 1 OR min_health_score IS NULL;

-- test: failures_count is the number of failure events that day, failed_components their distinct components
SELECT h.device_id, h.date, h.failures_count, h.failed_components FROM gold_device_health AS h
WHERE h.failures_count <> (SELECT count(*) FROM silver_events AS e WHERE e.is_failure AND e.device_id = h.device_id AND e.event_date = h.date)
   OR len(h.failed_components) > h.failures_count;

-- test: days_since_maintenance is 999 or between 0 and the days since the first event
SELECT device_id, date, days_since_maintenance FROM gold_device_health
WHERE days_since_maintenance <> 999 AND days_since_maintenance NOT BETWEEN 0 AND 998;

-- test: anomaly counts within the day's readings
SELECT h.device_id, h.date FROM gold_device_health AS h
JOIN silver_telemetry_daily AS s USING (device_id, date)
WHERE h.vibration_anomalies > s.readings OR h.temp_anomalies > s.readings OR h.vibration_anomalies < 0;

-- test: readings is the day's silver readings, at least one
SELECT h.device_id, h.date, h.readings FROM gold_device_health AS h
WHERE h.readings IS NULL OR h.readings < 1
   OR h.readings IS DISTINCT FROM (SELECT s.readings FROM silver_telemetry_daily AS s WHERE s.device_id = h.device_id AND s.date = h.date);
