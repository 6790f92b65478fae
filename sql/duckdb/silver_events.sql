-- silver_events
-- Grain:   one row per machine event (device_id, event_timestamp, event_type) up to $to_date (all history:
--          days_since_maintenance needs the last maintenance however long ago it was).
-- Inputs:  raw_events (the lake's raw Parquet files; source_file is the file's key).
-- Params:  $to_date (DATE, inclusive).
-- Columns: the event (device_id, event_timestamp, event_type, severity, error_code, component, root_cause,
--          technician, duration_min, parts_replaced, status, next_inspection_days), plus
--   event_date               UTC date of the event
--   is_failure, is_maintenance
--   days_since_last_event    days since the same device's previous event (null for its first)
--   duplicates_dropped       other raw rows with this event's identity, not kept
--   duplicates_differing     how many of those had other values
-- Fix of the reference: its diff crossed device boundaries (the previous row could be another device's);
-- here the previous event is the same device's.
-- Deduplication: an event is identified by (device_id, event_timestamp, event_type): events of different
-- types may share an instant (the contract allows it), two of one type at one instant are one event
-- delivered twice. A repeated delivery or a plant produced twice lands an event more than once; as for
-- readings (silver_telemetry_daily) the copy with the smallest (source_partition, source_offset), then file key,
-- is kept, so failures_count counts each failure once.
WITH raw_in_range AS (
  SELECT *, CAST(event_timestamp AS DATE) AS event_date
  FROM raw_events
  WHERE CAST(event_timestamp AS DATE) <= CAST($to_date AS DATE)
),

copies AS (
  SELECT
    *,
    row_number() OVER by_identity AS copy,
    count(*) OVER (PARTITION BY device_id, event_timestamp, event_type) - 1 AS duplicates_dropped,
    first_value(
      (severity, error_code, component, root_cause, technician, duration_min, parts_replaced, status, next_inspection_days)
    ) OVER by_identity AS kept_values
  FROM raw_in_range
  WINDOW by_identity AS (
    PARTITION BY device_id, event_timestamp, event_type
    ORDER BY source_partition, source_offset, source_file
  )
),

events AS (
  SELECT
    * EXCLUDE (copy, kept_values),
    CAST(count_if(
      (severity, error_code, component, root_cause, technician, duration_min, parts_replaced, status, next_inspection_days)
        IS DISTINCT FROM kept_values
    ) OVER (PARTITION BY device_id, event_timestamp, event_type) AS INTEGER) AS duplicates_differing
  FROM copies
  QUALIFY copy = 1
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
  CAST(duplicates_dropped AS INTEGER) AS duplicates_dropped,
  duplicates_differing,
  event_type = 'failure' AS is_failure,
  event_type = 'maintenance' AS is_maintenance,
  date_diff(
    'day',
    lag(event_date) OVER (PARTITION BY device_id ORDER BY event_timestamp, event_type),
    event_date
  ) AS days_since_last_event
FROM events
