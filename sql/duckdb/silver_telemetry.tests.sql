-- Tests of silver_telemetry: each query returns the offending rows (none when the test passes).
-- They are the batch run's publish audits: model names are bound to the rebuilt days of the run branch's
-- tables (silver names to the same days), or to the whole tables for a test headed `-- scope: table`.

-- test: every raw row in the model's dates is a silver row or a dropped duplicate of one
-- (the dates as a range of instants: a time-zone conversion per reading costs seconds per 10 M readings)
SELECT * FROM (
  SELECT
    (SELECT count(*) FROM raw_telemetry, (SELECT min(date) AS first, max(date) AS last FROM silver_telemetry) AS d
      WHERE "timestamp" >= to_timestamp((d.first - DATE '1970-01-01') * 86400)
        AND "timestamp" < to_timestamp((d.last + 1 - DATE '1970-01-01') * 86400)
    ) AS raw_rows,
    (SELECT count(*) FROM silver_telemetry) AS silver_rows,
    (SELECT coalesce(sum(duplicates_dropped), 0) FROM silver_telemetry) AS duplicates_dropped
) WHERE raw_rows <> silver_rows + duplicates_dropped;

-- test: key (device_id, timestamp) unique and not null (duplicates deduplicated)
SELECT device_id, "timestamp", count(*) AS n FROM silver_telemetry
GROUP BY device_id, "timestamp" HAVING count(*) > 1 OR device_id IS NULL OR "timestamp" IS NULL;

-- test: duplicates_differing within [0, duplicates_dropped]
SELECT device_id, "timestamp", duplicates_dropped, duplicates_differing FROM silver_telemetry
WHERE duplicates_dropped IS NULL OR duplicates_dropped < 0
   OR duplicates_differing IS NULL OR duplicates_differing NOT BETWEEN 0 AND duplicates_dropped;

-- test: composite_health_score within [0, 1]
SELECT device_id, "timestamp", composite_health_score FROM silver_telemetry
WHERE composite_health_score NOT BETWEEN 0 AND 1 OR composite_health_score IS NULL;

-- test: date and hour are the UTC date and hour of the reading
-- (every reading of a (date, hour) lies in that hour of that UTC day: its first and last instants do;
-- instants, not a time-zone conversion per reading)
SELECT * FROM (
  SELECT date, hour, min("timestamp") AS first_reading, max("timestamp") AS last_reading
  FROM silver_telemetry GROUP BY date, hour
) WHERE date IS NULL OR hour IS NULL OR hour NOT BETWEEN 0 AND 23
   OR epoch_ms(first_reading) < (date - DATE '1970-01-01') * 86400000 + hour * 3600000
   OR epoch_ms(last_reading) >= (date - DATE '1970-01-01') * 86400000 + (hour + 1) * 3600000;

-- test: flags are never null
SELECT device_id, "timestamp" FROM silver_telemetry
WHERE is_vibration_anomaly IS NULL OR is_temp_anomaly IS NULL OR is_energy_spike IS NULL;
