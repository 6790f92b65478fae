import { z } from 'zod';

/**
 * Every environment variable the kit reads, with its default and meaning. `--help` and the README are
 * generated from this table, so a variable that is not here does not exist.
 */
export interface Setting {
  /** Environment variable name. */
  env: string;
  /** Key in the typed config object. */
  key: string;
  /** Parser of the raw string (zod); its error message names the accepted values. */
  schema: z.ZodType;
  /** Default as it would be written in the environment; undefined = unset. */
  default?: string;
  /** One line for `--help` and the README. */
  description: string;
  /** Never printed (config dumps show "***"). */
  secret?: boolean;
}

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const positiveInt = z.coerce.number().int().positive();
const brokerList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port')).min(1, 'expected host:port,…'));
/** A DuckDB memory size as DuckDB's SET takes it: a number and a unit (KB, MB, GB, TB or KiB … TiB). */
const duckSize = z
  .string()
  .trim()
  .regex(
    /^(?:\d+(?:\.\d+)?|\.\d+)\s*(?:[KMGT]i?B)$/i,
    'expected a size with a unit, e.g. 512MB, 2GB or 1.5GiB (KB, MB, GB, TB for 1000^i, KiB … TiB for 1024^i)',
  )
  .refine((s) => Number.parseFloat(s) > 0, 'expected a size above zero');
const namePrefix = z
  .string()
  .regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only (it becomes part of topic names)');

export const SETTINGS = [
  {
    env: 'LAMBDA_IOT_DATA_DIR',
    key: 'dataDir',
    schema: z.string().min(1),
    default: './data',
    description: 'Directory for all embedded state (log, ground truth, lake, catalog, outputs).',
  },
  {
    env: 'LAMBDA_IOT_NAME_PREFIX',
    key: 'namePrefix',
    schema: namePrefix,
    default: '',
    description: 'Prefix for every topic and consumer-group name (tests use a random one to share a broker).',
  },
  {
    env: 'LAMBDA_IOT_BUS',
    key: 'bus',
    schema: z.enum(['embedded', 'kafka']),
    default: 'embedded',
    description: 'Log implementation: embedded (SQLite file under the data directory) or kafka.',
  },
  {
    env: 'LAMBDA_IOT_PARTITIONS',
    key: 'partitions',
    schema: positiveInt.max(1024),
    default: '4',
    description: 'Partitions of topics the kit creates (the librdkafka mock and Kafka auto-create use 4).',
  },
  {
    env: 'LAMBDA_IOT_SESSION_TIMEOUT_MS',
    key: 'sessionTimeoutMs',
    schema: positiveInt.min(1000),
    default: '30000',
    description:
      'Consumer-group session timeout: how long a silent member keeps its group before another may take over.',
  },
  {
    env: 'LAMBDA_IOT_LOG_RETENTION_HOURS',
    key: 'logRetentionHours',
    schema: z.coerce.number().positive(),
    default: '168',
    description:
      'Embedded log: delete messages appended more than this many hours ago (append time, not event time).',
  },
  {
    env: 'LAMBDA_IOT_LOG_RETENTION_BYTES',
    key: 'logRetentionBytes',
    schema: positiveInt,
    default: String(1024 ** 3),
    description: 'Embedded log: per-partition size limit in bytes; the oldest messages go first.',
  },
  {
    env: 'LAMBDA_IOT_MAX_MESSAGE_BYTES',
    key: 'maxMessageBytes',
    schema: positiveInt,
    default: '65536',
    description: 'Largest message value consumers accept; bigger ones go to the dead-letter topic.',
  },
  {
    env: 'LAMBDA_IOT_EVENT_TIME_MIN',
    key: 'eventTimeMin',
    schema: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
      .refine((d) => {
        const ms = Date.parse(`${d}T00:00:00Z`);
        return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(d);
      }, 'expected a real calendar date'),
    default: '2000-01-01',
    description:
      'Earliest plausible event date (UTC); earlier event times, like those over 24 h past now, are dead-lettered; the batch skips raw dates outside.',
  },
  {
    env: 'LAMBDA_IOT_SPEED_COMMIT_INTERVAL_MS',
    key: 'speedCommitIntervalMs',
    schema: z.coerce.number().int().nonnegative(),
    default: '1000',
    description:
      'Speed layer: checkpoint state and commit offsets at most this often (0 = after every batch).',
  },
  {
    env: 'LAMBDA_IOT_DUCKDB_MEMORY_LIMIT',
    key: 'duckdbMemoryLimit',
    schema: duckSize.optional(),
    description:
      "DuckDB's memory_limit for the batch and other lake reads, e.g. 512MB or 2GB; beyond it DuckDB spills to <data dir>/tmp (unset = DuckDB's default, 80% of the machine's RAM).",
  },
  {
    env: 'LAMBDA_IOT_DUCKDB_TEMP_LIMIT',
    key: 'duckdbTempLimit',
    schema: duckSize.optional(),
    description:
      "DuckDB's max_temp_directory_size: most disk DuckDB may spill to under <data dir>/tmp, e.g. 10GB (unset = DuckDB's default, 90% of the free disk space).",
  },
  {
    env: 'LAMBDA_IOT_VIBRATION_THRESHOLD',
    key: 'vibrationThreshold',
    schema: z.coerce.number().positive().max(100),
    default: '3.0',
    description:
      'mm/s²: the one threshold behind vibration_anomalies in batch and real-time views (a reading counts when its vibration is above it); the rule set decides which anomalies are raised.',
  },
  {
    env: 'LAMBDA_IOT_RISK_SCORE',
    key: 'riskScore',
    schema: z.enum(['reference', 'model']),
    default: 'reference',
    description:
      "Which score makes a maintenance day P0: reference = the reference's failure_risk_score > 0.7 (keeps the article's numbers); model = the failure model's model_risk_score above its threshold.",
  },
  {
    env: 'LAMBDA_IOT_REALTIME_DAYS',
    key: 'realtimeDays',
    schema: positiveInt.max(366),
    default: '3',
    description:
      "Speed layer: the real-time device-day view keeps each device's newest this many UTC event dates; a reading for an older date is counted as late_for_realtime and left to the batch.",
  },
  {
    env: 'LAMBDA_IOT_KAFKA_BROKERS',
    key: 'kafkaBrokers',
    schema: brokerList,
    default: 'localhost:9092',
    description: 'Kafka bootstrap servers, host:port,… (LAMBDA_IOT_BUS=kafka).',
  },
  {
    env: 'LAMBDA_IOT_KAFKA_CLIENT_ID',
    key: 'kafkaClientId',
    schema: z.string().min(1),
    default: 'lambda-iot-kit',
    description: 'Kafka client id reported to the brokers.',
  },
  {
    env: 'LAMBDA_IOT_KAFKA_SSL',
    key: 'kafkaSsl',
    schema: bool,
    default: 'false',
    description: 'Connect to Kafka over TLS (true|false).',
  },
  {
    env: 'LAMBDA_IOT_KAFKA_SASL_MECHANISM',
    key: 'kafkaSaslMechanism',
    schema: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
    description: 'Kafka SASL mechanism (plain|scram-sha-256|scram-sha-512); unset = no SASL.',
  },
  {
    env: 'LAMBDA_IOT_KAFKA_SASL_USERNAME',
    key: 'kafkaSaslUsername',
    schema: z.string().optional(),
    description: 'Kafka SASL user name.',
  },
  {
    env: 'LAMBDA_IOT_KAFKA_SASL_PASSWORD',
    key: 'kafkaSaslPassword',
    schema: z.string().optional(),
    description: 'Kafka SASL password (never printed).',
    secret: true,
  },
  {
    env: 'LAMBDA_IOT_STORE',
    key: 'store',
    schema: z.enum(['local', 's3']),
    default: 'local',
    description:
      'Object store of the lake: local (the lake/ directory under the data directory) or s3 (S3, MinIO).',
  },
  {
    env: 'LAMBDA_IOT_S3_ENDPOINT',
    key: 's3Endpoint',
    schema: z.url({
      protocol: /^https?$/,
      error: 'expected an http:// or https:// URL, e.g. http://127.0.0.1:9000',
    }),
    description:
      'S3 server URL (MinIO, s3rver); unset = AWS. Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
  },
  {
    env: 'LAMBDA_IOT_S3_REGION',
    key: 's3Region',
    schema: z.string().regex(/^[a-z0-9-]+$/, 'expected a region name such as us-east-1'),
    default: 'us-east-1',
    description: 'S3 region to sign requests for (and to create the bucket in).',
  },
  {
    env: 'LAMBDA_IOT_S3_BUCKET',
    key: 's3Bucket',
    schema: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        '3 to 63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit',
      ),
    default: 'iot-lake',
    description: 'Bucket of the lake: one bucket holds raw/ and warehouse/; created when missing.',
  },
  {
    env: 'LAMBDA_IOT_S3_FORCE_PATH_STYLE',
    key: 's3ForcePathStyle',
    schema: bool.optional(),
    description:
      'Path-style S3 addresses, http://host/bucket/key (true|false); unset = true when LAMBDA_IOT_S3_ENDPOINT is set, false for AWS.',
  },
  {
    env: 'LAMBDA_IOT_CATALOG',
    key: 'catalog',
    schema: z.enum(['embedded', 'nessie']),
    default: 'embedded',
    description:
      'Table catalog: embedded (SQLite under the data directory) or nessie (LAMBDA_IOT_NESSIE_URI; protocol-tested only).',
  },
  {
    env: 'LAMBDA_IOT_NESSIE_URI',
    key: 'nessieUri',
    schema: z.url({ message: 'expected the Nessie server root, e.g. http://nessie:19120' }).optional(),
    description:
      'Nessie server root (REST API v2 under /api/v2, Iceberg REST under /iceberg), e.g. http://nessie:19120. A user:password written in it is sent as Basic auth (the token wins) and never printed.',
  },
  {
    env: 'LAMBDA_IOT_NESSIE_TOKEN',
    key: 'nessieToken',
    schema: z.string().optional(),
    description: 'Bearer token for Nessie, when it requires authentication (never printed).',
    secret: true,
  },
  {
    env: 'LAMBDA_IOT_MANIFEST_BOUND',
    key: 'manifestBound',
    schema: positiveInt.max(10_000),
    default: '16',
    description:
      'Batch: most Iceberg manifests a Gold table snapshot lists; past it the smallest are merged into one, so loading a table reads at most this many however long its history.',
  },
  {
    env: 'LAMBDA_IOT_LAND_FILE_ROWS',
    key: 'landFileRows',
    schema: positiveInt.max(10_000_000),
    default: '200000',
    description:
      'Landing: most rows in one raw Parquet file; a buffer this full is written out (a date change also cuts a file).',
  },
  {
    env: 'LAMBDA_IOT_LAND_FLUSH_SECONDS',
    key: 'landFlushSeconds',
    schema: positiveInt.max(86_400),
    default: '60',
    description:
      "Landing in live mode: write a partition's buffered rows once the oldest is this many seconds old, so the lake lags the log by at most about this much.",
  },
  {
    env: 'LAMBDA_IOT_RETRY_ATTEMPTS',
    key: 'retryAttempts',
    schema: positiveInt.max(100),
    default: '4',
    description:
      "Nessie requests that fail retriably (429; 503 or a dropped connection on reads) are made at most this many times (S3 calls use the AWS SDK's own retries).",
  },
  {
    env: 'LAMBDA_IOT_RETRY_BASE_MS',
    key: 'retryBaseMs',
    schema: z.coerce.number().int().nonnegative().max(60_000),
    default: '200',
    description: 'First retry delay in ms; each later one doubles, with full jitter (capped at 10 s).',
  },
  {
    env: 'LAMBDA_IOT_PUBLISH_RETRIES',
    key: 'publishRetries',
    schema: z.coerce.number().int().nonnegative().max(20),
    default: '3',
    description:
      'Batch: when a publish loses a race (main changed the same tables), rerun the whole write-audit-publish from the new main this many more times.',
  },
  {
    env: 'LAMBDA_IOT_SERVING_RETENTION_DAYS',
    key: 'servingRetentionDays',
    schema: positiveInt.max(36_500),
    default: '365',
    description:
      'Serving layer: keep this many days of rows (counted back from the newest event date served, not the wall clock); older anomalies, real-time and view rows are deleted at refresh.',
  },
  {
    env: 'LAMBDA_IOT_SERVING',
    key: 'serving',
    schema: z.enum(['embedded', 'starrocks']),
    default: 'embedded',
    description:
      'Serving layer: embedded (a DuckDB file under the data directory, one owner process) or starrocks (LAMBDA_IOT_STARROCKS_URL; StarRocks loads the topics itself).',
  },
  {
    env: 'LAMBDA_IOT_STARROCKS_URL',
    key: 'starrocksUrl',
    schema: z
      .string()
      .regex(/^mysql:\/\//, 'expected mysql://user:password@host:9030/database')
      .optional(),
    description:
      'StarRocks FE over the MySQL protocol, mysql://user:password@host:9030/database (database default iot); required with LAMBDA_IOT_SERVING=starrocks (never printed).',
    secret: true,
  },
  {
    env: 'LAMBDA_IOT_STARROCKS_KAFKA_BROKERS',
    key: 'starrocksKafkaBrokers',
    schema: brokerList.optional(),
    description:
      "Kafka brokers as StarRocks' routine loads reach them (inside its network), host:port,…; default LAMBDA_IOT_KAFKA_BROKERS.",
  },
  {
    env: 'LAMBDA_IOT_STARROCKS_NESSIE_URI',
    key: 'starrocksNessieUri',
    schema: z.url().optional(),
    description:
      'Nessie server root as StarRocks reaches it, for its Iceberg REST catalog of the lake (…/iceberg/main); default LAMBDA_IOT_NESSIE_URI.',
  },
  {
    env: 'LAMBDA_IOT_STARROCKS_S3_ENDPOINT',
    key: 'starrocksS3Endpoint',
    schema: z.url().optional(),
    description:
      "S3 (MinIO) endpoint as StarRocks reaches it, for reading the lake's files; default LAMBDA_IOT_S3_ENDPOINT. Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.",
  },
  {
    env: 'LAMBDA_IOT_DASHBOARD_PORT',
    key: 'dashboardPort',
    schema: z.coerce.number().int().min(0).max(65_535),
    default: '8080',
    description: 'Dashboard: the port `lambda-iot dashboard` listens on (0 picks a free one).',
  },
  {
    env: 'LAMBDA_IOT_DASHBOARD_TOKEN',
    key: 'dashboardToken',
    schema: z.string().min(16, 'at least 16 characters').optional(),
    description:
      'Dashboard: the token every request must carry (Authorization: Bearer, or a cookie set by /?token=); required to bind a non-loopback host.',
    secret: true,
  },
  {
    env: 'LAMBDA_IOT_TEST_CRASH_AT',
    key: 'testCrashAt',
    schema: z.string().optional(),
    description:
      'Test hook: the process SIGKILLs itself when it reaches this named point (crash tests only).',
  },
  {
    env: 'LAMBDA_IOT_TEST_PAUSE_AT',
    key: 'testPauseAt',
    schema: z.string().optional(),
    description:
      'Test hook: the process pauses at this named point until the file LAMBDA_IOT_TEST_PAUSE_UNTIL exists (signal tests only).',
  },
] as const satisfies readonly Setting[];

export type SettingKey = (typeof SETTINGS)[number]['key'];
