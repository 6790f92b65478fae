-- StarRocks version (same parameter names; written in the SQL subset DuckDB also runs, and
-- test/dashboard/panelSql.test.ts runs it on DuckDB against sql/duckdb/panels/maintenance_timeline.sql). Not run on StarRocks here.
-- Panel maintenance_timeline: which device needs maintenance by when?
-- Grain: one row per device: its newest gold_maintenance_schedule row in the selected dates (and device),
-- from its date to its due date = date + 1 day for P0, + 3 days for P1, + 7 days otherwise (the reference
-- chart). At most 100 rows, most urgent first.
-- Parameters: $from_date, $to_date, $device ('' = every device).
with ranked as (
  select
    device_id,
    date,
    priority,
    estimated_cost,
    failure_risk_score,
    row_number() over (partition by device_id order by date desc) as rank
  from gold_maintenance_schedule
  where date between cast($from_date as date) and cast($to_date as date)
    and ($device = '' or device_id = $device)
)
select
  device_id,
  date,
  cast(date_add(date, interval (case when priority = 'P0' then 1 when priority = 'P1' then 3 else 7 end) day) as date) as due_date,
  priority,
  estimated_cost,
  round(failure_risk_score, 4) as failure_risk_score
from ranked
where rank = 1
order by priority, failure_risk_score desc, device_id
limit 100
