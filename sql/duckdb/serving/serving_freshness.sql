-- serving_freshness: how fresh each source of the serving layer is.
-- Grain: one row per source: 'anomalies' (iot-anomalies), 'realtime' (iot-device-health-rt), 'batch' (Gold).
-- Columns: newest_event_time (the newest event time served from that source; for batch the end of the
-- closed date), gold_snapshot_id and closed_through (batch only), refreshed_at (the newest refresh of the
-- views that read the source).

select
  'anomalies' as source,
  (select max("timestamp") from anomalies_streaming) as newest_event_time,
  cast(null as bigint) as gold_snapshot_id,
  cast(null as date) as closed_through,
  (select max(refreshed_at) from view_refreshes) as refreshed_at
union all
select
  'realtime' as source,
  (select max(newest_event_time) from device_health_rt) as newest_event_time,
  cast(null as bigint) as gold_snapshot_id,
  cast(null as date) as closed_through,
  (select refreshed_at from view_refreshes where view_name = 'unified_device_health') as refreshed_at
union all
select
  'batch' as source,
  (select cast(closed_through as timestamp) + interval 1 day from serving_watermark) as newest_event_time,
  (select gold_snapshot_id from serving_watermark) as gold_snapshot_id,
  (select closed_through from serving_watermark) as closed_through,
  (select refreshed_at from view_refreshes where view_name = 'unified_device_health') as refreshed_at
