-- serving_watermark: one row — the batch watermark of the Gold the views serve.
-- What: closed_through (the newest date the served Gold has closed, from the snapshot summary entry
--   lambda-iot.closed-through), gold_snapshot_id and gold_commit (which snapshot), updated_at (UTC).
--   unified_device_health reads the watermark from here, exactly as the embedded serving layer does.
-- When: after 10_database.sql. The kit's `serve` (and `batch` after a publish) upserts the row with id 1.
CREATE TABLE IF NOT EXISTS serving_watermark (
  id INT NOT NULL,
  closed_through DATE NULL,
  gold_snapshot_id BIGINT NULL,
  gold_commit VARCHAR(64) NULL,
  updated_at DATETIME NULL
)
PRIMARY KEY (id)
DISTRIBUTED BY HASH(id)
PROPERTIES ("replication_num" = "1", "enable_persistent_index" = "true");
