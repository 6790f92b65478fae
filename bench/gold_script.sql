-- The benchmark's peer: one hand-written DuckDB script that produces the same three Gold tables with the
-- same semantics as the kit's models (sql/duckdb/), from the same raw Parquet, in one pass, writing each
-- table as Parquet partitioned by day. Placeholders {raw_telemetry}, {raw_events}, {out} are file lists
-- and folders filled in by bench/goldChild.ts.
CREATE TEMP TABLE raw_readings AS
SELECT device_id, "timestamp", DATE '1970-01-01' + CAST(floor(epoch_ms("timestamp") / 86400000) AS INTEGER) AS date,
  energy_usage, temperature, vibration, signal_strength
FROM read_parquet({raw_telemetry});

-- A reading is identified by (device_id, timestamp); of a repeated one the copy with the smallest
-- (source_partition, source_offset), then file, is kept. Only repeated identities are windowed.
CREATE TEMP TABLE repeated AS
SELECT device_id, "timestamp" FROM raw_readings GROUP BY ALL HAVING count(*) > 1;

CREATE TEMP TABLE readings AS
SELECT * FROM raw_readings ANTI JOIN repeated USING (device_id, "timestamp")
UNION ALL
SELECT device_id, "timestamp", DATE '1970-01-01' + CAST(floor(epoch_ms("timestamp") / 86400000) AS INTEGER) AS date,
  energy_usage, temperature, vibration, signal_strength
FROM read_parquet({raw_telemetry}, filename = true) SEMI JOIN repeated USING (device_id, "timestamp")
QUALIFY row_number() OVER (PARTITION BY device_id, "timestamp" ORDER BY source_partition, source_offset, filename) = 1;

DROP TABLE raw_readings;

CREATE TEMP TABLE flagged AS
WITH d AS (
  SELECT device_id, date, count(*) n, sum(temperature) st, sum(temperature * temperature) sst,
         sum(energy_usage) se, sum(energy_usage * energy_usage) sse
  FROM readings GROUP BY ALL
), w AS (
  SELECT device_id, date,
    sum(n) OVER p AS n, sum(st) OVER p AS st, sum(sst) OVER p AS sst, sum(se) OVER p AS se, sum(sse) OVER p AS sse
  FROM d WINDOW p AS (PARTITION BY device_id ORDER BY date RANGE BETWEEN INTERVAL 7 DAY PRECEDING AND INTERVAL 1 DAY PRECEDING)
), b AS (
  SELECT device_id, date, st / n AS tm, sqrt(greatest((sst - st * st / n) / (n - 1), 0)) AS ts,
         se / n AS em, sqrt(greatest((sse - se * se / n) / (n - 1), 0)) AS es
  FROM w WHERE n >= 100
)
SELECT r.device_id, r.date, r.temperature, r.energy_usage, r.signal_strength,
  r.vibration > 3.0 AS vib,
  coalesce(r.temperature > b.tm + 2 * b.ts, false) AS temp_anom,
  round(least(1, greatest(0, 0.4 * (1 - r.temperature / 30) + 0.3 * (1 - r.vibration / 5) + 0.3 * (r.signal_strength / 100))), 2) AS health
FROM readings r LEFT JOIN b USING (device_id, date);

CREATE TEMP TABLE events AS
SELECT device_id, CAST(event_timestamp AS DATE) AS event_date, event_type, component FROM read_parquet({raw_events}, filename = true)
QUALIFY row_number() OVER (PARTITION BY device_id, event_timestamp, event_type ORDER BY source_partition, source_offset, filename) = 1;

CREATE TEMP TABLE daily AS
SELECT device_id, date, count(*) AS readings, sum(temperature) AS sum_temp, max(temperature) AS max_temp,
  max(energy_usage) AS max_energy, round(avg(energy_usage), 2) AS avg_energy, min(health) AS min_health,
  count_if(vib) AS vib, count_if(temp_anom) AS temp_anom, avg(signal_strength) AS avg_signal
FROM flagged GROUP BY ALL;

CREATE TEMP TABLE health AS
SELECT d.device_id, d.date, d.avg_energy, d.max_temp, d.min_health AS min_health_score,
  d.vib AS vibration_anomalies, d.temp_anom AS temp_anomalies, d.avg_signal AS avg_signal_strength,
  coalesce(f.n, 0) AS failures_count, coalesce(f.c, []::VARCHAR[]) AS failed_components,
  coalesce(date_diff('day', m.last_date, d.date), 999) AS days_since_maintenance, d.readings
FROM daily d
LEFT JOIN (SELECT device_id, event_date, count(*) n, list_sort(list_distinct(list(component))) c FROM events WHERE event_type = 'failure' GROUP BY ALL) f
  ON f.device_id = d.device_id AND f.event_date = d.date
LEFT JOIN LATERAL (SELECT max(e.event_date) AS last_date FROM events e WHERE e.device_id = d.device_id AND e.event_type = 'maintenance' AND e.event_date <= d.date) m ON true;

CREATE TEMP TABLE predictions AS
WITH dates AS (
  SELECT CAST(unnest(generate_series(min(date), max(date), INTERVAL 1 DAY)) AS DATE) AS prediction_date FROM daily
), win AS (
  SELECT d.device_id, t.prediction_date, sum(d.vib) a7, round(sum(d.sum_temp) / sum(d.readings), 1) t7, max(d.max_energy) e7,
    min(d.min_health) h7, coalesce(sum(d.vib) FILTER (WHERE d.date = t.prediction_date), 0) a24,
    max(d.max_temp) FILTER (WHERE d.date = t.prediction_date) t24
  FROM dates t JOIN daily d ON d.date BETWEEN t.prediction_date - 6 AND t.prediction_date GROUP BY ALL
), s AS (
  SELECT *, round(least(1, greatest(0, 0.3 * a24 / 10 + 0.4 * coalesce(t24, 0) / 30 + 0.2 * (1 - coalesce(h7, 1)) + 0.1 * coalesce(e7, 0) / 5)), 2) AS score FROM win
)
SELECT device_id, prediction_date, a7 AS anomalies_7d, t7 AS avg_temp_7d, e7 AS peak_energy_7d, h7 AS worst_health_score_7d,
  a24 AS anomalies_24h, t24 AS peak_temp_24h, score AS failure_risk_score,
  CASE WHEN score > 0.8 THEN 'immediate_shutdown' WHEN score > 0.6 THEN 'emergency_maintenance'
       WHEN score > 0.4 THEN 'schedule_maintenance' ELSE 'monitor_only' END AS recommended_action
FROM s;

CREATE TEMP TABLE schedule AS
SELECT p.device_id, p.prediction_date AS date,
  CASE WHEN p.failure_risk_score > 0.7 THEN 'P0'
       WHEN coalesce(h.days_since_maintenance,
              (SELECT date_diff('day', max(e.event_date), p.prediction_date) FROM events e
               WHERE e.device_id = p.device_id AND e.event_type = 'maintenance' AND e.event_date <= p.prediction_date),
              999) > 90 THEN 'P1'
       WHEN coalesce(h.vibration_anomalies, 0) > 5 THEN 'P2' ELSE 'P3' END AS priority,
  p.failure_risk_score
FROM predictions p LEFT JOIN health h ON h.device_id = p.device_id AND h.date = p.prediction_date;

COPY health TO '{out}/gold_device_health' (FORMAT PARQUET, PARTITION_BY (date), OVERWRITE_OR_IGNORE);
COPY predictions TO '{out}/gold_failure_predictions' (FORMAT PARQUET, PARTITION_BY (prediction_date), OVERWRITE_OR_IGNORE);
COPY (SELECT device_id, date, priority,
        CASE priority WHEN 'P0' THEN 'within_4_hours' WHEN 'P1' THEN 'within_3_days' ELSE 'next_routine_cycle' END AS "window",
        CASE priority WHEN 'P0' THEN 5000 WHEN 'P1' THEN 2000 ELSE 500 END AS estimated_cost, failure_risk_score
      FROM schedule) TO '{out}/gold_maintenance_schedule' (FORMAT PARQUET, PARTITION_BY (date), OVERWRITE_OR_IGNORE);
