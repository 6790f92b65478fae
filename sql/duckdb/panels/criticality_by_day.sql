-- Panel criticality_by_day: which devices are critical, day by day, and is that from the batch or the
-- real-time view?
-- Grain: one row per unified_device_health device-day in the selected dates (and device): the five most
-- critical devices of each day (every device-day when a device is selected).
-- Parameters: $from_date, $to_date, $device ('' = every device).
with ranked as (
  select
    device_id,
    date,
    source,
    criticality_score,
    priority,
    row_number() over (partition by date order by criticality_score desc, device_id) as rank
  from unified_device_health
  where date between cast($from_date as date) and cast($to_date as date)
    and ($device = '' or device_id = $device)
    and criticality_score is not null
)
select device_id, date, source, criticality_score, priority
from ranked
where rank <= 5
order by date, criticality_score desc, device_id
