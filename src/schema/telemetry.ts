import { z } from 'zod';

/** Device ids are data, not path parts: any non-empty string up to 128 characters. */
export const DeviceId = z
  .string()
  .min(1, 'device_id must not be empty')
  .max(128, 'device_id longer than 128');

/** ISO 8601 UTC with a Z suffix, e.g. "2025-04-01T00:00:00Z" (fractions allowed, offsets not). */
export const UtcTimestamp = z.iso.datetime({ message: 'expected ISO 8601 UTC timestamp ending in Z' });

/** The pattern UtcTimestamp checks (zod's own, read from the schema so the two cannot drift apart). */
const UTC_TIMESTAMP_PATTERN: RegExp = (UtcTimestamp as unknown as { _zod: { def: { pattern: RegExp } } })._zod
  .def.pattern;

/** Contract ranges: physically possible values, wider than any threshold. */
export const TELEMETRY_RANGES = {
  energy_usage: { min: 0, max: 1000 },
  temperature: { min: -50, max: 150 },
  vibration: { min: 0, max: 100 },
  signal_strength: { min: 0, max: 100 },
} as const;

const ranged = (field: keyof typeof TELEMETRY_RANGES) =>
  z.number().min(TELEMETRY_RANGES[field].min).max(TELEMETRY_RANGES[field].max);

/** One sensor reading (topic iot-telemetry, key device_id). */
export const Telemetry = z
  .object({
    device_id: DeviceId,
    timestamp: UtcTimestamp,
    /** kWh consumed in the reading interval. */
    energy_usage: ranged('energy_usage'),
    /** °C. */
    temperature: ranged('temperature'),
    /** mm/s². */
    vibration: ranged('vibration'),
    /** % (0–100). */
    signal_strength: ranged('signal_strength'),
  })
  .strict();
export type Telemetry = z.infer<typeof Telemetry>;

/** The telemetry metrics, in contract order. */
export const METRICS = ['energy_usage', 'temperature', 'vibration', 'signal_strength'] as const;
export type Metric = (typeof METRICS)[number];

const inRange = (v: unknown, field: keyof typeof TELEMETRY_RANGES): boolean =>
  typeof v === 'number' && v >= TELEMETRY_RANGES[field].min && v <= TELEMETRY_RANGES[field].max;

/**
 * A quick sufficient check for a parsed JSON value: true only for readings the Telemetry schema accepts
 * (exactly its six fields, with the same types, lengths, pattern and ranges; a test holds the two
 * together); false means "ask the schema", which then says why. Hot paths (speed layer, landing) use it
 * to skip the schema for well-formed readings.
 */
export function isWellFormedTelemetry(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const o = value as Record<string, unknown>;
  let keys = 0;
  for (const key in o) {
    if (!Object.hasOwn(o, key)) return false;
    keys++;
  }
  if (keys !== 6) return false;
  const id = o.device_id;
  const ts = o.timestamp;
  return (
    typeof id === 'string' &&
    id.length >= 1 &&
    id.length <= 128 &&
    typeof ts === 'string' &&
    UTC_TIMESTAMP_PATTERN.test(ts) &&
    inRange(o.energy_usage, 'energy_usage') &&
    inRange(o.temperature, 'temperature') &&
    inRange(o.vibration, 'vibration') &&
    inRange(o.signal_strength, 'signal_strength')
  );
}
