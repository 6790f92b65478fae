-- anomaly_reviews: operators' reviews of anomalies (topic iot-anomaly-reviews), the newest review wins.
-- What: a Primary Key table keyed by the anomaly identity (device_id, timestamp, anomaly_type); action is
--   'confirm' or 'dismiss'. The routine load updates a row only when the incoming reviewed_at is not older
--   (conditional update, "merge_condition"), so a late-arriving older review never replaces a newer one.
-- When: after 10_database.sql, before 32_routine_load_anomaly_reviews.sql.
CREATE TABLE IF NOT EXISTS anomaly_reviews (
  device_id VARCHAR(128) NOT NULL,
  `timestamp` DATETIME NOT NULL,
  anomaly_type VARCHAR(64) NOT NULL,
  action VARCHAR(16) NOT NULL,
  reviewer VARCHAR(100) NOT NULL,
  `comment` VARCHAR(2000) NULL,
  reviewed_at DATETIME NOT NULL
)
PRIMARY KEY (device_id, `timestamp`, anomaly_type)
DISTRIBUTED BY HASH(device_id)
PROPERTIES ("replication_num" = "1", "enable_persistent_index" = "true");
