-- StarRocks version (same parameter names; written in the SQL subset DuckDB also runs, and
-- test/dashboard/panelSql.test.ts runs it on DuckDB against sql/duckdb/panels/anomaly_type_severity.sql). Not run on StarRocks here.
-- Panel anomaly_type_severity: which kinds of anomaly are raised, and how severe are they?
-- Grain: one row per (anomaly_type, severity) of anomalies_streaming in the selected time range (and device).
-- Parameters: $from_ts, $to_ts (YYYY-MM-DD HH:MM:SS, UTC, [from, to)), $device ('' = every device).
select anomaly_type, severity, count(*) as anomalies
from anomalies_streaming
where timestamp >= cast($from_ts as datetime) and timestamp < cast($to_ts as datetime)
  and ($device = '' or device_id = $device)
group by anomaly_type, severity
order by anomaly_type, severity
