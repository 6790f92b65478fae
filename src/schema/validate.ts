import type { z } from 'zod';

/** Result of validating one message: the typed value, or the reason it was rejected. */
import { DAY_MS, HOUR_MS, realInstantMs } from '../time/utcTime.js';
import { isWellFormedTelemetry, Telemetry } from './telemetry.js';

/** Result of validating one message: the typed value (and its event time, when it has one), or why it was rejected. */
export type Validation<T> = { ok: true; value: T; eventMs?: number } | { ok: false; reason: string };

/** Quick sufficient checks: when one says yes, the schema would too (tested), so it is not run. */
const WELL_FORMED = new Map<z.ZodType, (value: unknown) => boolean>([[Telemetry, isWellFormedTelemetry]]);

export interface ValidateOptions {
  /** Largest accepted payload in bytes. Default 65536. */
  maxBytes?: number;
  /** Wall-clock now in ms, for the far-future check. Default Date.now(). */
  now?: number;
  /** How far past `now` an event time may lie. Default 24 h. */
  maxFutureMs?: number;
  /**
   * Earliest plausible event date, YYYY-MM-DD (UTC): an event time before it is rejected. Default
   * 2000-01-01 (DEFAULT_EVENT_TIME_MIN; configured by LAMBDA_IOT_EVENT_TIME_MIN).
   */
  eventTimeMin?: string;
  /** The field holding the event time. Default: "timestamp" or "event_timestamp", whichever exists. */
  timeField?: string;
}

const TIME_FIELDS = ['timestamp', 'event_timestamp'];

/** The default start of the plausible event-time window (the window ends 24 h past now). */
export const DEFAULT_EVENT_TIME_MIN = '2000-01-01';
const DEFAULT_EVENT_TIME_MIN_MS = Date.parse(`${DEFAULT_EVENT_TIME_MIN}T00:00:00Z`);

/** Formats zod issues as "field: message; field: message". */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => {
      const where = i.path.length > 0 ? i.path.join('.') : '(message)';
      return `${where}: ${i.message}`;
    })
    .join('; ');
}

/**
 * Validates a raw message (bytes, a JSON string, or an already parsed value) against a contract schema.
 * Never throws: every problem becomes a reason (not JSON, missing field, wrong type, NaN/Infinity,
 * out of range, unparsable timestamp, one outside the plausible window [eventTimeMin, now + 24 h], oversized).
 * @example const v = validateMessage(Telemetry, buffer); if (!v.ok) console.log(v.reason);
 */
export function validateMessage<S extends z.ZodType>(
  schema: S,
  input: Buffer | Uint8Array | string | unknown,
  options: ValidateOptions = {},
): Validation<z.infer<S>> {
  const maxBytes = options.maxBytes ?? 65_536;
  let parsed: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
    if (size > maxBytes) return { ok: false, reason: `oversized: ${size} bytes > limit ${maxBytes}` };
    const text =
      typeof input === 'string'
        ? input
        : Buffer.isBuffer(input)
          ? input.toString('utf8')
          : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { ok: false, reason: `not JSON: ${(error as Error).message}` };
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, reason: `not a JSON object: got ${Array.isArray(parsed) ? 'array' : typeof parsed}` };
  }
  let data = parsed as z.infer<S>;
  if (WELL_FORMED.get(schema)?.(parsed) !== true) {
    const result = schema.safeParse(parsed);
    if (!result.success) return { ok: false, reason: describeIssues(result.error.issues) };
    data = result.data as z.infer<S>;
  }
  const record = data as Record<string, unknown>;
  let eventMs: number | undefined;
  const field = options.timeField ?? TIME_FIELDS.find((f) => typeof record[f] === 'string');
  if (field !== undefined && typeof record[field] === 'string') {
    const iso = record[field] as string;
    const ms = realInstantMs(iso);
    if (ms === undefined) return { ok: false, reason: `${field}: not a real instant: ${iso}` };
    const minDate = options.eventTimeMin ?? DEFAULT_EVENT_TIME_MIN;
    const minMs =
      options.eventTimeMin === undefined
        ? DEFAULT_EVENT_TIME_MIN_MS
        : Date.parse(`${options.eventTimeMin}T00:00:00Z`);
    if (ms < minMs) {
      return {
        ok: false,
        reason: `${field}: before the plausible event-time window: ${iso} (earlier than ${minDate}, LAMBDA_IOT_EVENT_TIME_MIN)`,
      };
    }
    const now = options.now ?? Date.now();
    const limit = now + (options.maxFutureMs ?? DAY_MS);
    if (ms > limit) {
      return {
        ok: false,
        reason: `${field}: far in the future: ${iso} (more than ${(options.maxFutureMs ?? DAY_MS) / HOUR_MS} h past now)`,
      };
    }
    eventMs = ms;
  }
  return eventMs === undefined ? { ok: true, value: data } : { ok: true, value: data, eventMs };
}
