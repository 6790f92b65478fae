-- serving_freshness: how fresh each source of the serving layer is (a plain view, computed when queried).
-- What: per source ('anomalies', 'realtime', 'batch') the newest event time served, the Gold snapshot and
--   watermark (batch only), and the last successful refresh of the views reading it (from
--   information_schema.materialized_views). Same columns as sql/duckdb/serving/serving_freshness.sql.
-- When: after the views (50_, 51_). `lambda-iot serve status` reads it.
CREATE VIEW IF NOT EXISTS serving_freshness AS
select
  'anomalies' as source,
  (select max(`timestamp`) from anomalies_streaming) as newest_event_time,
  cast(null as bigint) as gold_snapshot_id,
  cast(null as date) as closed_through,
  (select max(last_refresh_finished_time) from information_schema.materialized_views
    where table_schema = database() and table_name in ('anomaly_rollup', 'unified_device_health')) as refreshed_at
union all
select
  'realtime' as source,
  (select max(newest_event_time) from device_health_rt) as newest_event_time,
  cast(null as bigint) as gold_snapshot_id,
  cast(null as date) as closed_through,
  (select max(last_refresh_finished_time) from information_schema.materialized_views
    where table_schema = database() and table_name = 'unified_device_health') as refreshed_at
union all
select
  'batch' as source,
  (select date_add(cast(closed_through as datetime), interval 1 day) from serving_watermark) as newest_event_time,
  (select gold_snapshot_id from serving_watermark) as gold_snapshot_id,
  (select closed_through from serving_watermark) as closed_through,
  (select max(last_refresh_finished_time) from information_schema.materialized_views
    where table_schema = database() and table_name = 'unified_device_health') as refreshed_at;
