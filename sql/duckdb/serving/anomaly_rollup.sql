-- anomaly_rollup: one row per (device_id, hour) with anomalies.
-- Grain: device_id × UTC hour (hour = date_trunc('hour', timestamp)).
-- Columns:
--   total_anomalies          anomalies of the hour (one per identity)
--   pending_anomalies        those neither confirmed (by the system or a reviewer) nor dismissed
--                            (the reference's "unconfirmed" count)
--   high_severity_anomalies  those with severity high or critical (the reference counted 'high' only,
--                            in upper case against lower-case data: always 0)
--   distinct_anomaly_types   distinct anomaly_type values
-- Written in the SQL subset DuckDB and StarRocks share. The refresh filters it to the dirty hours.

with reviewed as (
  select
    a.device_id,
    a."timestamp",
    a.anomaly_type,
    a.severity,
    case
      when a.is_confirmed then 0
      when r.action is not null then 0
      else 1
    end as is_pending
  from anomalies_streaming a
  left join anomaly_reviews r
    on r.device_id = a.device_id and r."timestamp" = a."timestamp" and r.anomaly_type = a.anomaly_type
),

final as (
  select
    device_id,
    date_trunc('hour', "timestamp") as hour,
    count(*) as total_anomalies,
    sum(is_pending) as pending_anomalies,
    sum(case when severity in ('high', 'critical') then 1 else 0 end) as high_severity_anomalies,
    count(distinct anomaly_type) as distinct_anomaly_types
  from reviewed
  group by device_id, date_trunc('hour', "timestamp")
)

select * from final
