import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { landedPartitionKey, parseRawFileKey, rawFileKey, rawKeyDate } from '../../src/lake/rawLayout.js';

describe('raw layout', () => {
  it('names files by topic, partition and offset range, and reads the names back', () => {
    const file = {
      kind: 'telemetry' as const,
      date: '2025-04-01',
      topic: 'ws-1.iot-telemetry',
      partition: 3,
      firstOffset: 100,
      lastOffset: 199,
    };
    const key = rawFileKey(file);
    expect(key).toBe('raw/telemetry/date=2025-04-01/ws-1.iot-telemetry-3-100-199.parquet');
    expect(parseRawFileKey(key)).toEqual(file);
    expect(parseRawFileKey('raw/telemetry/date=2025-04-01/manual-bad.parquet')).toBeUndefined();
    expect(parseRawFileKey('raw/telemetry/date=2025-02-30/iot-telemetry-0-1-2.parquet')).toBeUndefined();
    expect(() => rawFileKey({ ...file, topic: '../../etc' })).toThrow(
      /lake key part rejected: '\.\.\/\.\.\/etc/,
    );
    expect(() => rawFileKey({ ...file, topic: '../../etc' })).toThrow(InvalidArgumentError);
    expect(() => rawFileKey({ ...file, date: '2025-13-01' })).toThrow(/not a date/);
  });

  it('puts a second log of the lake one folder deeper, log={n}, and keys its partitions apart', () => {
    const file = {
      kind: 'events' as const,
      date: '2025-04-02',
      topic: 'iot-events',
      partition: 0,
      firstOffset: 0,
      lastOffset: 9,
      log: '2',
    };
    const key = rawFileKey(file);
    expect(key).toBe('raw/events/date=2025-04-02/log=2/iot-events-0-0-9.parquet');
    expect(parseRawFileKey(key)).toEqual(file);
    expect(rawKeyDate(key)).toEqual({ kind: 'events', date: '2025-04-02', log: '2' });
    expect(landedPartitionKey(file)).toBe('log=2/iot-events:0');
    expect(landedPartitionKey({ ...file, log: undefined })).toBe('iot-events:0');
    expect(parseRawFileKey('raw/events/date=2025-04-02/other/iot-events-0-0-9.parquet')).toBeUndefined();
    expect(() => rawFileKey({ ...file, log: '../x' })).toThrow(/raw file log name rejected/);
  });
});
