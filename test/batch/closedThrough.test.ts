import { describe, expect, it } from 'vitest';
import { closedThrough } from '../../src/batch/closedThrough.js';
import type { RawFile } from '../../src/lake/lakeReader.js';

const file = (partition: number | null, date: string): RawFile =>
  ({
    key: `raw/telemetry/date=${date}/x`,
    size: 1,
    kind: 'telemetry',
    date,
    landed:
      partition === null
        ? undefined
        : { kind: 'telemetry', date, topic: 'iot-telemetry', partition, firstOffset: 0, lastOffset: 1 },
  }) as RawFile;

describe('closedThrough (the batch watermark)', () => {
  it('is the day before the oldest of the partitions’ newest dates', () => {
    expect(
      closedThrough([
        file(0, '2025-04-07'),
        file(1, '2025-04-06'),
        file(1, '2025-04-05'),
        file(2, '2025-04-07'),
      ]),
    ).toBe('2025-04-05');
  });
  it('ignores files the landing sink did not name; null without landed telemetry', () => {
    expect(closedThrough([file(0, '2025-04-03'), file(null, '2025-04-09')])).toBe('2025-04-02');
    expect(closedThrough([file(null, '2025-04-09')])).toBeNull();
    expect(closedThrough([])).toBeNull();
  });
});
