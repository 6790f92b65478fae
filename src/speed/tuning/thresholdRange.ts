import { InvalidArgumentError } from '../../errors.js';

/** Thresholds lo, lo + step, …, up to hi (inclusive when reached). */
export interface ThresholdRange {
  lo: number;
  hi: number;
  step: number;
}

/** Most thresholds one sweep may score. */
export const MAX_THRESHOLDS = 1000;

/** Digits after the decimal point of a number as written by JavaScript (1e-7 → 7, 0.25 → 2, 3 → 0). */
export function countDecimals(x: number): number {
  const [mantissa, exponent] = String(Math.abs(x)).split('e');
  const fraction = mantissa!.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent ?? 0));
}

/**
 * The thresholds of a range, computed as lo + i·step and rounded to the decimals of lo and step, so
 * 0.1 steps give 0.3, not 0.30000000000000004. hi is included when it lies on the grid (within rounding).
 * @example listThresholds({ lo: 2, hi: 4, step: 0.5 }); // [2, 2.5, 3, 3.5, 4]
 */
export function listThresholds(range: ThresholdRange): number[] {
  const { lo, hi, step } = validateRange(range, 'threshold range');
  const decimals = Math.min(15, Math.max(countDecimals(lo), countDecimals(step)));
  const count = Math.floor((hi - lo) / step + 1e-9) + 1;
  const values: number[] = [];
  for (let i = 0; i < count; i++) values.push(Number((lo + i * step).toFixed(decimals)));
  return values;
}

function validateRange(range: ThresholdRange, name: string): ThresholdRange {
  const { lo, hi, step } = range;
  if (![lo, hi, step].every(Number.isFinite)) {
    throw new InvalidArgumentError(`${name}: expected finite numbers, got ${lo}:${hi}:${step}`);
  }
  if (!(step > 0)) throw new InvalidArgumentError(`${name}: expected a positive STEP, got ${step}`);
  if (!(lo <= hi)) throw new InvalidArgumentError(`${name}: expected LO ≤ HI, got ${lo}:${hi}`);
  const count = Math.floor((hi - lo) / step + 1e-9) + 1;
  if (count > MAX_THRESHOLDS) {
    throw new InvalidArgumentError(
      `${name}: ${count} thresholds, more than ${MAX_THRESHOLDS}; use a larger STEP`,
    );
  }
  return range;
}

const NUMBER = String.raw`-?(?:\d+(?:\.\d*)?|\.\d+)`;
const RANGE_TEXT = new RegExp(`^(${NUMBER}):(${NUMBER}):(${NUMBER})$`);

/**
 * Parses "LO:HI:STEP" (e.g. "2:4:0.5") into a validated range; InvalidArgumentError explains what is
 * wrong, starting with `name` (e.g. the option, "--range").
 * @example parseThresholdRange('26:34:0.5'); // { lo: 26, hi: 34, step: 0.5 }
 */
export function parseThresholdRange(text: string, name = 'threshold range'): ThresholdRange {
  const m = RANGE_TEXT.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`${name}: expected LO:HI:STEP such as 2:4:0.5, got "${text}"`);
  return validateRange({ lo: Number(m[1]), hi: Number(m[2]), step: Number(m[3]) }, name);
}
