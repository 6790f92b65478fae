import { describe, expect, it } from 'vitest';
import type { GroupLag } from '../../src/bus/lag.js';
import type { LogRecord } from '../../src/bus/port.js';
import { describeLift, tabulateGroupLag, tabulatePrecursors, tabulateRecords } from '../../src/index.js';
import { DEFAULT_FROM_MS } from '../../src/ingest/index.js';
import type { Telemetry } from '../../src/schema/index.js';
import type { PrecursorReport } from '../../src/speed/precursors.js';
import { DAY_MS, formatUtc } from '../../src/time/utcTime.js';

function makeReading(device: string, ms: number, temperature: number, vibration: number): Telemetry {
  return {
    device_id: device,
    timestamp: formatUtc(ms),
    energy_usage: 2,
    temperature,
    vibration,
    signal_strength: 90,
  };
}

describe('tables', () => {
  it('tabulates records with their JSON fields, a group lag before and after, and precursors', () => {
    const record: LogRecord = {
      topic: 'iot-telemetry',
      partition: 1,
      offset: 7,
      key: 'device_1',
      timestamp: DEFAULT_FROM_MS,
      value: Buffer.from(JSON.stringify(makeReading('device_1', DEFAULT_FROM_MS, 22.5, 0.6))),
    };
    expect(tabulateRecords([record])[0]).toEqual({
      partition: 1,
      offset: 7,
      key: 'device_1',
      event_time: '2025-04-01T00:00:00Z',
      energy_usage: 2,
      temperature: 22.5,
      vibration: 0.6,
      signal_strength: 90,
    });
    expect(
      tabulateRecords([{ ...record, value: Buffer.from('x'.repeat(200)) }], { maxValueChars: 10 })[0]?.value,
    ).toBe(`${'x'.repeat(9)}…`);

    const lag = (committed: number | null, partitionLag: number): GroupLag => ({
      group: 'g',
      lag: partitionLag,
      partitions: [{ partition: 0, committed, endOffset: 100, lag: partitionLag }],
    });
    expect(tabulateGroupLag(lag(null, 100), lag(5, 95))).toEqual([
      {
        partition: 'p0',
        end_offset: 100,
        committed_before: null,
        committed_after: 5,
        lag_before: 100,
        lag_after: 95,
      },
      {
        partition: 'total',
        end_offset: 100,
        committed_before: null,
        committed_after: null,
        lag_before: 100,
        lag_after: 95,
      },
    ]);

    const report: PrecursorReport = {
      horizonMs: DAY_MS,
      failures: 10,
      windows: 2000,
      rows: [{ metric: 'any', failuresPreceded: 8, shareOfFailures: 0.8, baseRate: 0.4, lift: 2 }],
    };
    expect(tabulatePrecursors(report)).toEqual([
      {
        metric: 'any',
        failures_preceded: 8,
        share_of_failures: '80.0 %',
        share_of_random_windows: '40.0 %',
        lift: 2,
      },
    ]);
    expect(describeLift(report)).toBe(
      '8 of 10 failures (80.0 %) had an excursion in the 24 h before, vs 40.0 % of random 24 h windows; ' +
        'a lift of 2.00: a 24 h window with an excursion is 2.0× as likely as a random one to end in a failure.',
    );
    expect(
      describeLift({ ...report, failures: 0, rows: [{ ...report.rows[0]!, shareOfFailures: null }] }),
    ).toMatch(/No failures/);
  });
});
