-- StarRocks version (same parameter names; written in the SQL subset DuckDB also runs, and
-- test/dashboard/panelSql.test.ts runs it on DuckDB against sql/duckdb/panels/pending_by_severity.sql). Not run on StarRocks here.
-- Panel pending_by_severity: which anomalies of the last 4 hours still wait for a review, by severity?
-- "Last 4 h" is relative to the newest anomaly served (of the device, when one is selected), not the
-- wall clock. Pending = neither confirmed (by the system or a reviewer) nor dismissed.
-- Grain: one row per severity with pending anomalies.
-- Parameters: $device ('' = every device).
with newest as (
  select max(timestamp) as ts
  from anomalies_streaming
  where $device = '' or device_id = $device
),
recent as (
  select a.device_id, a.timestamp, a.anomaly_type, a.severity
  from anomalies_streaming a
  join newest n on a.timestamp > n.ts - interval 4 hour
  where ($device = '' or a.device_id = $device)
    and not a.is_confirmed
)
select p.severity, count(*) as pending
from recent p
left join anomaly_reviews r
  on r.device_id = p.device_id and r.timestamp = p.timestamp and r.anomaly_type = p.anomaly_type
where r.action is null
group by p.severity
order by case p.severity when 'critical' then 1 when 'high' then 2 when 'medium' then 3 else 4 end
