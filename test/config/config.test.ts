import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeConfig, formatSettingsHelp, loadConfig } from '../../src/config/config.js';
import { qualifiedName, topicName } from '../../src/config/names.js';
import { SETTINGS } from '../../src/config/settings.js';
import { ConfigError } from '../../src/errors.js';

describe('config', () => {
  it('has embedded defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      dataDir: path.resolve('./data'),
      namePrefix: '',
      bus: 'embedded',
      partitions: 4,
      sessionTimeoutMs: 30_000,
      kafkaBrokers: ['localhost:9092'],
      kafkaSsl: false,
    });
  });

  it('parses every kind of value', () => {
    const config = loadConfig({
      LAMBDA_IOT_BUS: 'kafka',
      LAMBDA_IOT_KAFKA_BROKERS: 'a:9092, b:9093',
      LAMBDA_IOT_KAFKA_SSL: 'true',
      LAMBDA_IOT_SESSION_TIMEOUT_MS: '6000',
      LAMBDA_IOT_NAME_PREFIX: 'ws1-',
    });
    expect(config.kafkaBrokers).toEqual(['a:9092', 'b:9093']);
    expect(config.kafkaSsl).toBe(true);
    expect(config.sessionTimeoutMs).toBe(6000);
    expect(topicName(config, 'telemetry')).toBe('ws1-iot-telemetry');
    expect(qualifiedName(config, 'lambda_streaming_anomalies')).toBe('ws1-lambda_streaming_anomalies');
  });

  it.each([
    ['LAMBDA_IOT_BUS', 'rabbitmq', /LAMBDA_IOT_BUS.*"rabbitmq".*embedded.*kafka/],
    ['LAMBDA_IOT_PARTITIONS', '0', /LAMBDA_IOT_PARTITIONS/],
    ['LAMBDA_IOT_PARTITIONS', 'four', /LAMBDA_IOT_PARTITIONS/],
    ['LAMBDA_IOT_KAFKA_BROKERS', 'localhost', /LAMBDA_IOT_KAFKA_BROKERS.*host:port/],
    ['LAMBDA_IOT_KAFKA_SSL', 'yes', /LAMBDA_IOT_KAFKA_SSL.*true/],
    ['LAMBDA_IOT_NAME_PREFIX', 'a/b', /LAMBDA_IOT_NAME_PREFIX/],
    ['LAMBDA_IOT_DUCKDB_MEMORY_LIMIT', '512', /LAMBDA_IOT_DUCKDB_MEMORY_LIMIT.*"512".*e\.g\. 512MB, 2GB/],
    ['LAMBDA_IOT_DUCKDB_MEMORY_LIMIT', '80%', /LAMBDA_IOT_DUCKDB_MEMORY_LIMIT.*KiB/],
    ['LAMBDA_IOT_DUCKDB_MEMORY_LIMIT', '0MB', /LAMBDA_IOT_DUCKDB_MEMORY_LIMIT.*above zero/],
    ['LAMBDA_IOT_DUCKDB_TEMP_LIMIT', 'lots', /LAMBDA_IOT_DUCKDB_TEMP_LIMIT.*"lots".*unit/],
  ])('fails fast on %s=%s naming the variable and what it accepts', (name, value, message) => {
    const load = () => loadConfig({ [name]: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });

  it("reads DuckDB's memory and spill limits as sizes DuckDB takes, unset by default", () => {
    expect(loadConfig({})).toMatchObject({ duckdbMemoryLimit: undefined, duckdbTempLimit: undefined });
    const config = loadConfig({
      LAMBDA_IOT_DUCKDB_MEMORY_LIMIT: ' 512MB',
      LAMBDA_IOT_DUCKDB_TEMP_LIMIT: '1.5GiB',
    });
    expect(config).toMatchObject({ duckdbMemoryLimit: '512MB', duckdbTempLimit: '1.5GiB' });
    expect(loadConfig({ LAMBDA_IOT_DUCKDB_MEMORY_LIMIT: '100mb' }).duckdbMemoryLimit).toBe('100mb');
  });

  it('never shows a secret, not even in an error', () => {
    const config = loadConfig({
      LAMBDA_IOT_KAFKA_SASL_MECHANISM: 'plain',
      LAMBDA_IOT_KAFKA_SASL_USERNAME: 'user',
      LAMBDA_IOT_KAFKA_SASL_PASSWORD: 'hunter2',
    });
    expect(JSON.stringify(describeConfig(config))).not.toContain('hunter2');
    expect(describeConfig(config).find((c) => c.env === 'LAMBDA_IOT_KAFKA_SASL_PASSWORD')?.value).toBe('***');
    expect(() => loadConfig({ LAMBDA_IOT_KAFKA_SASL_MECHANISM: 'plain' })).toThrow(/SASL_USERNAME/);
  });

  it('masks credentials written into a URL', () => {
    const config = loadConfig({ LAMBDA_IOT_S3_ENDPOINT: 'http://minio:s3cret@localhost:9000' });
    const shown = describeConfig(config).find((c) => c.env === 'LAMBDA_IOT_S3_ENDPOINT')?.value;
    expect(shown).toBe('http://***@localhost:9000');
  });

  it('lists every variable in the help text', () => {
    const help = formatSettingsHelp();
    for (const s of SETTINGS) expect(help).toContain(s.env);
  });
});
