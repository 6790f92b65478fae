import { InvalidArgumentError } from '../errors.js';

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The UTC calendar date (YYYY-MM-DD) of an instant in epoch ms. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Days since 1970-01-01 of a UTC date (YYYY-MM-DD): the Iceberg `day` partition value. */
export function epochDay(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** The UTC date (YYYY-MM-DD) of a day number (days since 1970-01-01). */
export function dateOfEpochDay(day: number): string {
  return utcDate(day * DAY_MS);
}

/** A UTC date plus `days` days (negative: earlier). */
export function addDays(date: string, days: number): string {
  return dateOfEpochDay(epochDay(date) + days);
}

/**
 * Formats epoch ms as ISO 8601 UTC with a Z: whole seconds without a fraction, otherwise with milliseconds.
 * @example formatUtc(Date.UTC(2025, 3, 1)); // "2025-04-01T00:00:00Z"
 * @example formatUtc(Date.UTC(2025, 3, 1) + 250); // "2025-04-01T00:00:00.250Z"
 */
export function formatUtc(ms: number): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) {
    throw new InvalidArgumentError(`time not a representable instant: ${ms}`, { context: { ms } });
  }
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? `${iso.slice(0, -5)}Z` : iso;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?Z$/;

/**
 * Parses a command-line time: a UTC date ("2025-04-01", meaning its midnight UTC) or an ISO 8601 timestamp
 * ending in Z. Anything else (local times, offsets, impossible dates) is an InvalidArgumentError naming the option.
 * @example parseUtcOption('2025-04-01', '--from'); // Date.UTC(2025, 3, 1)
 * @example parseUtcOption('2025-04-01T06:30:00Z', '--to');
 */
export function parseUtcOption(text: string, optionName: string): number {
  const trimmed = text.trim();
  const date = DATE_ONLY.exec(trimmed);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const ms = Date.UTC(year, month - 1, day);
    const check = new Date(ms);
    if (check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day) {
      return ms;
    }
  } else if (UTC_TIMESTAMP.test(trimmed) && isRealInstant(trimmed)) {
    const ms = Date.parse(trimmed);
    if (Number.isFinite(ms)) return ms;
  }
  throw new InvalidArgumentError(
    `option ${optionName}: expected a UTC date (2025-04-01) or an ISO timestamp ending in Z ` +
      `(2025-04-01T06:00:00Z), got "${text}"`,
    { context: { option: optionName, value: text } },
  );
}

/**
 * Hour of the UTC day as a fraction in [0, 24), computed from epoch ms without any Date method.
 * @example computeUtcHourOfDay(Date.UTC(2025, 3, 1, 13, 30)); // 13.5
 */
export function computeUtcHourOfDay(ms: number): number {
  return (((ms % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
}

const INSTANT_FIELDS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * The epoch ms of an ISO timestamp that names a real calendar instant, or undefined (e.g. Feb 30 or
 * hour 25, which a pattern alone lets through).
 */
export function realInstantMs(iso: string): number | undefined {
  const m = INSTANT_FIELDS.exec(iso);
  if (!m) return undefined;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (Number(m[4]) > 23 || Number(m[5]) > 59) return undefined;
  return ms;
}

/** Whether an ISO timestamp names a real calendar instant (rejects e.g. Feb 30, which the regex lets through). */
export function isRealInstant(iso: string): boolean {
  return realInstantMs(iso) !== undefined;
}
