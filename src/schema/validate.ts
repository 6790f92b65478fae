import type { z } from 'zod';

/** Result of validating one message: the typed value, or the reason it was rejected. */
export type Validation<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface ValidateOptions {
  /** Largest accepted payload in bytes. Default 65536. */
  maxBytes?: number;
  /** Wall-clock now in ms, for the far-future check. Default Date.now(). */
  now?: number;
  /** How far past `now` an event time may lie. Default 24 h. */
  maxFutureMs?: number;
  /** The field holding the event time. Default: "timestamp" or "event_timestamp", whichever exists. */
  timeField?: string;
}

const DAY_MS = 86_400_000;
const TIME_FIELDS = ['timestamp', 'event_timestamp'];

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

/** Whether an ISO timestamp names a real calendar instant (rejects e.g. Feb 30, which the regex lets through). */
export function isRealInstant(iso: string): boolean {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return false;
  const d = new Date(ms);
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
  if (!m) return false;
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() + 1 === Number(m[2]) &&
    d.getUTCDate() === Number(m[3]) &&
    d.getUTCHours() === Number(m[4]) &&
    d.getUTCMinutes() === Number(m[5])
  );
}

/**
 * Validates a raw message (bytes, a JSON string, or an already parsed value) against a contract schema.
 * Never throws: every problem becomes a reason (not JSON, missing field, wrong type, NaN/Infinity,
 * out of range, unparsable or far-future timestamp, oversized).
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
    const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { ok: false, reason: `not JSON: ${(error as Error).message}` };
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, reason: `not a JSON object: got ${Array.isArray(parsed) ? 'array' : typeof parsed}` };
  }
  const result = schema.safeParse(parsed);
  if (!result.success) return { ok: false, reason: describeIssues(result.error.issues) };
  const record = result.data as Record<string, unknown>;
  const field = options.timeField ?? TIME_FIELDS.find((f) => typeof record[f] === 'string');
  if (field !== undefined && typeof record[field] === 'string') {
    const iso = record[field] as string;
    if (!isRealInstant(iso)) return { ok: false, reason: `${field}: not a real instant: ${iso}` };
    const now = options.now ?? Date.now();
    const limit = now + (options.maxFutureMs ?? DAY_MS);
    if (Date.parse(iso) > limit) {
      return {
        ok: false,
        reason: `${field}: far in the future: ${iso} (more than ${(options.maxFutureMs ?? DAY_MS) / 3_600_000} h past now)`,
      };
    }
  }
  return { ok: true, value: result.data };
}
