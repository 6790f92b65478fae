import { describe, expect, it } from 'vitest';
import { openKafkaLog } from '../../src/bus/kafka/kafkaLog.js';
import { loadConfig } from '../../src/config/config.js';
import { LogError } from '../../src/errors.js';
import { kafkaForTests, requireService } from '../support/services.js';
import { describeLogContract } from './logContract.js';

const kafka = await kafkaForTests();
const available = requireService(
  'Kafka (librdkafka mock cluster)',
  kafka !== undefined,
  'install Debian kcat (apt-get install kcat) or set LAMBDA_IOT_TEST_KAFKA_BROKERS',
);

const configFor = () =>
  loadConfig({
    LAMBDA_IOT_BUS: 'kafka',
    LAMBDA_IOT_KAFKA_BROKERS: kafka!.brokers,
    LAMBDA_IOT_SESSION_TIMEOUT_MS: '6000',
  });

describe.runIf(available)('kafka adapter', () => {
  describeLogContract('kafka (librdkafka mock)', async () => {
    const log = await openKafkaLog(configFor());
    return { log, reopen: () => openKafkaLog(configFor()), close: () => log.close() };
  });

  it('names the setting to change when the brokers cannot be reached', async () => {
    const config = loadConfig({ LAMBDA_IOT_BUS: 'kafka', LAMBDA_IOT_KAFKA_BROKERS: '127.0.0.1:1' });
    const error = await openKafkaLog(config).then(
      async (log) => {
        // kafkajs may connect lazily: force a round trip
        await log.listTopics().finally(() => log.close());
      },
      (e) => e,
    );
    const thrown =
      error ??
      (await openKafkaLog(config)
        .then((l) => l.listTopics())
        .catch((e) => e));
    expect(thrown).toBeInstanceOf(LogError);
    expect(String(thrown.message)).toMatch(/LAMBDA_IOT_KAFKA_BROKERS|127\.0\.0\.1:1/);
  });
});
