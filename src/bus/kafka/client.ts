import { Kafka, type KafkaConfig, logLevel, type SASLOptions } from 'kafkajs';
import type { Config } from '../../config/config.js';
import { kafkaDiagnosticsShown } from './diagnostics.js';

/**
 * kafkajs log entries at WARN and above go to stderr as one line each, only while diagnostics are shown
 * (the CLI's --debug); credentials are never in them.
 */
function createLogWriter() {
  return () =>
    ({ namespace, level, log }: { namespace: string; level: number; log: { message: string } }) => {
      if (level > logLevel.WARN || !kafkaDiagnosticsShown()) return;
      process.stderr.write(`kafka ${namespace}: ${log.message}\n`);
    };
}

/** Builds the kafkajs client from the kit's config (brokers, client id, TLS, SASL). */
export function createKafkaClient(config: Config): Kafka {
  let sasl: SASLOptions | undefined;
  if (config.kafkaSaslMechanism) {
    sasl = {
      mechanism: config.kafkaSaslMechanism,
      username: config.kafkaSaslUsername!,
      password: config.kafkaSaslPassword!,
    } as SASLOptions;
  }
  const options: KafkaConfig = {
    clientId: config.kafkaClientId,
    brokers: config.kafkaBrokers,
    ssl: config.kafkaSsl,
    sasl,
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    logLevel: logLevel.WARN,
    logCreator: createLogWriter(),
    retry: { retries: 5, initialRetryTime: 200 },
  };
  return new Kafka(options);
}
