-- StarRocks version (same parameter names; written in the SQL subset DuckDB also runs, and
-- test/dashboard/panelSql.test.ts runs it on DuckDB against sql/duckdb/panels/pending_by_severity.sql). Not run on StarRocks here.
-- Panel pending_by_severity: which anomalies of the last 4 hours still wait for a review, by severity?
-- "Last 4 h" is relative to the newest anomaly served (of the device, when one is selected), not the
-- wall clock. Pending = neither confirmed (by the system or a reviewer) nor dismissed.
-- Grain: one row per severity with pending anomalies.
-- Parameters: $device ('' = every device).
with picked as (
  select a.device_id, a.timestamp, a.severity, a.is_confirmed, r.action
  from anomalies_streaming a
  left join anomaly_reviews r
    on r.device_id = a.device_id and r.timestamp = a.timestamp and r.anomaly_type = a.anomaly_type
  where $device = '' or a.device_id = $device
),
newest as (
  select max(timestamp) as ts from picked
)
select p.severity, count(*) as pending
from picked p
join newest n on p.timestamp > n.ts - interval 4 hour
where not p.is_confirmed and p.action is null
group by p.severity
order by case p.severity when 'critical' then 1 when 'high' then 2 when 'medium' then 3 else 4 end
