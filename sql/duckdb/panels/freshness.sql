-- Panel freshness: how fresh is each source the dashboard shows?
-- Grain: one row per source: anomalies (iot-anomalies), realtime (iot-device-health-rt), batch (Gold,
-- up to the end of its closed date); last_publish = when the views were last refreshed. The server adds
-- lag_minutes: minutes between the source's newest event time and the newest event time of any source.
with sources as (
  select 'anomalies' as source, (select max(timestamp) from anomalies_streaming) as newest_event_time
  union all
  select 'realtime' as source, (select max(newest_event_time) from device_health_rt) as newest_event_time
  union all
  select 'batch' as source, (select cast(date_add(closed_through, interval 1 day) as datetime) from serving_watermark) as newest_event_time
)
select
  s.source,
  s.newest_event_time,
  (select max(refreshed_at) from view_refreshes) as last_publish
from sources s
order by s.source
