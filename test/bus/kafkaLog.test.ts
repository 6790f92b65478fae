import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createTopicsMayBeSkipped, KafkaLog, openKafkaLog } from '../../src/bus/kafka/kafkaLog.js';
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

describe('kafka adapter: createTopics failures', () => {
  const protocolError = (code: number, type: string) =>
    new kafkajs.KafkaJSProtocolError({ code, type, message: type, retriable: false } as never);
  const skipped = [
    new kafkajs.KafkaJSServerDoesNotSupportApiKey('no CreateTopics', { apiKey: 19, apiName: 'CreateTopics' }),
    new (kafkajs.KafkaJSBrokerNotFound as unknown as new (message: string) => Error)(
      'Broker 0 not found in the cached metadata',
    ),
    protocolError(35, 'UNSUPPORTED_VERSION'),
    protocolError(36, 'TOPIC_ALREADY_EXISTS'),
    new kafkajs.KafkaJSAggregateError('some', [protocolError(36, 'TOPIC_ALREADY_EXISTS')]),
  ];
  const raised = [
    protocolError(29, 'TOPIC_AUTHORIZATION_FAILED'),
    protocolError(37, 'INVALID_PARTITIONS'),
    protocolError(38, 'INVALID_REPLICATION_FACTOR'),
    new kafkajs.KafkaJSAggregateError('some', [
      protocolError(36, 'TOPIC_ALREADY_EXISTS'),
      protocolError(44, 'POLICY_VIOLATION'),
    ]),
    new kafkajs.KafkaJSConnectionError('Connection error: ECONNREFUSED'),
    // the message text of an ignorable kind does not make an error ignorable
    new Error('The version of API is not supported; Topic with this name already exists'),
  ];

  it('ignores only "not supported" and "already exists" kinds, by kafkajs class and code', () => {
    expect(skipped.map(createTopicsMayBeSkipped)).toEqual(skipped.map(() => true));
    expect(raised.map(createTopicsMayBeSkipped)).toEqual(raised.map(() => false));
  });

  it('ensureTopic raises any other createTopics error as a LogError with its cause, and goes on after an ignorable one', async () => {
    const config = loadConfig({ LAMBDA_IOT_BUS: 'kafka', LAMBDA_IOT_KAFKA_BROKERS: '127.0.0.1:1' });
    const metadataRequests: string[] = [];
    const logFailingWith = (error: Error) => {
      const admin = {
        listTopics: async () => [],
        createTopics: async () => Promise.reject(error),
        fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
          metadataRequests.push(...topics);
          return { topics: [{ name: topics[0], partitions: [{}, {}] }] };
        },
      };
      return new KafkaLog({} as Kafka, admin as unknown as Admin, config);
    };
    const denied = protocolError(29, 'TOPIC_AUTHORIZATION_FAILED');
    const error = await logFailingWith(denied)
      .ensureTopic('t-denied')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogError);
    expect((error as LogError).message).toBe('kafka create topic t-denied: TOPIC_AUTHORIZATION_FAILED');
    expect((error as LogError).cause).toBe(denied);
    expect(metadataRequests).toEqual([]);

    await logFailingWith(protocolError(36, 'TOPIC_ALREADY_EXISTS')).ensureTopic('t-exists');
    await logFailingWith(skipped[0]!).ensureTopic('t-unsupported');
    expect(metadataRequests).toEqual(['t-exists', 't-unsupported']);
  });
});
