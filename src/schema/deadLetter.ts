import { z } from 'zod';
import { UtcTimestamp } from './telemetry.js';

/** A message a consumer could not accept, as written to the dead-letter topic (iot-dlq). */
export const DeadLetter = z
  .object({
    /** The original payload: UTF-8 text when it decodes cleanly, otherwise base64. */
    payload: z.string(),
    payload_encoding: z.enum(['utf8', 'base64']),
    source: z
      .object({
        topic: z.string().min(1),
        partition: z.number().int().nonnegative(),
        offset: z.number().int().nonnegative(),
        key: z.string().nullable(),
      })
      .strict(),
    /** The consumer (group or command) that rejected it. */
    consumer: z.string().min(1),
    /** Why it was rejected, e.g. "temperature: Too big: expected number to be <=150". */
    reason: z.string().min(1),
    /** When it was dead-lettered (operational wall-clock time). */
    dead_lettered_at: UtcTimestamp,
  })
  .strict();
export type DeadLetter = z.infer<typeof DeadLetter>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Where a rejected message came from: the fields of a log record a dead letter keeps. */
export interface DeadLetterSource {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: Uint8Array;
}

/** Builds the dead-letter record for a rejected message. */
export function toDeadLetter(
  record: DeadLetterSource,
  consumer: string,
  reason: string,
  now = Date.now(),
): DeadLetter {
  let payload: string;
  let payload_encoding: 'utf8' | 'base64';
  try {
    payload = utf8.decode(record.value);
    payload_encoding = 'utf8';
  } catch {
    payload = Buffer.from(record.value).toString('base64');
    payload_encoding = 'base64';
  }
  return {
    payload,
    payload_encoding,
    source: { topic: record.topic, partition: record.partition, offset: record.offset, key: record.key },
    consumer,
    reason,
    dead_lettered_at: new Date(now).toISOString(),
  };
}
