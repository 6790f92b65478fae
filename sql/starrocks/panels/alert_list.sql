-- StarRocks version (same parameter names; written in the SQL subset DuckDB also runs, and
-- test/dashboard/panelSql.test.ts runs it on DuckDB against sql/duckdb/panels/alert_list.sql). Not run on StarRocks here.
-- Panel alert_list: the newest alerts, and whether someone still has to look at them.
-- Grain: one row per anomaly of anomalies_streaming in the selected time range (and device), newest
-- first, at most 50; status is pending, confirmed (by the system or a reviewer) or dismissed.
-- The audit trail: confirmed_by is the system's confirmation (kept when a reviewer dismisses it);
-- reviewer, review_comment and reviewed_at are the newest review's.
-- Parameters: $from_ts, $to_ts (YYYY-MM-DD HH:MM:SS, UTC, [from, to)), $device ('' = every device).
select
  a.device_id,
  a.timestamp,
  a.anomaly_type,
  a.severity,
  case
    when r.action = 'dismiss' then 'dismissed'
    when a.is_confirmed or r.action is not null then 'confirmed'
    else 'pending'
  end as status,
  a.description,
  a.confirmed_by,
  r.action as review_action,
  r.reviewer,
  r.comment as review_comment,
  r.reviewed_at
from anomalies_streaming a
left join anomaly_reviews r
  on r.device_id = a.device_id and r.timestamp = a.timestamp and r.anomaly_type = a.anomaly_type
where a.timestamp >= cast($from_ts as datetime) and a.timestamp < cast($to_ts as datetime)
  and ($device = '' or a.device_id = $device)
order by a.timestamp desc, a.device_id, a.anomaly_type
limit 50
