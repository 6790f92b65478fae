-- The serving database on StarRocks.
-- What: creates the database named in LAMBDA_IOT_STARROCKS_URL (mysql://user:pass@fe-host:9030/<database>).
-- When: first of all, by `lambda-iot serve` (LAMBDA_IOT_SERVING=starrocks) or by hand; idempotent.
-- Every later file runs inside this database (the kit issues USE after it).
CREATE DATABASE IF NOT EXISTS `${STARROCKS_DATABASE}`;
