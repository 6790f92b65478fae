-- Routine load iot-device-health-rt → device_health_rt.
-- What: the speed layer's real-time device-day rows, one JSON object per message; date is "YYYY-MM-DD" (UTC),
--   newest_event_time ISO 8601 UTC cast to DATETIME after dropping T and Z. "timezone" = "UTC", an error
--   budget of 1000 rows per error window, from the beginning for a new job. Upserts by (device_id, date).
-- When: after 21_device_health_rt.sql; created only when SHOW ALL ROUTINE LOAD does not list it.
CREATE ROUTINE LOAD `${STARROCKS_DATABASE}`.device_health_rt_load ON device_health_rt
COLUMNS (device_id, `date`, readings, avg_energy, max_temp, min_health_score, vibration_anomalies,
  avg_signal_strength, newest_text,
  newest_event_time = CAST(replace(replace(newest_text, 'T', ' '), 'Z', '') AS DATETIME))
PROPERTIES (
  "format" = "json",
  "jsonpaths" = "[\"$.device_id\",\"$.date\",\"$.readings\",\"$.avg_energy\",\"$.max_temp\",\"$.min_health_score\",\"$.vibration_anomalies\",\"$.avg_signal_strength\",\"$.newest_event_time\"]",
  "strip_outer_array" = "false",
  "timezone" = "UTC",
  "max_error_number" = "1000",
  "max_batch_interval" = "10",
  "desired_concurrent_number" = "3"
)
FROM KAFKA (
  "kafka_broker_list" = "${LAMBDA_IOT_STARROCKS_KAFKA_BROKERS}",
  "kafka_topic" = "${LAMBDA_IOT_NAME_PREFIX}iot-device-health-rt",
  "property.kafka_default_offsets" = "OFFSET_BEGINNING"
);
