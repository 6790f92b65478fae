/**
 * The statements the embedded serving layer ingests with: upserts of streamed rows and the marks of the keys they
 * touch. Each takes its rows as one JSON parameter ($rows) for `from_json`.
 */

export const UPSERT_ANOMALIES = `
insert or replace into anomalies_streaming
select device_id, cast(cast("timestamp" as timestamptz) as timestamp), anomaly_type, severity, description,
       is_confirmed, confirmed_by
from (select unnest(from_json($rows, '[{"device_id":"VARCHAR","timestamp":"VARCHAR","anomaly_type":"VARCHAR",
  "severity":"VARCHAR","description":"VARCHAR","is_confirmed":"BOOLEAN","confirmed_by":"VARCHAR"}]'), recursive := true))`;

export const UPSERT_REALTIME = `
insert or replace into device_health_rt
select device_id, cast(date as date), readings, avg_energy, max_temp, min_health_score, vibration_anomalies,
       avg_signal_strength, cast(cast(newest_event_time as timestamptz) as timestamp)
from (select unnest(from_json($rows, '[{"device_id":"VARCHAR","date":"VARCHAR","readings":"BIGINT",
  "avg_energy":"DOUBLE","max_temp":"DOUBLE","min_health_score":"DOUBLE","vibration_anomalies":"BIGINT",
  "avg_signal_strength":"DOUBLE","newest_event_time":"VARCHAR"}]'), recursive := true))`;

export const UPSERT_REVIEWS = `
insert into anomaly_reviews
select device_id, cast(cast("timestamp" as timestamptz) as timestamp), anomaly_type, action, reviewer, comment,
       cast(cast(reviewed_at as timestamptz) as timestamp)
from (select unnest(from_json($rows, '[{"device_id":"VARCHAR","timestamp":"VARCHAR","anomaly_type":"VARCHAR",
  "action":"VARCHAR","reviewer":"VARCHAR","comment":"VARCHAR","reviewed_at":"VARCHAR"}]'), recursive := true))
on conflict do update set action = excluded.action, reviewer = excluded.reviewer, comment = excluded.comment,
  reviewed_at = excluded.reviewed_at
where excluded.reviewed_at >= anomaly_reviews.reviewed_at`;

/** Marks the device-hours and device-days of timestamped rows (given as JSON) for the next refresh. */
export const MARK_TIMESTAMPS = `
insert or ignore into dirty_hours
select distinct device_id, date_trunc('hour', cast(cast(ts as timestamptz) as timestamp))
from (select unnest(from_json($rows, '[{"device_id":"VARCHAR","ts":"VARCHAR"}]'), recursive := true));
insert or ignore into dirty_days
select distinct device_id, cast(cast(cast(ts as timestamptz) as timestamp) as date)
from (select unnest(from_json($rows, '[{"device_id":"VARCHAR","ts":"VARCHAR"}]'), recursive := true))`;

export const MARK_DAYS = `
insert or ignore into dirty_days
select distinct device_id, cast(date as date)
from (select unnest(from_json($rows, '[{"device_id":"VARCHAR","date":"VARCHAR"}]'), recursive := true))`;
