-- Tests of failure_labels: each query returns the offending rows (none when the test passes).

-- test: key (device_id, date) unique, not null, and one row per failure_features row
SELECT device_id, date, count(*) AS n FROM failure_labels
GROUP BY device_id, date HAVING count(*) > 1 OR device_id IS NULL OR date IS NULL
UNION ALL
SELECT f.device_id, f.date, 0 AS n FROM failure_features AS f
ANTI JOIN failure_labels AS l ON l.device_id = f.device_id AND l.date = f.date;

-- test: a label exactly when labelled, positive exactly when a failure follows
SELECT * FROM failure_labels
WHERE labelled IS NULL
   OR (labelled AND label IS NULL) OR (NOT labelled AND label IS NOT NULL)
   OR (label AND failure_date IS NULL) OR (label = false AND failure_date IS NOT NULL)
   OR failure_date <= date;

-- test: a failure on the date itself is never its label
SELECT l.device_id, l.date FROM failure_labels AS l
WHERE l.failure_date = l.date;

-- test: the positive's failure is a failure event of that device
SELECT l.device_id, l.date, l.failure_date FROM failure_labels AS l
WHERE l.label AND NOT EXISTS (
  SELECT 1 FROM silver_events AS e
  WHERE e.device_id = l.device_id AND e.is_failure AND e.event_date = l.failure_date
);
