-- The lake as an external catalog: Gold (Iceberg tables on MinIO, catalogued by Nessie) read in place.
-- What: an Iceberg REST catalog lambda_iot_lake on Nessie's Iceberg endpoint for branch main
--   (${LAMBDA_IOT_STARROCKS_NESSIE_URI}/iceberg/main; one catalog per branch), files on MinIO with path-style
--   addressing. iceberg_table_cache_ttl_sec = 0 makes every query load the table's current snapshot (the
--   default caches it for minutes, so a fresh publish would stay invisible); the kit also runs
--   REFRESH EXTERNAL TABLE lambda_iot_lake.iot.gold_device_health (and .gold_failure_predictions) after each
--   publish it sees.
-- When: after 10_database.sql, before the views that read Gold (51_unified_device_health.sql).
--   Catalogs are global (not per database). IF NOT EXISTS needs StarRocks >= 3.2; on older versions the
--   kit checks SHOW CATALOGS first.
-- The endpoints are as StarRocks sees them (inside its network), not as this machine does.
CREATE EXTERNAL CATALOG IF NOT EXISTS lambda_iot_lake
PROPERTIES (
  "type" = "iceberg",
  "iceberg.catalog.type" = "rest",
  "iceberg.catalog.uri" = "${LAMBDA_IOT_STARROCKS_NESSIE_URI}/iceberg/main",
  "iceberg_table_cache_ttl_sec" = "0",
  "aws.s3.endpoint" = "${LAMBDA_IOT_STARROCKS_S3_ENDPOINT}",
  "aws.s3.enable_path_style_access" = "true",
  "aws.s3.enable_ssl" = "false",
  "aws.s3.region" = "${LAMBDA_IOT_S3_REGION}",
  "aws.s3.access_key" = "${AWS_ACCESS_KEY_ID}",
  "aws.s3.secret_key" = "${AWS_SECRET_ACCESS_KEY}"
);
