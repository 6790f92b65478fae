import path from 'node:path';
import type { Config } from '../config/config.js';
import type { Log } from './port.js';

/** Path of the embedded log's SQLite file under the data directory. */
export function embeddedLogFile(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'log', 'log.sqlite');
}

/**
 * Opens the configured log: the embedded SQLite log under the data directory (default) or Kafka
 * (LAMBDA_IOT_BUS=kafka, LAMBDA_IOT_KAFKA_BROKERS). The adapter is loaded when needed, so the embedded log
 * never loads kafkajs and Kafka never loads SQLite.
 * @example const log = await openLog(loadConfig());
 */
export async function openLog(config: Config, options: { readOnly?: boolean } = {}): Promise<Log> {
  if (config.bus === 'kafka') return (await import('./kafka/kafkaLog.js')).openKafkaLog(config);
  const { openEmbeddedLog } = await import('./embedded/embeddedLog.js');
  return openEmbeddedLog({
    file: embeddedLogFile(config),
    readOnly: options.readOnly,
    partitions: config.partitions,
    sessionTimeoutMs: config.sessionTimeoutMs,
    retentionMs: config.logRetentionHours * 3_600_000,
    retentionBytes: config.logRetentionBytes,
  });
}

/** A short description of where the log lives (no secrets), e.g. "embedded data/log/log.sqlite". */
export function describeLogTarget(config: Config): string {
  return config.bus === 'kafka'
    ? `kafka ${config.kafkaBrokers.join(',')}${config.namePrefix ? ` prefix ${config.namePrefix}` : ''}`
    : `embedded ${embeddedLogFile(config)}${config.namePrefix ? ` prefix ${config.namePrefix}` : ''}`;
}
