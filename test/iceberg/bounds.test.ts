import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { type BoundValue, decodeBound, encodeBound } from '../../src/iceberg/bounds.js';
import type { IcebergPrimitive } from '../../src/iceberg/types.js';

const DAY_MS = 86_400_000;
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('encodeBound (Iceberg spec Appendix D, binary single-value serialization)', () => {
  const vectors: [IcebergPrimitive, BoundValue, Uint8Array][] = [
    ['boolean', false, bytes(0x00)],
    ['boolean', true, bytes(0x01)],
    ['int', 1, bytes(0x01, 0x00, 0x00, 0x00)],
    ['int', -1, bytes(0xff, 0xff, 0xff, 0xff)],
    ['int', 2 ** 31 - 1, bytes(0xff, 0xff, 0xff, 0x7f)],
    // 2025-04-01 is day 20179 (0x4ED3) since 1970-01-01.
    ['date', Date.UTC(2025, 3, 1) / DAY_MS, bytes(0xd3, 0x4e, 0x00, 0x00)],
    ['long', 1, bytes(0x01, 0, 0, 0, 0, 0, 0, 0)],
    ['long', 1n, bytes(0x01, 0, 0, 0, 0, 0, 0, 0)],
    ['long', -2, bytes(0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)],
    ['long', 2n ** 63n - 1n, bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)],
    // 2025-04-01T12:30:00Z = 1_743_510_600_000_000 µs = 0x000631B6B1F9A200.
    [
      'timestamptz',
      Date.UTC(2025, 3, 1, 12, 30) * 1000,
      bytes(0x00, 0xa2, 0xf9, 0xb1, 0xb6, 0x31, 0x06, 0x00),
    ],
    ['timestamp', 1_000_000, bytes(0x40, 0x42, 0x0f, 0, 0, 0, 0, 0)],
    ['float', 1, bytes(0x00, 0x00, 0x80, 0x3f)],
    ['float', 1.5, bytes(0x00, 0x00, 0xc0, 0x3f)],
    ['double', 1, bytes(0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f)],
    ['double', -2, bytes(0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0)],
    ['string', 'iceberg', bytes(0x69, 0x63, 0x65, 0x62, 0x65, 0x72, 0x67)],
    ['string', 'Grüße', bytes(0x47, 0x72, 0xc3, 0xbc, 0xc3, 0x9f, 0x65)],
    ['string', '', bytes()],
    ['binary', bytes(0x00, 0xff, 0x10), bytes(0x00, 0xff, 0x10)],
  ];

  it.each(vectors)('%s %s', (type, value, expected) => {
    expect(encodeBound(type, value)).toEqual(expected);
  });

  it.each(vectors)('decodes %s %s back', (type, value, encoded) => {
    const expected =
      typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
    expect(decodeBound(type, encoded)).toEqual(expected);
  });

  it('round-trips values at the edges of each type', () => {
    const cases: [IcebergPrimitive, BoundValue][] = [
      ['int', -(2 ** 31)],
      ['date', -719_162], // 0001-01-01
      ['long', Number.MIN_SAFE_INTEGER],
      ['long', Number.MAX_SAFE_INTEGER],
      ['long', -(2n ** 63n)],
      ['timestamptz', 0],
      ['double', -0],
      ['double', Number.MAX_VALUE],
      ['double', Number.POSITIVE_INFINITY],
      ['float', Math.fround(0.1)],
      ['string', 'ünïcødé ✓ 🧊'],
    ];
    for (const [type, value] of cases) {
      expect(decodeBound(type, encodeBound(type, value)), `${type} ${String(value)}`).toEqual(value);
    }
  });

  it('decodes longs beyond 2^53 as bigint and safe ones as number', () => {
    const beyond = 2n ** 53n + 1n;
    expect(decodeBound('long', encodeBound('long', beyond))).toBe(beyond);
    expect(decodeBound('long', encodeBound('long', 2n ** 53n - 1n))).toBe(2 ** 53 - 1);
    expect(typeof decodeBound('timestamp', encodeBound('timestamp', 5))).toBe('number');
  });

  it('reads any non-zero byte as true', () => {
    expect(decodeBound('boolean', bytes(0x02))).toBe(true);
  });

  it('copies binary values instead of aliasing them', () => {
    const value = bytes(1, 2, 3);
    const encoded = encodeBound('binary', value);
    value[0] = 9;
    expect(encoded).toEqual(bytes(1, 2, 3));
    const decoded = decodeBound('binary', encoded) as Uint8Array;
    encoded[0] = 7;
    expect(decoded).toEqual(bytes(1, 2, 3));
  });

  it('reads from a view with an offset into a larger buffer', () => {
    const backing = bytes(0xaa, 0x01, 0x00, 0x00, 0x00, 0xbb);
    expect(decodeBound('int', backing.subarray(1, 5))).toBe(1);
  });

  it('rejects values that do not fit the type', () => {
    const rejected: [IcebergPrimitive, BoundValue][] = [
      ['int', 2 ** 31],
      ['int', 1.5],
      ['date', '2025-04-01'],
      ['long', 2 ** 53],
      ['long', 2n ** 63n],
      ['timestamptz', 0.5],
      ['double', 1n],
      ['boolean', 1],
      ['string', bytes(1)],
      ['binary', 'abc'],
    ];
    for (const [type, value] of rejected) {
      expect(() => encodeBound(type, value), `${type} ${String(value)}`).toThrow(InvalidArgumentError);
    }
    expect(() => encodeBound('int', 2 ** 31)).toThrow(/iceberg bound int: expected an integer/);
  });

  it('rejects byte strings of the wrong length and unknown types', () => {
    expect(() => decodeBound('int', bytes(1, 0, 0))).toThrow(/iceberg bound int: expected 4 bytes, got 3/);
    expect(() => decodeBound('long', bytes(1, 0, 0, 0))).toThrow(InvalidArgumentError);
    expect(() => decodeBound('boolean', bytes())).toThrow(InvalidArgumentError);
    expect(() => decodeBound('decimal(9,2)' as IcebergPrimitive, bytes(1))).toThrow(/unsupported type/);
    expect(() => encodeBound('uuid' as IcebergPrimitive, 'x')).toThrow(/unsupported type/);
  });
});
