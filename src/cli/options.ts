import { type Command, InvalidArgumentError } from 'commander';
import { CliError, KitError } from '../errors.js';
import { loadRuleSet } from '../speed/ruleSet.js';
import { assertKeyPrefix } from '../store/objectKey.js';
import { parseUtcOption } from '../time/utcTime.js';

// Every parser here throws commander's InvalidArgumentError, so commander prints
// "option '<flags>' argument '<value>' is invalid. <reason>" and the CLI exits 2 before the command runs.

/** Runs a kit check and turns its KitError into commander's InvalidArgumentError carrying `reason`. */
function checked<T>(check: () => T, reason: (error: KitError) => string = (e) => e.message): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof KitError) throw new InvalidArgumentError(reason(error));
    throw error;
  }
}

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

/** How long `--until-idle` waits when given without a duration. */
export const DEFAULT_IDLE_MS = 2_000;

/**
 * The value of an `--until-idle [duration]` option (parsed by durationMs) in ms: the duration given,
 * 2 s when the flag stands alone, undefined (run live) when it is absent.
 */
export function untilIdleMs(option: number | boolean | undefined): number | undefined {
  if (typeof option === 'number') return option;
  return option ? DEFAULT_IDLE_MS : undefined;
}

/**
 * A duration as help shows it: the largest of d, h and m that gives a whole number of at least 2, else
 * whole seconds, else ms ("3d", "24h", "60s", "2s", "1500ms").
 */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const) {
    if (ms % size === 0 && ms / size >= 2) return `${ms / size}${unit}`;
  }
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Commander parser for a time option (YYYY-MM-DD or ISO 8601 with Z); returns the text as given. */
export function utcTimeText(value: string): string {
  checked(
    () => parseUtcOption(value, 'time'),
    () => 'expected a UTC date (2025-04-01) or an ISO timestamp ending in Z (2025-04-01T06:00:00Z)',
  );
  return value;
}

/** Commander parser for a calendar date YYYY-MM-DD that exists (2025-02-30 does not). */
export function utcDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new InvalidArgumentError('expected a date YYYY-MM-DD');
  checked(
    () => parseUtcOption(value, 'date'),
    () => 'expected a date YYYY-MM-DD that exists in the calendar',
  );
  return value;
}

/** Commander parser for a lake key prefix (no `..`, `.`, empty or control-character parts). */
export function keyPrefix(value: string): string {
  return checked(() => assertKeyPrefix(value));
}

/** A duration that may be zero ("0", "0s"): for age limits where 0 means "any age". */
export function ageMs(value: string): number {
  if (/^0+(?:\.0+)?(ms|s|m|h|d)?$/.test(value.trim())) return 0;
  return durationMs(value);
}

/** Commander parser for a rule set file: it must be readable, JSON, and a valid rule set; returns the path. */
export function ruleSetFile(value: string): string {
  checked(() => loadRuleSet(value));
  return value;
}

/**
 * Refuses (exit 2) the options among `flags` that were given on the command line, saying they do nothing
 * `reason` (e.g. "without --live"): an option that silently does nothing hides a mistake.
 * @example if (!options.live) refuseOptions(command, ['--rate', '--duration'], 'without --live');
 */
export function refuseOptions(command: Command, flags: readonly string[], reason: string): void {
  const given = flags.filter((flag) => {
    const option = command.options.find((o) => o.long === flag);
    return option !== undefined && command.getOptionValueSource(option.attributeName()) === 'cli';
  });
  if (given.length === 0) return;
  throw new CliError(
    `${command.name()}: ${given.join(', ')} ${given.length === 1 ? 'does' : 'do'} nothing ${reason}`,
    { exitCode: 2 },
  );
}
