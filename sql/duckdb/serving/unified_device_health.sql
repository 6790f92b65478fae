-- unified_device_health: the Lambda merge of the batch view and the real-time view.
-- Grain: one row per (device_id, date).
-- Rows: gold_device_health rows for dates up to the batch watermark (serving_watermark.closed_through, the
-- newest date the served Gold has closed), device_health_rt rows (the speed layer's view) for later dates;
-- `source` says which ('batch' | 'realtime'). With no Gold attached yet every row is real-time.
-- Columns (SEED-FACTS "The kit's definitions for serving"):
--   health_score             min_health_score of the day
--   days_since_maintenance   batch: Gold's; real-time: the device's newest served batch row's value plus the
--                            days since that row (999 stays 999; null when the device has no batch row)
--   vibration_anomalies      readings with vibration > LAMBDA_IOT_VIBRATION_THRESHOLD
--   temp_anomalies           batch only (needs the 7-day baseline); null for real-time rows, counted as 0
--   pending_anomalies        the day's anomalies neither confirmed (system or reviewer) nor dismissed
--   urgent_anomalies         pending anomalies with severity high or critical
--   criticality_score        round((1 − health)·0.6 + least(pending, 10)/10·0.3 + (dsm > 90 ? 0.1 : 0), 2)
--   priority                 P0: 1 − health > 0.7 or dsm > 120; P1: > 0.5 or dsm > 90;
--                            P2: vibration_anomalies > 5 or temp_anomalies > 3; else P3
--   model_risk_score         batch: the failure model's score of the day (gold_failure_predictions); null for
--                            real-time rows and for Gold published before the model
-- Written in the SQL subset DuckDB and StarRocks share (sql/starrocks/51_unified_device_health.sql holds the
-- StarRocks copy; test/serving/starrocksViews.test.ts checks both give the same rows). The refresh filters it to the dirty device-days.

with watermark as (
  select closed_through from serving_watermark
),

pending as (
  select
    a.device_id,
    cast(a."timestamp" as date) as date,
    count(*) as pending_anomalies,
    sum(case when a.severity in ('high', 'critical') then 1 else 0 end) as urgent_anomalies
  from anomalies_streaming a
  left join anomaly_reviews r
    on r.device_id = a.device_id and r."timestamp" = a."timestamp" and r.anomaly_type = a.anomaly_type
  where not a.is_confirmed and r.action is null
  group by a.device_id, cast(a."timestamp" as date)
),

batch_rows as (
  select
    g.device_id,
    g.date,
    'batch' as source,
    g.min_health_score as health_score,
    g.days_since_maintenance,
    g.vibration_anomalies,
    g.temp_anomalies,
    fp.model_risk_score
  from gold_device_health g
  cross join watermark w
  left join gold_failure_predictions fp on fp.device_id = g.device_id and fp.prediction_date = g.date
  where g.date <= w.closed_through
),

newest_batch as (
  select device_id, date, days_since_maintenance
  from (
    select
      device_id,
      date,
      days_since_maintenance,
      row_number() over (partition by device_id order by date desc) as newest_first
    from batch_rows
  ) ranked
  where newest_first = 1
),

realtime_rows as (
  select
    r.device_id,
    r.date,
    'realtime' as source,
    r.min_health_score as health_score,
    case
      when b.days_since_maintenance is null then null
      when b.days_since_maintenance >= 999 then 999
      -- abs(): date_diff takes its dates in opposite orders in DuckDB and StarRocks; r.date is always
      -- after the newest batch date, so the distance is the same in both (sql/starrocks runs this SELECT too)
      else b.days_since_maintenance + abs(date_diff('day', b.date, r.date))
    end as days_since_maintenance,
    r.vibration_anomalies,
    cast(null as bigint) as temp_anomalies,
    cast(null as double) as model_risk_score
  from device_health_rt r
  cross join watermark w
  left join newest_batch b on b.device_id = r.device_id
  where w.closed_through is null or r.date > w.closed_through
),

merged as (
  select * from batch_rows
  union all
  select * from realtime_rows
),

final as (
  select
    m.device_id,
    m.date,
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
  left join pending p on p.device_id = m.device_id and p.date = m.date
)

select * from final
