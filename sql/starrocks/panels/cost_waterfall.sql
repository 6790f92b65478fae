-- StarRocks version (same parameter names; written in the SQL subset DuckDB also runs, and
-- test/dashboard/panelSql.test.ts runs it on DuckDB against sql/duckdb/panels/cost_waterfall.sql). Not run on StarRocks here.
-- Panel cost_waterfall: how does the estimated maintenance cost add up, priority by priority?
-- Grain: one row per priority (P0 first) of gold_maintenance_schedule in the selected dates (and device),
-- with the running total before (cost_start) and after (cost_end) it.
-- Parameters: $from_date, $to_date, $device ('' = every device).
with by_priority as (
  select priority, cast(sum(estimated_cost) as double) as cost
  from gold_maintenance_schedule
  where date between cast($from_date as date) and cast($to_date as date)
    and ($device = '' or device_id = $device)
  group by priority
)
select
  priority,
  cost,
  sum(cost) over (order by priority rows between unbounded preceding and current row) - cost as cost_start,
  sum(cost) over (order by priority rows between unbounded preceding and current row) as cost_end
from by_priority
order by priority
