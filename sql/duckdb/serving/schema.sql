-- Serving layer schema (embedded DuckDB file <data dir>/serving/serving.duckdb).
-- Applied by the serving owner every time it opens the file; every statement is idempotent.
-- Timestamps are TIMESTAMP holding UTC (the session runs in UTC); dates are UTC dates.

-- The streamed anomalies, one row per identity (the reference keyed on (device_id, timestamp) only and
-- dropped a second anomaly type raised by the same reading). Rows come only from iot-anomalies.
create table if not exists anomalies_streaming (
  device_id varchar not null,
  "timestamp" timestamp not null,
  anomaly_type varchar not null,
  severity varchar not null,
  description varchar,
  is_confirmed boolean not null,
  confirmed_by varchar,
  primary key (device_id, "timestamp", anomaly_type)
);

-- The speed layer's real-time device-day view (iot-device-health-rt), newest value per (device_id, date).
create table if not exists device_health_rt (
  device_id varchar not null,
  date date not null,
  readings bigint not null,
  avg_energy double,
  max_temp double,
  min_health_score double,
  vibration_anomalies bigint,
  avg_signal_strength double,
  newest_event_time timestamp,
  primary key (device_id, date)
);

-- Operator reviews of anomalies (iot-anomaly-reviews): the newest review of an identity wins.
create table if not exists anomaly_reviews (
  device_id varchar not null,
  "timestamp" timestamp not null,
  anomaly_type varchar not null,
  action varchar not null,
  reviewer varchar not null,
  comment varchar,
  reviewed_at timestamp not null,
  primary key (device_id, "timestamp", anomaly_type)
);

-- The batch view as served: gold_device_health at the attached Gold snapshot (replaced on attach).
create table if not exists gold_device_health (
  device_id varchar not null,
  date date not null,
  readings bigint,
  avg_energy double,
  max_temp double,
  min_health_score double,
  vibration_anomalies bigint,
  temp_anomalies bigint,
  avg_signal_strength double,
  failures_count bigint,
  days_since_maintenance bigint
);

-- The other Gold tables as served (replaced on attach, with every column the snapshot has).
create table if not exists gold_failure_predictions (
  device_id varchar not null,
  prediction_date date not null,
  anomalies_7d bigint,
  avg_temp_7d double,
  peak_energy_7d double,
  worst_health_score_7d double,
  anomalies_24h bigint,
  peak_temp_24h double,
  failure_risk_score double,
  recommended_action varchar,
  model_risk_score double,
  model_id varchar
);
create table if not exists gold_maintenance_schedule (
  device_id varchar not null,
  date date not null,
  priority varchar,
  "window" varchar,
  estimated_cost bigint,
  failure_risk_score double
);

-- One row: the newest closed date of the served Gold (the batch watermark) and which snapshot it is.
create table if not exists serving_watermark (
  closed_through date,
  gold_snapshot_id bigint,
  gold_commit varchar,
  updated_at timestamp
);
insert into serving_watermark
select null, null, null, null
where not exists (select 1 from serving_watermark);

-- Materialized views, refreshed incrementally from the dirty keys below.
create table if not exists anomaly_rollup (
  device_id varchar not null,
  hour timestamp not null,
  total_anomalies bigint not null,
  pending_anomalies bigint not null,
  high_severity_anomalies bigint not null,
  distinct_anomaly_types bigint not null,
  primary key (device_id, hour)
);

create table if not exists unified_device_health (
  device_id varchar not null,
  date date not null,
  source varchar not null,
  health_score double,
  days_since_maintenance bigint,
  vibration_anomalies bigint,
  temp_anomalies bigint,
  pending_anomalies bigint not null,
  urgent_anomalies bigint not null,
  criticality_score double,
  priority varchar not null,
  model_risk_score double,
  primary key (device_id, date)
);
-- A serving file created before the failure model (issue 20) lacks the column: added, it reads null until the
-- view's next refresh (rows are inserted by position, so it must exist, and last, as above).
alter table unified_device_health add column if not exists model_risk_score double;

-- Keys touched since the last refresh of each view (written with the rows that touched them).
create table if not exists dirty_hours (
  device_id varchar not null,
  hour timestamp not null,
  primary key (device_id, hour)
);
create table if not exists dirty_days (
  device_id varchar not null,
  date date not null,
  primary key (device_id, date)
);

-- When each view was last refreshed and how.
create table if not exists view_refreshes (
  view_name varchar not null primary key,
  refreshed_at timestamp not null,
  mode varchar not null,
  keys bigint not null,
  duration_ms bigint not null
);
