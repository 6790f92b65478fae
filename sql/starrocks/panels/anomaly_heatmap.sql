-- StarRocks version (same parameter names; written in the SQL subset DuckDB also runs, and
-- test/dashboard/panelSql.test.ts runs it on DuckDB against sql/duckdb/panels/anomaly_heatmap.sql). Not run on StarRocks here.
-- Panel anomaly_heatmap: do hot device-days also vibrate?
-- Grain: one row per (temperature band, vibration anomalies) of gold_device_health device-days in the
-- selected dates (and device). temp_band is the day's max_temp floored to 2 °C; vibration_anomalies is
-- capped at 10 ("10+").
-- Parameters: $from_date, $to_date, $device ('' = every device).
with days as (
  select
    cast(floor(max_temp / 2) * 2 as integer) as temp_band,
    case when vibration_anomalies > 10 then 10 else coalesce(vibration_anomalies, 0) end as vibration_anomalies
  from gold_device_health
  where date between cast($from_date as date) and cast($to_date as date)
    and ($device = '' or device_id = $device)
    and max_temp is not null
)
select temp_band, vibration_anomalies, count(*) as device_days
from days
group by temp_band, vibration_anomalies
order by temp_band, vibration_anomalies
