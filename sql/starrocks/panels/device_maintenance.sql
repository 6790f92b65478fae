-- StarRocks version (same parameter names; written in the SQL subset DuckDB also runs, and
-- test/dashboard/panelSql.test.ts runs it on DuckDB against sql/duckdb/panels/device_maintenance.sql). Not run on StarRocks here.
-- Device page panel device_maintenance: when was maintenance scheduled for this device, how urgent and how
-- costly?
-- Grain: one row per gold_maintenance_schedule day of the device in the selected dates.
-- Parameters: $from_date, $to_date, $device (required).
select date, priority, estimated_cost, round(failure_risk_score, 4) as failure_risk_score
from gold_maintenance_schedule
where device_id = $device
  and date between cast($from_date as date) and cast($to_date as date)
order by date
