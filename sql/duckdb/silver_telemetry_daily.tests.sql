-- Tests of silver_telemetry_daily: each query returns the offending rows (none when the test passes).
-- They are the batch run's publish audits: model names are bound to the rebuilt days of the run branch's
-- tables (silver names to the same days), or to the whole tables for a test headed `-- scope: table`.

-- test: every raw row of the model's days is a reading or a dropped duplicate, every device-day with raw rows has a row
-- (one scan of the raw rows, its days as a range of instants: a time-zone conversion per row costs seconds
-- per 10 M readings; that each identity (device_id, timestamp) counts once is the dedup's construction, held
-- by the golden cases landed twice in test/batch/duplicates.test.ts — a distinct count here would cost more
-- than the rest of the run)
SELECT * FROM (
  SELECT
    coalesce(s.device_id, r.device_id) AS device_id,
    coalesce(s.date, r.date) AS date,
    s.readings,
    s.duplicates_dropped,
    coalesce(r.raw_rows, 0) AS raw_rows
  FROM silver_telemetry_daily AS s
  FULL JOIN (
    SELECT device_id, DATE '1970-01-01' + CAST(floor(epoch_ms("timestamp") / 86400000) AS INTEGER) AS date,
           count(*) AS raw_rows
    FROM raw_telemetry, (SELECT min(date) AS first, max(date) AS last FROM silver_telemetry_daily) AS d
    WHERE "timestamp" >= to_timestamp((d.first - DATE '1970-01-01') * 86400)
      AND "timestamp" < to_timestamp((d.last + 1 - DATE '1970-01-01') * 86400)
    GROUP BY ALL
  ) AS r ON r.device_id = s.device_id AND r.date = s.date
) WHERE readings IS NULL OR raw_rows <> readings + duplicates_dropped;

-- test: key (device_id, date) unique and not null
SELECT device_id, date, count(*) AS n FROM silver_telemetry_daily
GROUP BY device_id, date HAVING count(*) > 1 OR device_id IS NULL OR date IS NULL;

-- test: duplicates_differing within [0, duplicates_dropped]
SELECT device_id, date, duplicates_dropped, duplicates_differing FROM silver_telemetry_daily
WHERE duplicates_dropped IS NULL OR duplicates_dropped < 0
   OR duplicates_differing IS NULL OR duplicates_differing NOT BETWEEN 0 AND duplicates_dropped;

-- test: min_health_score within [0, 1]
SELECT device_id, date, min_health_score FROM silver_telemetry_daily
WHERE min_health_score NOT BETWEEN 0 AND 1 OR min_health_score IS NULL;

-- test: date is the UTC date of the day's readings (its first and last readings lie in that day)
SELECT device_id, date, first_reading, last_reading FROM silver_telemetry_daily
WHERE date IS NULL OR first_reading IS NULL OR last_reading IS NULL
   OR epoch_ms(first_reading) < (date - DATE '1970-01-01') * 86400000
   OR epoch_ms(last_reading) >= (date - DATE '1970-01-01' + 1) * 86400000;

-- test: flag counts within [0, readings] and readings at least one
SELECT device_id, date, readings, vibration_anomalies, temp_anomalies, energy_spikes FROM silver_telemetry_daily
WHERE readings IS NULL OR readings < 1
   OR vibration_anomalies NOT BETWEEN 0 AND readings
   OR temp_anomalies NOT BETWEEN 0 AND readings
   OR energy_spikes NOT BETWEEN 0 AND readings
   OR vibration_anomalies IS NULL OR temp_anomalies IS NULL OR energy_spikes IS NULL;
