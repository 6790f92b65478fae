-- StarRocks version (same parameter names; written in the SQL subset DuckDB also runs, and
-- test/dashboard/panelSql.test.ts runs it on DuckDB against sql/duckdb/panels/anomalies_per_minute.sql). Not run on StarRocks here.
-- Panel anomalies_per_minute: how many anomalies per minute in the last hour?
-- "Last hour" is the hour before the newest anomaly served (of the device, when one is selected), not
-- the wall clock: a simulated history has no "now". The time range filter does not apply.
-- Grain: one row per UTC minute with anomalies.
-- Parameters: $device ('' = every device).
with picked as (
  select device_id, timestamp
  from anomalies_streaming
  where $device = '' or device_id = $device
),
newest as (
  select max(timestamp) as ts from picked
)
select date_trunc('minute', p.timestamp) as minute, count(*) as anomalies
from picked p
join newest n on p.timestamp > n.ts - interval 1 hour
group by date_trunc('minute', p.timestamp)
order by minute
