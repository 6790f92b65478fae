-- unified_device_health: the Lambda merge of the batch view and the real-time view — an asynchronous
-- materialized view, one row per (device_id, date).
-- What: Gold's gold_device_health rows (read in place through the lambda_iot_lake catalog) for dates up to the
--   batch watermark (serving_watermark.closed_through), device_health_rt rows for later dates, `source`
--   'batch' | 'realtime'; pending/urgent anomaly counts, criticality_score, priority and model_risk_score
--   (batch rows: gold_failure_predictions' failure-model score, read in place too; null for real-time rows) as
--   sql/duckdb/serving/unified_device_health.sql defines them (its header lists the definitions). The SELECT
--   is written in the subset DuckDB also runs: test/serving/starrocksViews.test.ts runs it on DuckDB over the
--   golden fixture and compares its rows with the embedded view's.
--   Portable spellings: days between two dates is abs(date_diff('day', a, b)) — date_diff takes its dates in
--   opposite orders in the two engines, and the real-time date is always after the newest batch date;
--   least() gets no NULL (StarRocks returns NULL when any argument is NULL, DuckDB ignores NULLs).
-- When: after the tables, 23_serving_watermark.sql and 40_lake_catalog.sql. An MV over an external catalog
--   refreshes only on its timer (every 5 minutes here) or on demand; the kit's `serve` runs
--   REFRESH MATERIALIZED VIEW unified_device_health WITH SYNC MODE after each publish it sees.
CREATE MATERIALIZED VIEW IF NOT EXISTS unified_device_health
DISTRIBUTED BY HASH(device_id)
REFRESH ASYNC EVERY (INTERVAL 5 MINUTE)
PROPERTIES ("replication_num" = "1")
AS
with watermark as (
  select closed_through from serving_watermark
),

pending as (
  select
    a.device_id,
    cast(a.`timestamp` as date) as `date`,
    count(*) as pending_anomalies,
    sum(case when a.severity in ('high', 'critical') then 1 else 0 end) as urgent_anomalies
  from anomalies_streaming a
  left join anomaly_reviews r
    on r.device_id = a.device_id and r.`timestamp` = a.`timestamp` and r.anomaly_type = a.anomaly_type
  where not a.is_confirmed and r.action is null
  group by a.device_id, cast(a.`timestamp` as date)
),

batch_rows as (
  select
    g.device_id,
    g.`date`,
    'batch' as source,
    g.min_health_score as health_score,
    g.days_since_maintenance,
    g.vibration_anomalies,
    g.temp_anomalies,
    fp.model_risk_score
  from lambda_iot_lake.iot.gold_device_health g
  cross join watermark w
  left join lambda_iot_lake.iot.gold_failure_predictions fp on fp.device_id = g.device_id and fp.prediction_date = g.`date`
  where g.`date` <= w.closed_through
),

newest_batch as (
  select device_id, `date`, days_since_maintenance
  from (
    select
      device_id,
      `date`,
      days_since_maintenance,
      row_number() over (partition by device_id order by `date` desc) as newest_first
    from batch_rows
  ) ranked
  where newest_first = 1
),

realtime_rows as (
  select
    r.device_id,
    r.`date`,
    'realtime' as source,
    r.min_health_score as health_score,
    case
      when b.days_since_maintenance is null then null
      when b.days_since_maintenance >= 999 then 999
      else b.days_since_maintenance + abs(date_diff('day', b.`date`, r.`date`))
    end as days_since_maintenance,
    r.vibration_anomalies,
    cast(null as bigint) as temp_anomalies,
    cast(null as double) as model_risk_score
  from device_health_rt r
  cross join watermark w
  left join newest_batch b on b.device_id = r.device_id
  where w.closed_through is null or r.`date` > w.closed_through
),

merged as (
  select * from batch_rows
  union all
  select * from realtime_rows
)

select
  m.device_id,
  m.`date`,
  m.source,
  m.health_score,
  m.days_since_maintenance,
  m.vibration_anomalies,
  m.temp_anomalies,
  coalesce(p.pending_anomalies, 0) as pending_anomalies,
  coalesce(p.urgent_anomalies, 0) as urgent_anomalies,
  round(
    (1 - m.health_score) * 0.6
    + least(coalesce(p.pending_anomalies, 0), 10) / 10.0 * 0.3
    + case when m.days_since_maintenance > 90 then 0.1 else 0 end,
    2
  ) as criticality_score,
  case
    when (1 - m.health_score) > 0.7 or m.days_since_maintenance > 120 then 'P0'
    when (1 - m.health_score) > 0.5 or m.days_since_maintenance > 90 then 'P1'
    when m.vibration_anomalies > 5 or coalesce(m.temp_anomalies, 0) > 3 then 'P2'
    else 'P3'
  end as priority,
  m.model_risk_score
from merged m
left join pending p on p.device_id = m.device_id and p.`date` = m.`date`;
