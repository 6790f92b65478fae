-- Routine load iot-anomalies → anomalies_streaming.
-- What: StarRocks consumes the topic itself (no kit process in between). One JSON object per Kafka
--   message (the speed layer publishes single objects, so no strip_outer_array), keys picked by jsonpaths.
--   The ISO 8601 UTC timestamp ("2025-04-02T10:00:00.000Z") is cast to DATETIME after dropping T and Z.
--   "timezone" = "UTC" (the default is Asia/Shanghai); an error budget of 1000 rows per error window
--   (the default 0 pauses the job on the first bad row; a too-long device_id key is such a row).
--   A new job reads the topic from its beginning.
-- When: after 20_anomalies_streaming.sql. There is no IF NOT EXISTS for routine loads: the kit creates the
--   job only when SHOW ALL ROUTINE LOAD FOR <db>.anomalies_streaming_load does not list it.
CREATE ROUTINE LOAD `${STARROCKS_DATABASE}`.anomalies_streaming_load ON anomalies_streaming
COLUMNS (device_id, ts_text, anomaly_type, severity, description, is_confirmed, confirmed_by,
  `timestamp` = CAST(replace(replace(ts_text, 'T', ' '), 'Z', '') AS DATETIME))
PROPERTIES (
  "format" = "json",
  "jsonpaths" = "[\"$.device_id\",\"$.timestamp\",\"$.anomaly_type\",\"$.severity\",\"$.description\",\"$.is_confirmed\",\"$.confirmed_by\"]",
  "strip_outer_array" = "false",
  "timezone" = "UTC",
  "max_error_number" = "1000",
  "max_batch_interval" = "10",
  "desired_concurrent_number" = "3"
)
FROM KAFKA (
  "kafka_broker_list" = "${LAMBDA_IOT_STARROCKS_KAFKA_BROKERS}",
  "kafka_topic" = "${LAMBDA_IOT_NAME_PREFIX}iot-anomalies",
  "property.kafka_default_offsets" = "OFFSET_BEGINNING"
);
