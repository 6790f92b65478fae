import path from 'node:path';
import { ConfigError } from '../errors.js';
import { SETTINGS, type Setting } from './settings.js';

/** The kit's typed configuration, read once from environment variables with embedded defaults. */
export interface Config {
  /** Absolute data directory; all embedded state lives under it. Default ./data. */
  dataDir: string;
  /** Prefix of every topic and group name. Default ''. */
  namePrefix: string;
  /** Log implementation. Default embedded. */
  bus: 'embedded' | 'kafka';
  /** Partitions of created topics. Default 4. */
  partitions: number;
  /** Consumer-group session timeout in ms. Default 30000. */
  sessionTimeoutMs: number;
  /** Embedded log retention by append age, hours. Default 168. */
  logRetentionHours: number;
  /** Embedded log retention by size, bytes per partition. Default 1 GiB. */
  logRetentionBytes: number;
  /** Largest accepted message value in bytes. Default 65536. */
  maxMessageBytes: number;
  /** Earliest plausible event date, YYYY-MM-DD (UTC); the window ends 24 h past now. Default 2000-01-01. */
  eventTimeMin: string;
  /** Speed layer checkpoint/commit interval in ms. Default 1000. */
  speedCommitIntervalMs: number;
  /** DuckDB memory_limit of the batch's and lake readers' sessions, e.g. '512MB'; undefined = DuckDB's (80% of RAM). */
  duckdbMemoryLimit?: string;
  /** DuckDB max_temp_directory_size (spill under <dataDir>/tmp), e.g. '10GB'; undefined = DuckDB's (90% of free disk). */
  duckdbTempLimit?: string;
  /** mm/s²: vibration above it counts in vibration_anomalies (batch and real-time views). Default 3.0. */
  vibrationThreshold: number;
  /** The score behind a P0 maintenance day: the reference's failure_risk_score or the failure model's. Default reference. */
  riskScore: 'reference' | 'model';
  /** Speed layer: UTC event dates per device in the real-time device-day view. Default 3. */
  realtimeDays: number;
  /** Kafka bootstrap servers. Default ['localhost:9092']. */
  kafkaBrokers: string[];
  /** Kafka client id. Default lambda-iot-kit. */
  kafkaClientId: string;
  /** TLS to Kafka. Default false. */
  kafkaSsl: boolean;
  /** SASL mechanism; undefined = none. */
  kafkaSaslMechanism?: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  kafkaSaslUsername?: string;
  kafkaSaslPassword?: string;
  /** Object store of the lake. Default local. */
  store: 'local' | 's3';
  /** S3 server URL; undefined = AWS. */
  s3Endpoint?: string;
  /** S3 region. Default us-east-1. */
  s3Region: string;
  /** Bucket holding raw/ and warehouse/. Default iot-lake. */
  s3Bucket: string;
  /** Path-style addressing. Default: true when an endpoint is set, false for AWS. */
  s3ForcePathStyle: boolean;
  /** Table catalog. Default embedded. */
  catalog: 'embedded' | 'nessie';
  /** Nessie server root; required with catalog nessie. */
  nessieUri?: string;
  /** Nessie bearer token. */
  nessieToken?: string;
  /** Batch: most manifests a Gold table snapshot lists (smaller ones merged past it). Default 16. */
  manifestBound: number;
  /** Landing: most rows per raw Parquet file. Default 200000. */
  landFileRows: number;
  /** Landing (live): seconds a buffered row may wait before its file is written. Default 60. */
  landFlushSeconds: number;
  /** Attempts of a remote call that fails retriably. Default 4. */
  retryAttempts: number;
  /** First retry delay, ms. Default 200. */
  retryBaseMs: number;
  /** Reruns of a batch whose publish lost a race. Default 3. */
  publishRetries: number;
  /** Serving layer: days of rows kept, back from the newest event date served. Default 365. */
  servingRetentionDays: number;
  /** Serving layer implementation. Default embedded. */
  serving: 'embedded' | 'starrocks';
  /** StarRocks FE URL (mysql://…; secret); required with serving starrocks. */
  starrocksUrl?: string;
  /** Kafka brokers as StarRocks sees them. Default: kafkaBrokers. */
  starrocksKafkaBrokers?: string[];
  /** Nessie root as StarRocks sees it. Default: nessieUri. */
  starrocksNessieUri?: string;
  /** S3 endpoint as StarRocks sees it. Default: s3Endpoint. */
  starrocksS3Endpoint?: string;
  /** Dashboard: listening port. Default 8080. */
  dashboardPort: number;
  /** Dashboard: the access token (secret); required on a non-loopback bind. */
  dashboardToken?: string;
  /** Test hook: named crash point. */
  testCrashAt?: string;
  /** Test hook: named pause point (signal tests). */
  testPauseAt?: string;
}

/** A URL's user:password part, masked: `scheme://***@host…`. */
const URL_CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/i;

function describeIssue(setting: Setting, error: { issues: { message: string }[] }, raw: string): string {
  const shown = setting.secret ? '***' : JSON.stringify(raw.replace(URL_CREDENTIALS, '$1***@'));
  const why = error.issues.map((i) => i.message).join('; ');
  return `invalid value ${shown}: ${why}`;
}

/**
 * Reads the configuration from `env` (default `process.env`). Fails fast with a {@link ConfigError}
 * naming the variable and what it accepts.
 * @example const config = loadConfig(); // embedded defaults
 * @example const config = loadConfig({ LAMBDA_IOT_BUS: 'kafka', LAMBDA_IOT_KAFKA_BROKERS: 'localhost:9092' });
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const values: Record<string, unknown> = {};
  for (const setting of SETTINGS as readonly Setting[]) {
    const given = env[setting.env];
    const raw = given === undefined || given === '' ? setting.default : given;
    if (raw === undefined) {
      values[setting.key] = undefined;
      continue;
    }
    const parsed = setting.schema.safeParse(raw);
    if (!parsed.success) throw new ConfigError(setting.env, describeIssue(setting, parsed.error, raw));
    values[setting.key] = parsed.data;
  }
  const config = values as unknown as Config;
  config.dataDir = path.resolve(config.dataDir);
  config.s3ForcePathStyle ??= config.s3Endpoint !== undefined;
  if (config.serving === 'starrocks') {
    if (!config.starrocksUrl) {
      throw new ConfigError(
        'LAMBDA_IOT_STARROCKS_URL',
        'LAMBDA_IOT_SERVING=starrocks needs LAMBDA_IOT_STARROCKS_URL (mysql://user:password@host:9030/database)',
      );
    }
    config.starrocksKafkaBrokers ??= config.kafkaBrokers;
    config.starrocksNessieUri ??= config.nessieUri;
    config.starrocksS3Endpoint ??= config.s3Endpoint;
  }
  if (config.kafkaSaslMechanism && !(config.kafkaSaslUsername && config.kafkaSaslPassword)) {
    throw new ConfigError(
      'LAMBDA_IOT_KAFKA_SASL_USERNAME',
      'LAMBDA_IOT_KAFKA_SASL_MECHANISM is set, so LAMBDA_IOT_KAFKA_SASL_USERNAME and LAMBDA_IOT_KAFKA_SASL_PASSWORD are required',
    );
  }
  return config;
}

/** The configuration as printable pairs, secrets masked. */
export function describeConfig(config: Config): { env: string; value: string }[] {
  return (SETTINGS as readonly Setting[]).map((s) => {
    const value = (config as unknown as Record<string, unknown>)[s.key];
    if (value === undefined) return { env: s.env, value: '(unset)' };
    if (s.secret) return { env: s.env, value: '***' };
    const text = Array.isArray(value) ? value.join(',') : String(value);
    // credentials inside a URL (scheme://user:password@host) are secrets too
    return { env: s.env, value: text.replace(URL_CREDENTIALS, '$1***@') };
  });
}

/** Text listing every variable, its default and meaning (for `--help` and the README). */
export function formatSettingsHelp(): string {
  const rows = (SETTINGS as readonly Setting[]).map((s) => {
    const def = s.default === undefined ? '' : ` (default ${s.default === '' ? '""' : s.default})`;
    return `  ${s.env}${def}\n      ${s.description}`;
  });
  return `Environment variables:\n${rows.join('\n')}`;
}
