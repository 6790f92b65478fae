-- silver_events
-- Grain:   one row per machine event up to $to_date (all history: days_since_maintenance needs the last
--          maintenance however long ago it was).
-- Inputs:  raw_events (the lake's raw Parquet files).
-- Params:  $to_date (DATE, inclusive).
-- Columns: the event (device_id, event_timestamp, event_type, severity, error_code, component, root_cause,
--          technician, duration_min, parts_replaced, status, next_inspection_days), plus
--   event_date               UTC date of the event
--   is_failure, is_maintenance
--   days_since_last_event    days since the same device's previous event (null for its first)
-- Fix of the reference: its diff crossed device boundaries (the previous row could be another device's);
-- here the previous event is the same device's.
WITH events AS (
  SELECT *, CAST(event_timestamp AS DATE) AS event_date
  FROM raw_events
  WHERE CAST(event_timestamp AS DATE) <= CAST($to_date AS DATE)
)

SELECT
  device_id,
  event_timestamp,
  event_date,
  event_type,
  severity,
  error_code,
  component,
  root_cause,
  technician,
  duration_min,
  parts_replaced,
  status,
  next_inspection_days,
  event_type = 'failure' AS is_failure,
  event_type = 'maintenance' AS is_maintenance,
  date_diff(
    'day',
    lag(event_date) OVER (PARTITION BY device_id ORDER BY event_timestamp, event_type),
    event_date
  ) AS days_since_last_event
FROM events
