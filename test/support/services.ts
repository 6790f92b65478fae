import { randomBytes } from 'node:crypto';
import { hasKcat, type MockCluster, startMockCluster } from '../../src/bus/kafka/mockCluster.js';

/** True when tests run in CI, where a missing service is a failure, never a skip. */
export const IN_CI = process.env.CI === 'true';

/** A random name prefix so tests never share topics or groups on one broker. */
export function randomPrefix(): string {
  return `t${randomBytes(4).toString('hex')}-`;
}

/**
 * Decides whether a service-backed suite runs. Locally a missing service skips the suite with a loud
 * reason; with CI=true it throws, so CI can never be green because something was skipped.
 */
export function requireService(name: string, available: boolean, howToGetIt: string): boolean {
  if (available) return true;
  const message = `${name} is not available: ${howToGetIt}`;
  if (IN_CI) throw new Error(`CI=true and ${message}`);
  process.stderr.write(`\n⚠️  SKIPPING ${name} tests: ${message}\n\n`);
  return false;
}

let shared: Promise<MockCluster | undefined> | undefined;

/**
 * A Kafka-protocol broker for tests: LAMBDA_IOT_TEST_KAFKA_BROKERS if set (.ci/run starts one),
 * else a librdkafka mock cluster started with kcat (Debian package kcat); undefined when neither exists.
 */
export function kafkaForTests(): Promise<MockCluster | undefined> {
  shared ??= (async () => {
    const given = process.env.LAMBDA_IOT_TEST_KAFKA_BROKERS;
    if (given) return { brokers: given, stop: () => undefined };
    return hasKcat() ? startMockCluster() : undefined;
  })();
  return shared;
}
