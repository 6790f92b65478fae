-- silver_telemetry_daily
-- Grain:   one row per (device_id, date) with telemetry, for UTC dates in [$from_date − 6, $to_date] (the days
--          Gold needs: the run's range plus the 7-day windows that end in it). Readings are never stored one
--          per row: they stream from the raw files into these daily aggregates (one pass for the baselines'
--          daily sums, one for the flags that compare each reading with its day's baseline).
-- Inputs:  raw_telemetry (the lake's raw Parquet files, landed by `lambda-iot land`; source_file is the file's key).
-- Params:  $from_date, $to_date (DATE, inclusive), $vibration_threshold (3.0), $baseline_min_readings (100).
-- Columns:
--   readings                  readings that day (each reading identity once, see Deduplication)
--   first_reading, last_reading  the day's earliest and latest reading (instants within that UTC day)
--   sum_temp, max_temp        sum and highest temperature (°C)
--   sum_energy, max_energy    sum and highest energy_usage (kWh)
--   avg_energy                mean energy_usage, 2 dp
--                             (both sums exact, DECIMAL of the readings to 6 places: a sum of doubles
--                             depends on the order threads add them in, and a mean on a rounding tie
--                             would round either way from run to run)
--   avg_signal_strength       mean signal_strength (%)
--   min_health_score          lowest composite_health_score of a reading:
--                             round(0.4·(1 − temperature/30) + 0.3·(1 − vibration/5) + 0.3·signal_strength/100, 2),
--                             clipped to [0, 1]
--   vibration_anomalies       readings with vibration > $vibration_threshold
--   temp_anomalies            readings with temperature > mean + 2·stddev_samp of the device's readings on the
--                             7 days before (no flag when that baseline has fewer than $baseline_min_readings)
--   energy_spikes             readings with energy_usage > mean + 2·stddev_samp, same baseline
--   duplicates_dropped        raw rows that repeated a kept reading's identity, not kept
--   duplicates_differing      how many of those had other values (energy, temperature, vibration or signal)
-- Fixes of the reference: its mean/std were over the whole batch (a new batch changed old flags); here the
-- baseline of day D is the device's own days D−7..D−1, from daily sums, so a day's flags never change
-- unless its own baseline days change.
-- Deduplication: a reading is identified by (device_id, timestamp). At-least-once delivery (a resumed
-- simulate or land) and a plant produced twice into one data directory land the same reading more than
-- once; the copy kept is the one with the smallest (source_partition, source_offset), then file key (rows
-- without lineage last), so Gold counts every reading once whatever was repeated.
WITH readings AS NOT MATERIALIZED (
  -- UTC date by epoch arithmetic: the same value as CAST(… AS DATE) in a UTC session, without a time-zone
  -- lookup per row (10× faster on 10 M readings).
  SELECT
    device_id,
    "timestamp",
    DATE '1970-01-01' + CAST(floor(epoch_ms("timestamp") / 86400000) AS INTEGER) AS date,
    energy_usage,
    temperature,
    vibration,
    signal_strength
  FROM raw_telemetry
),

-- the days read: the output's days and the 7 baseline days before the first of them
in_window AS NOT MATERIALIZED (
  SELECT * FROM readings
  WHERE date BETWEEN CAST($from_date AS DATE) - 13 AND CAST($to_date AS DATE)
),

-- identities landed more than once (usually none: the copies below are then never computed). Grouped by a
-- 64-bit hash of the identity, a third of the memory of grouping by the identity itself; a hash shared by
-- two identities only sends both through the exact grouping of kept_copies, which keeps each once.
repeated AS MATERIALIZED (
  SELECT hash(device_id, "timestamp") AS identity
  FROM in_window
  GROUP BY identity
  HAVING count(*) > 1
),

-- every copy of a repeated identity, with its lineage (read again only for those: carrying lineage for every
-- reading costs memory), numbered in keeping order
copies AS MATERIALIZED (
  SELECT
    r.*,
    row_number() OVER by_identity AS copy,
    first_value((r.energy_usage, r.temperature, r.vibration, r.signal_strength)) OVER by_identity AS kept_values
  FROM raw_telemetry AS r
  SEMI JOIN repeated AS d ON d.identity = hash(r.device_id, r."timestamp")
  WHERE DATE '1970-01-01' + CAST(floor(epoch_ms(r."timestamp") / 86400000) AS INTEGER)
    BETWEEN CAST($from_date AS DATE) - 13 AND CAST($to_date AS DATE)
  WINDOW by_identity AS (
    PARTITION BY r.device_id, r."timestamp"
    ORDER BY r.source_partition, r.source_offset, r.source_file
  )
),

kept_copies AS MATERIALIZED (
  SELECT
    device_id,
    "timestamp",
    DATE '1970-01-01' + CAST(floor(epoch_ms("timestamp") / 86400000) AS INTEGER) AS date,
    arg_min(energy_usage, copy) AS energy_usage,
    arg_min(temperature, copy) AS temperature,
    arg_min(vibration, copy) AS vibration,
    arg_min(signal_strength, copy) AS signal_strength,
    count(*) - 1 AS duplicates_dropped,
    count_if((energy_usage, temperature, vibration, signal_strength) IS DISTINCT FROM kept_values) AS duplicates_differing
  FROM copies
  GROUP BY device_id, "timestamp"
),

-- each reading identity once: the readings landed once, and the kept copy of each repeated one
deduplicated AS NOT MATERIALIZED (
  SELECT u.*, 0 AS duplicates_dropped, 0 AS duplicates_differing
  FROM in_window AS u
  ANTI JOIN repeated AS d ON d.identity = hash(u.device_id, u."timestamp")
  UNION ALL
  SELECT * FROM kept_copies
),

daily_sums AS MATERIALIZED (
  SELECT
    device_id,
    date,
    count(*) AS n,
    sum(temperature) AS s_temp,
    sum(temperature * temperature) AS ss_temp,
    sum(energy_usage) AS s_energy,
    sum(energy_usage * energy_usage) AS ss_energy
  FROM deduplicated
  GROUP BY device_id, date
),

baseline_sums AS (
  SELECT
    device_id,
    date,
    sum(n) OVER prior7 AS n,
    sum(s_temp) OVER prior7 AS s_temp,
    sum(ss_temp) OVER prior7 AS ss_temp,
    sum(s_energy) OVER prior7 AS s_energy,
    sum(ss_energy) OVER prior7 AS ss_energy
  FROM daily_sums
  WINDOW prior7 AS (
    PARTITION BY device_id ORDER BY date
    RANGE BETWEEN INTERVAL 7 DAY PRECEDING AND INTERVAL 1 DAY PRECEDING
  )
),

baselines AS MATERIALIZED (
  SELECT
    device_id,
    date,
    s_temp / n + 2 * sqrt(greatest((ss_temp - s_temp * s_temp / n) / (n - 1), 0)) AS temp_limit,
    s_energy / n + 2 * sqrt(greatest((ss_energy - s_energy * s_energy / n) / (n - 1), 0)) AS energy_limit
  FROM baseline_sums
  WHERE n >= $baseline_min_readings AND date >= CAST($from_date AS DATE) - 6
)

-- the second pass: each reading of the output's days against its day's baseline, aggregated as it streams
SELECT
  r.device_id,
  r.date,
  count(*) AS readings,
  min(r."timestamp") AS first_reading,
  max(r."timestamp") AS last_reading,
  sum(CAST(r.temperature AS DECIMAL(18, 6))) AS sum_temp,
  max(r.temperature) AS max_temp,
  sum(CAST(r.energy_usage AS DECIMAL(18, 6))) AS sum_energy,
  max(r.energy_usage) AS max_energy,
  round(CAST(sum(CAST(r.energy_usage AS DECIMAL(18, 6))) AS DOUBLE) / count(*), 2) AS avg_energy,
  avg(r.signal_strength) AS avg_signal_strength,
  min(round(
    least(1, greatest(0, 0.4 * (1 - r.temperature / 30) + 0.3 * (1 - r.vibration / 5) + 0.3 * (r.signal_strength / 100))),
    2
  )) AS min_health_score,
  count_if(r.vibration > $vibration_threshold) AS vibration_anomalies,
  count_if(coalesce(r.temperature > b.temp_limit, false)) AS temp_anomalies,
  count_if(coalesce(r.energy_usage > b.energy_limit, false)) AS energy_spikes,
  CAST(sum(r.duplicates_dropped) AS INTEGER) AS duplicates_dropped,
  CAST(sum(r.duplicates_differing) AS INTEGER) AS duplicates_differing
FROM deduplicated AS r
LEFT JOIN baselines AS b ON b.device_id = r.device_id AND b.date = r.date
WHERE r.date >= CAST($from_date AS DATE) - 6
GROUP BY r.device_id, r.date
