-- anomalies_streaming: the streamed anomalies (topic iot-anomalies), one row per identity.
-- What: a Primary Key table keyed by (device_id, timestamp, anomaly_type) — the reference keyed on
--   (device_id, timestamp) only and dropped a second anomaly type raised by the same reading. Partitioned by
--   UTC day (expression partitioning, StarRocks >= 3.0), bucketed by device_id.
-- When: after 10_database.sql, before the routine load that fills it (30_routine_load_anomalies.sql).
-- Key size: StarRocks limits an encoded primary key to 128 bytes by default (be.conf primary_key_limit_size);
--   a device_id near the contract's 128 characters exceeds it, and the routine load rejects that row
--   (counted in its error budget) unless the limit is raised.
-- Timestamps are DATETIME holding UTC (DATETIME keeps microseconds; DATETIME(n) is a syntax error).
CREATE TABLE IF NOT EXISTS anomalies_streaming (
  device_id VARCHAR(128) NOT NULL,
  `timestamp` DATETIME NOT NULL,
  anomaly_type VARCHAR(64) NOT NULL,
  severity VARCHAR(16) NOT NULL,
  description VARCHAR(1024) NULL,
  is_confirmed BOOLEAN NOT NULL,
  confirmed_by VARCHAR(64) NULL
)
PRIMARY KEY (device_id, `timestamp`, anomaly_type)
PARTITION BY date_trunc('day', `timestamp`)
DISTRIBUTED BY HASH(device_id)
PROPERTIES ("replication_num" = "1", "enable_persistent_index" = "true");
