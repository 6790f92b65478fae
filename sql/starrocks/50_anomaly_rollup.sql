-- anomaly_rollup: one row per (device_id, UTC hour) with anomalies — an asynchronous materialized view.
-- What: total_anomalies; pending_anomalies (neither confirmed, by the system or a reviewer, nor dismissed:
--   the reference's "unconfirmed" count); high_severity_anomalies (severity high or critical);
--   distinct_anomaly_types. The same definitions as sql/duckdb/serving/anomaly_rollup.sql; the SELECT is
--   written in the subset DuckDB also runs (test/serving/starrocksViews.test.ts runs it there over the
--   golden fixture and compares its rows with the embedded view's).
-- When: after the tables (20_, 22_). StarRocks refreshes it every 15 minutes; `lambda-iot views refresh`
--   runs REFRESH MATERIALIZED VIEW anomaly_rollup WITH SYNC MODE on demand.
CREATE MATERIALIZED VIEW IF NOT EXISTS anomaly_rollup
DISTRIBUTED BY HASH(device_id)
REFRESH ASYNC EVERY (INTERVAL 15 MINUTE)
PROPERTIES ("replication_num" = "1")
AS
with reviewed as (
  select
    a.device_id,
    a.`timestamp`,
    a.anomaly_type,
    a.severity,
    case
      when a.is_confirmed then 0
      when r.action is not null then 0
      else 1
    end as is_pending
  from anomalies_streaming a
  left join anomaly_reviews r
    on r.device_id = a.device_id and r.`timestamp` = a.`timestamp` and r.anomaly_type = a.anomaly_type
)

select
  device_id,
  date_trunc('hour', `timestamp`) as `hour`,
  count(*) as total_anomalies,
  sum(is_pending) as pending_anomalies,
  sum(case when severity in ('high', 'critical') then 1 else 0 end) as high_severity_anomalies,
  count(distinct anomaly_type) as distinct_anomaly_types
from reviewed
group by device_id, date_trunc('hour', `timestamp`);
