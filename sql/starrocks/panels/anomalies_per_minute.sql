-- StarRocks version (same parameter names; written in the SQL subset DuckDB also runs, and
-- test/dashboard/panelSql.test.ts runs it on DuckDB against sql/duckdb/panels/anomalies_per_minute.sql). Not run on StarRocks here.
-- Panel anomalies_per_minute: how many anomalies per minute in the last hour?
-- "Last hour" is the hour before the newest anomaly served (of the device, when one is selected), not
-- the wall clock: a simulated history has no "now". The time range filter does not apply.
-- Grain: one row per UTC minute with anomalies.
-- Parameters: $device ('' = every device).
with newest as (
  select max(timestamp) as ts
  from anomalies_streaming
  where $device = '' or device_id = $device
)
select date_trunc('minute', a.timestamp) as minute, count(*) as anomalies
from anomalies_streaming a
join newest n on a.timestamp > n.ts - interval 1 hour
where $device = '' or a.device_id = $device
group by date_trunc('minute', a.timestamp)
order by minute
