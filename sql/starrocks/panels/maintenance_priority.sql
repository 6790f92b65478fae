-- StarRocks version (same parameter names; written in the SQL subset DuckDB also runs, and
-- test/dashboard/panelSql.test.ts runs it on DuckDB against sql/duckdb/panels/maintenance_priority.sql). Not run on StarRocks here.
-- Panel maintenance_priority: how much maintenance is scheduled per priority, in count and cost?
-- Grain: one row per priority of gold_maintenance_schedule in the selected dates (and device).
-- Parameters: $from_date, $to_date (YYYY-MM-DD, inclusive), $device ('' = every device).
select
  priority,
  count(*) as schedules,
  sum(estimated_cost) as total_cost
from gold_maintenance_schedule
where date between cast($from_date as date) and cast($to_date as date)
  and ($device = '' or device_id = $device)
group by priority
order by priority
