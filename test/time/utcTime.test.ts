import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { computeUtcHourOfDay, formatUtc, parseUtcOption } from '../../src/time/utcTime.js';

describe('formatUtc', () => {
  it('drops the fraction for whole seconds and keeps milliseconds otherwise', () => {
    expect(formatUtc(Date.UTC(2025, 3, 1))).toBe('2025-04-01T00:00:00Z');
    expect(formatUtc(Date.UTC(2025, 3, 1, 13, 5, 9, 250))).toBe('2025-04-01T13:05:09.250Z');
  });

  it('rejects a non-finite time', () => {
    expect(() => formatUtc(Number.NaN)).toThrow(InvalidArgumentError);
  });
});

describe('parseUtcOption', () => {
  it('reads a date as its midnight UTC', () => {
    expect(parseUtcOption('2025-04-01', '--from')).toBe(Date.UTC(2025, 3, 1));
  });

  it('reads ISO timestamps ending in Z, with or without seconds and fractions', () => {
    expect(parseUtcOption('2025-04-01T06:30:00Z', '--to')).toBe(Date.UTC(2025, 3, 1, 6, 30));
    expect(parseUtcOption('2025-04-01T06:30Z', '--to')).toBe(Date.UTC(2025, 3, 1, 6, 30));
    expect(parseUtcOption('2025-04-01T06:30:00.125Z', '--to')).toBe(Date.UTC(2025, 3, 1, 6, 30, 0, 125));
  });

  it.each([
    '2025-04-01T06:30:00',
    '2025-04-01T06:30:00+02:00',
    '2025-02-30',
    '2025-02-30T00:00:00Z',
    '04/01/2025',
    'yesterday',
    '',
  ])('rejects %j naming the option', (text) => {
    expect(() => parseUtcOption(text, '--from')).toThrow(InvalidArgumentError);
    expect(() => parseUtcOption(text, '--from')).toThrow(/--from/);
  });
});

describe('computeUtcHourOfDay', () => {
  it('is the UTC hour whatever the process time zone', () => {
    expect(computeUtcHourOfDay(Date.UTC(2025, 3, 1, 13, 30))).toBe(13.5);
    expect(computeUtcHourOfDay(Date.UTC(1969, 11, 31, 23))).toBe(23);
  });
});
