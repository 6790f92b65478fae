-- device_health_rt: the speed layer's real-time device-day view (topic iot-device-health-rt).
-- What: a Primary Key table keyed by (device_id, date); the routine load upserts, so the newest published
--   value of a device-day is the one served.
-- When: after 10_database.sql, before 31_routine_load_device_health_rt.sql.
CREATE TABLE IF NOT EXISTS device_health_rt (
  device_id VARCHAR(128) NOT NULL,
  `date` DATE NOT NULL,
  readings BIGINT NOT NULL,
  avg_energy DOUBLE NULL,
  max_temp DOUBLE NULL,
  min_health_score DOUBLE NULL,
  vibration_anomalies BIGINT NULL,
  avg_signal_strength DOUBLE NULL,
  newest_event_time DATETIME NULL
)
PRIMARY KEY (device_id, `date`)
DISTRIBUTED BY HASH(device_id)
PROPERTIES ("replication_num" = "1", "enable_persistent_index" = "true");
