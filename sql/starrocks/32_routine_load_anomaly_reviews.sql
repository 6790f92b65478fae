-- Routine load iot-anomaly-reviews → anomaly_reviews.
-- What: operators' reviews, one JSON object per message (as the live dashboard publishes them). The newest
--   review of an identity wins: "merge_condition" = "reviewed_at" updates a row only when the incoming
--   reviewed_at is >= the stored one (conditional update of Primary Key tables), whatever order messages
--   arrive in. "timezone" = "UTC", an error budget of 100 rows per error window, from the beginning.
-- When: after 22_anomaly_reviews.sql; created only when SHOW ALL ROUTINE LOAD does not list it.
CREATE ROUTINE LOAD `${STARROCKS_DATABASE}`.anomaly_reviews_load ON anomaly_reviews
COLUMNS (device_id, ts_text, anomaly_type, action, reviewer, `comment`, reviewed_text,
  `timestamp` = CAST(replace(replace(ts_text, 'T', ' '), 'Z', '') AS DATETIME),
  reviewed_at = CAST(replace(replace(reviewed_text, 'T', ' '), 'Z', '') AS DATETIME))
PROPERTIES (
  "format" = "json",
  "jsonpaths" = "[\"$.device_id\",\"$.timestamp\",\"$.anomaly_type\",\"$.action\",\"$.reviewer\",\"$.comment\",\"$.reviewed_at\"]",
  "strip_outer_array" = "false",
  "timezone" = "UTC",
  "max_error_number" = "100",
  "merge_condition" = "reviewed_at",
  "max_batch_interval" = "10",
  "desired_concurrent_number" = "1"
)
FROM KAFKA (
  "kafka_broker_list" = "${LAMBDA_IOT_STARROCKS_KAFKA_BROKERS}",
  "kafka_topic" = "${LAMBDA_IOT_NAME_PREFIX}iot-anomaly-reviews",
  "property.kafka_default_offsets" = "OFFSET_BEGINNING"
);
