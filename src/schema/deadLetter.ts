import { createHash } from 'node:crypto';
import { z } from 'zod';
import { UtcTimestamp } from './telemetry.js';

/** How many bytes of a rejected payload a dead letter keeps. */
export const DEAD_LETTER_PAYLOAD_BYTES = 4096;
/** How many characters of the reason a dead letter keeps. */
export const DEAD_LETTER_REASON_CHARS = 1024;

/**
 * A message a consumer could not accept, as written to the dead-letter topic (iot-dlq). It keeps a bounded
 * prefix of the payload with the payload's full size and hash, so a record stays small whatever was sent.
 */
export const DeadLetter = z
  .object({
    /** The first bytes of the payload (at most 4 KiB): UTF-8 text cut on a character boundary, otherwise base64. */
    payload: z.string(),
    payload_encoding: z.enum(['utf8', 'base64']),
    /** The full payload's size in bytes. */
    payload_bytes: z.number().int().nonnegative(),
    /** Hex SHA-256 of the full payload. */
    payload_sha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** True when `payload` holds only a prefix of the payload. */
    payload_truncated: z.boolean(),
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
    /** Why it was rejected, e.g. "temperature: Too big: expected number to be <=150" (at most 1,024 characters). */
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

/** The length of the longest prefix of `bytes` no longer than `limit` that does not split a UTF-8 sequence. */
function utf8Cut(bytes: Uint8Array, limit: number): number {
  if (bytes.byteLength <= limit) return bytes.byteLength;
  let cut = limit;
  // bytes[cut] is the first byte left out: while it continues a sequence, the sequence straddles the cut.
  while (cut > 0 && limit - cut < 3 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return cut;
}

/** The payload prefix a dead letter keeps: UTF-8 text when the prefix decodes cleanly, otherwise base64. */
function payloadPrefix(value: Uint8Array): Pick<DeadLetter, 'payload' | 'payload_encoding'> {
  const cut = utf8Cut(value, DEAD_LETTER_PAYLOAD_BYTES);
  try {
    return { payload: utf8.decode(value.subarray(0, cut)), payload_encoding: 'utf8' };
  } catch {
    const head = value.subarray(0, Math.min(value.byteLength, DEAD_LETTER_PAYLOAD_BYTES));
    return { payload: Buffer.from(head).toString('base64'), payload_encoding: 'base64' };
  }
}

function boundReason(reason: string): string {
  if (reason.length <= DEAD_LETTER_REASON_CHARS) return reason;
  const more = reason.length - DEAD_LETTER_REASON_CHARS;
  return `${reason.slice(0, DEAD_LETTER_REASON_CHARS)}… (${more} more characters)`;
}

/**
 * Builds the dead-letter record for a rejected message: at most 4 KiB of its payload, its size and SHA-256.
 * @example const letter = toDeadLetter(record, 'lambda_streaming_anomalies', 'not JSON: …');
 */
export function toDeadLetter(
  record: DeadLetterSource,
  consumer: string,
  reason: string,
  now = Date.now(),
): DeadLetter {
  const prefix = payloadPrefix(record.value);
  const kept =
    prefix.payload_encoding === 'utf8' ? Buffer.byteLength(prefix.payload) : DEAD_LETTER_PAYLOAD_BYTES;
  return {
    ...prefix,
    payload_bytes: record.value.byteLength,
    payload_sha256: createHash('sha256').update(record.value).digest('hex'),
    payload_truncated: kept < record.value.byteLength,
    source: { topic: record.topic, partition: record.partition, offset: record.offset, key: record.key },
    consumer,
    reason: boundReason(reason),
    dead_lettered_at: new Date(now).toISOString(),
  };
}
