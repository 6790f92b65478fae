-- Device page panel device_health: how healthy and how critical is this device, day by day, and on which
-- days did it fail?
-- Grain: one row per unified_device_health day of the device in the selected dates; failures from the
-- served gold_device_health (0 on real-time days the batch has not built).
-- Parameters: $from_date, $to_date, $device (required).
select
  u.date,
  u.source,
  u.health_score,
  u.criticality_score,
  u.priority,
  coalesce(g.failures_count, 0) as failures
from unified_device_health u
left join gold_device_health g on g.device_id = u.device_id and g.date = u.date
where u.device_id = $device
  and u.date between cast($from_date as date) and cast($to_date as date)
order by u.date
