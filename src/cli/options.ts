import { InvalidArgumentError } from 'commander';

/** Commander parser for a positive integer option. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** Commander parser for a non-negative integer option. */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

/** Commander parser for a positive number option. */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

/** Parses a duration like "90s", "10m", "2h", "3d" or plain seconds into ms. */
export function durationMs(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('expected a duration like 90s, 10m, 2h or 3d');
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    (m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  const ms = Number(m[1]) * unit;
  if (ms <= 0) throw new InvalidArgumentError('expected a positive duration');
  return ms;
}

/**
 * The value of an `--until-idle [duration]` option in ms: the duration given, 2 s when the flag stands
 * alone, undefined (run live) when it is absent.
 */
export function untilIdleMs(option: string | boolean | undefined): number | undefined {
  if (typeof option === 'string') return durationMs(option);
  return option ? 2_000 : undefined;
}

/** A duration that may be zero ("0", "0s"): for age limits where 0 means "any age". */
export function ageMs(value: string): number {
  if (/^0+(?:\.0+)?(ms|s|m|h|d)?$/.test(value.trim())) return 0;
  return durationMs(value);
}
