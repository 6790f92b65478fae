import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDeadLetters } from '../../src/bus/deadLetters.js';
import { openEmbeddedLog } from '../../src/bus/embedded/embeddedLog.js';
import { DEAD_LETTER_PAYLOAD_BYTES, DeadLetter, toDeadLetter } from '../../src/schema/deadLetter.js';
import { readN } from '../bus/logContract.js';
import { tempDir } from '../support/tempDirs.js';

it('writes rejected messages to the dead-letter topic, keyed like their source', async () => {
  const file = path.join(tempDir('lambda-iot-dlq-'), 'log.sqlite');
  const log = openEmbeddedLog({ file });
  const [ack] = await log.produce('iot-telemetry', [{ key: 'device_4', value: '{oops', timestamp: 5 }]);
  const reader = await log.consumer({ topics: ['iot-telemetry'], fromBeginning: true });
  const [record] = await readN(reader, 1);
  const letters = await writeDeadLetters(
    log,
    'iot-dlq',
    [{ record: record!, reason: 'not JSON: x' }],
    'test-consumer',
  );
  expect(letters).toHaveLength(1);
  const dlq = await log.consumer({ topics: ['iot-dlq'], fromBeginning: true });
  const [letter] = await readN(dlq, 1);
  expect(letter!.key).toBe('device_4');
  expect(letter!.timestamp).toBe(5);
  const parsed = DeadLetter.parse(JSON.parse(letter!.value.toString()));
  expect(parsed).toMatchObject({
    payload: '{oops',
    source: { topic: 'iot-telemetry', partition: ack!.partition, offset: 0, key: 'device_4' },
    consumer: 'test-consumer',
    reason: 'not JSON: x',
  });
  await log.close();
});

const record = (value: Uint8Array) => ({
  topic: 'iot-telemetry',
  partition: 1,
  offset: 7,
  key: 'device_1',
  value,
});
const sha256 = (value: Uint8Array) => createHash('sha256').update(value).digest('hex');

describe('a dead letter is bounded whatever the payload', () => {
  it('keeps a 4 KiB prefix, the size and the hash of a 5 MB message', () => {
    const value = Buffer.from(JSON.stringify({ device_id: 'device_1', blob: 'x'.repeat(5 * 1024 * 1024) }));
    const letter = DeadLetter.parse(
      toDeadLetter(record(value), 'c', 'oversized: 5242907 bytes > limit 65536'),
    );
    expect(letter.payload).toBe(value.subarray(0, DEAD_LETTER_PAYLOAD_BYTES).toString('utf8'));
    expect(letter).toMatchObject({
      payload_encoding: 'utf8',
      payload_bytes: value.byteLength,
      payload_sha256: sha256(value),
      payload_truncated: true,
    });
    expect(Buffer.byteLength(JSON.stringify(letter))).toBeLessThan(5 * 1024);
  });

  it('stays small after JSON escaping a 600 KB message full of quotes (the Kafka case)', () => {
    const value = Buffer.from(JSON.stringify({ device_id: 'device_1', tags: Array(120_000).fill('ab') }));
    expect(value.byteLength).toBeGreaterThan(600_000);
    const letter = toDeadLetter(record(value), 'c', 'tags: Unrecognized key');
    expect(Buffer.byteLength(JSON.stringify(letter))).toBeLessThan(8 * 1024);
    expect(letter.payload_bytes).toBe(value.byteLength);
  });

  it('cuts UTF-8 text on a character boundary', () => {
    // 4095 ASCII bytes, then a 3-byte character straddling the 4 KiB limit.
    const value = Buffer.from(`${'a'.repeat(4095)}€tail`);
    const letter = toDeadLetter(record(value), 'c', 'r');
    expect(letter.payload).toBe('a'.repeat(4095));
    expect(letter.payload_encoding).toBe('utf8');
    expect(letter.payload_truncated).toBe(true);
    const exact = Buffer.from('é'.repeat(2048));
    expect(toDeadLetter(record(exact), 'c', 'r')).toMatchObject({
      payload: 'é'.repeat(2048),
      payload_truncated: false,
    });
  });

  it('keeps binary payloads as base64 of their first 4 KiB', () => {
    const value = Buffer.alloc(10_000, 0xff);
    const letter = toDeadLetter(record(value), 'c', 'r');
    expect(letter.payload_encoding).toBe('base64');
    expect(Buffer.from(letter.payload, 'base64')).toEqual(value.subarray(0, DEAD_LETTER_PAYLOAD_BYTES));
    expect(letter).toMatchObject({
      payload_bytes: 10_000,
      payload_sha256: sha256(value),
      payload_truncated: true,
    });
  });

  it('bounds a long reason and refuses records without the new fields', () => {
    const letter = toDeadLetter(record(Buffer.from('{}')), 'c', 'r'.repeat(50_000));
    expect(letter.reason.length).toBeLessThan(1100);
    expect(letter.reason).toMatch(/… \(48976 more characters\)$/);
    const { payload_sha256: _, ...old } = letter;
    expect(DeadLetter.safeParse(old).success).toBe(false);
  });
});
