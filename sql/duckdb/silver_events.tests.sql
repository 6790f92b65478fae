-- Tests of silver_events: each query returns the offending rows (none when the test passes).
-- They are the batch run's publish audits: model names are bound to the rebuilt days of the run branch's
-- tables (silver names to the same days), or to the whole tables for a test headed `-- scope: table`.

-- test: days_since_last_event is never negative and null only for a device's first event
-- scope: table
SELECT device_id, event_timestamp, days_since_last_event FROM (
  SELECT *, row_number() OVER (PARTITION BY device_id ORDER BY event_timestamp, event_type) AS nth FROM silver_events
) WHERE days_since_last_event < 0 OR (days_since_last_event IS NULL) <> (nth = 1);

-- test: is_failure and is_maintenance follow event_type
SELECT device_id, event_timestamp, event_type FROM silver_events
WHERE is_failure <> (event_type = 'failure') OR is_maintenance <> (event_type = 'maintenance');

-- test: key (device_id, event_timestamp, event_type) unique and not null (duplicates deduplicated)
SELECT device_id, event_timestamp, event_type, count(*) AS n FROM silver_events
GROUP BY device_id, event_timestamp, event_type
HAVING count(*) > 1 OR device_id IS NULL OR event_timestamp IS NULL OR event_type IS NULL;
