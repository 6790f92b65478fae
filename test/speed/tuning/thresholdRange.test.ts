import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors.js';
import {
  countDecimals,
  listThresholds,
  parseThresholdRange,
} from '../../../src/speed/tuning/thresholdRange.js';

describe('listThresholds', () => {
  it('gives exact decimal values for float steps (lo + i·step rounded to the step)', () => {
    expect(listThresholds({ lo: 0.1, hi: 0.5, step: 0.1 })).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(listThresholds({ lo: 2, hi: 4, step: 0.5 })).toEqual([2, 2.5, 3, 3.5, 4]);
    expect(listThresholds({ lo: 2.8, hi: 3.2, step: 0.05 })).toEqual([
      2.8, 2.85, 2.9, 2.95, 3, 3.05, 3.1, 3.15, 3.2,
    ]);
    // 0.1 + 0.2 is 0.30000000000000004 in floating point; the grid holds 0.3 itself.
    expect(listThresholds({ lo: 0, hi: 1, step: 0.1 })).toContain(0.3);
    expect(listThresholds({ lo: 0, hi: 1, step: 0.1 })).toHaveLength(11);
  });

  it('uses the decimals of lo too, and stops before passing hi', () => {
    expect(listThresholds({ lo: 2.25, hi: 3, step: 0.5 })).toEqual([2.25, 2.75]);
    expect(listThresholds({ lo: 10, hi: 50, step: 15 })).toEqual([10, 25, 40]);
    expect(listThresholds({ lo: 3, hi: 3, step: 1 })).toEqual([3]);
    expect(listThresholds({ lo: -1, hi: 1, step: 1 })).toEqual([-1, 0, 1]);
  });

  it('counts decimals of numbers JavaScript prints in exponent form', () => {
    expect(countDecimals(1e-7)).toBe(7);
    expect(countDecimals(0.25)).toBe(2);
    expect(countDecimals(3)).toBe(0);
  });
});

describe('parseThresholdRange', () => {
  it('parses LO:HI:STEP', () => {
    expect(parseThresholdRange('2:4:0.5')).toEqual({ lo: 2, hi: 4, step: 0.5 });
    expect(parseThresholdRange(' 26:34:.25 ')).toEqual({ lo: 26, hi: 34, step: 0.25 });
  });

  it.each([
    ['2:4', /expected LO:HI:STEP/],
    ['a:b:c', /expected LO:HI:STEP/],
    ['4:2:0.5', /LO ≤ HI/],
    ['2:4:0', /positive STEP/],
    ['0:100:0.01', /10001 thresholds, more than 1000/],
  ])('rejects %s naming the option', (text, reason) => {
    expect(() => parseThresholdRange(text, '--range')).toThrow(InvalidArgumentError);
    expect(() => parseThresholdRange(text, '--range')).toThrow(reason);
    expect(() => parseThresholdRange(text, '--range')).toThrow(/^--range: /);
  });
});
