-- Tests of silver_telemetry: each query returns the offending rows (none when the test passes).
-- They are the batch run's publish audits: model names are bound to the rebuilt days of the run branch's
-- tables (silver names to the same days), or to the whole tables for a test headed `-- scope: table`.

-- test: one row per raw reading in the model's dates
SELECT * FROM (
  SELECT
    (SELECT count(*) FROM raw_telemetry
      WHERE CAST("timestamp" AS DATE) BETWEEN (SELECT min(date) FROM silver_telemetry) AND (SELECT max(date) FROM silver_telemetry)
    ) AS raw_rows,
    (SELECT count(*) FROM silver_telemetry) AS silver_rows
) WHERE raw_rows <> silver_rows;

-- test: composite_health_score within [0, 1]
SELECT device_id, "timestamp", composite_health_score FROM silver_telemetry
WHERE composite_health_score NOT BETWEEN 0 AND 1 OR composite_health_score IS NULL;

-- test: date and hour are the UTC date and hour of the reading
SELECT device_id, "timestamp", date, hour FROM silver_telemetry
WHERE date <> CAST("timestamp" AS DATE) OR hour <> hour("timestamp") OR hour NOT BETWEEN 0 AND 23;

-- test: flags are never null
SELECT device_id, "timestamp" FROM silver_telemetry
WHERE is_vibration_anomaly IS NULL OR is_temp_anomaly IS NULL OR is_energy_spike IS NULL;
