import type { DeadLetter } from '../schema/deadLetter.js';
import { toDeadLetter } from '../schema/deadLetter.js';
import type { Log, LogRecord } from './port.js';

/**
 * Writes rejected messages to the dead-letter topic (keyed like the source) and resolves once the log
 * acknowledged them, so a consumer may commit past them afterwards.
 * @example await writeDeadLetters(log, topicName(config, 'deadLetter'), [{ record, reason }], 'lambda_streaming_anomalies');
 */
export async function writeDeadLetters(
  log: Log,
  deadLetterTopic: string,
  rejected: { record: LogRecord; reason: string }[],
  consumer: string,
  now = Date.now(),
): Promise<DeadLetter[]> {
  if (rejected.length === 0) return [];
  const letters = rejected.map(({ record, reason }) => toDeadLetter(record, consumer, reason, now));
  await log.produce(
    deadLetterTopic,
    letters.map((letter, i) => ({
      key: rejected[i]!.record.key,
      value: JSON.stringify(letter),
      timestamp: rejected[i]!.record.timestamp,
    })),
  );
  return letters;
}
