import { describe, expect, it } from 'vitest';
import { chooseRange, describeDates } from '../../src/batch/batchPlan.js';
import { InvalidArgumentError } from '../../src/errors.js';
import type { RawFile } from '../../src/lake/lakeReader.js';

const file = (date: string): RawFile => ({
  key: `raw/telemetry/date=${date}/manual.parquet`,
  size: 1,
  lastModified: new Date(0),
  kind: 'telemetry',
  date,
});

describe('chooseRange with given dates', () => {
  const telemetry = ['2025-04-01', '2025-04-02', '2025-04-03', '2025-04-07'].map(file);

  it('is null for dates without raw telemetry, naming the dates the lake holds', () => {
    expect(chooseRange(telemetry, [], undefined, { from: '2025-04-04', to: '2025-04-06' })).toEqual({
      range: null,
      reason:
        'no raw telemetry from 2025-04-04 to 2025-04-06; the lake holds telemetry for 2025-04-01 … 2025-04-03, 2025-04-07',
      empty: { from: '2025-04-04', to: '2025-04-06' },
    });
    expect(chooseRange(telemetry, [], undefined, { from: '2025-04-06', to: '2025-04-08' }).range).toEqual({
      from: '2025-04-06',
      to: '2025-04-08',
    });
  });

  it('refuses --from after --to', () => {
    expect(() => chooseRange(telemetry, [], undefined, { from: '2025-04-05', to: '2025-04-03' })).toThrow(
      InvalidArgumentError,
    );
  });

  it('describes dates as runs of consecutive days', () => {
    expect(describeDates([])).toBe('');
    expect(describeDates(['2025-02-28', '2025-03-01', '2025-03-01', '2025-03-03'])).toBe(
      '2025-02-28 … 2025-03-01, 2025-03-03',
    );
  });
});
