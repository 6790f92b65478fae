import { InvalidArgumentError } from '../errors.js';
import type { MachineEvent } from '../schema/events.js';
import type { Telemetry } from '../schema/telemetry.js';
import { DAY_MS } from '../time/utcTime.js';

/** The two plant behaviours: a hidden health model with precursors, or the reference's independent noise. */
export const PROFILES = ['degrading', 'reference'] as const;
export type Profile = (typeof PROFILES)[number];

export interface SimulationOptions {
  /** Number of devices, named device_1..device_N. */
  devices: number;
  /** Run seed (any safe integer); the same options always give the same messages. */
  seed: number;
  /** Start of the run, epoch ms (the CLI's default is DEFAULT_FROM_MS = 2025-04-01T00:00:00Z). */
  fromMs: number;
  /** End of the run, epoch ms, exclusive. Infinity for an open-ended live run. */
  toMs: number;
  /** Per-device reading interval in ms (whole seconds). Default 60_000. Ignored by the 'reference' profile. */
  cadenceMs: number;
  /** 'degrading' (default): hidden health model; 'reference': the reference generator's independent noise. */
  profile: Profile;
}

/** One message of the simulated plant, addressed to a logical topic; `value` is typed by `topic`. */
export type SimulatedMessage =
  | { topic: 'telemetry'; key: string; timestamp: number; value: Telemetry }
  | { topic: 'events'; key: string; timestamp: number; value: MachineEvent };
// key: the device_id (the partitioning key); timestamp: event time, epoch ms.

/** Default start of simulated history: 2025-04-01T00:00:00Z. */
export const DEFAULT_FROM_MS = Date.UTC(2025, 3, 1);
/** Default per-device reading interval: one minute. */
export const DEFAULT_CADENCE_MS = 60_000;

/** The plant `npm start` (and `simulate`/`run` without options) simulates: 10 devices × 7 days, seed 42. */
export const DEFAULT_PLANT = { devices: 10, days: 7, seed: 42 } as const;

/** What names a history: plant size, length and seed, and optionally start, cadence and profile. */
export interface HistoryPlan {
  devices: number;
  /** History length in days (fractions allowed). */
  days: number;
  seed: number;
  /** Default DEFAULT_FROM_MS (2025-04-01T00:00:00Z). */
  fromMs?: number;
  /** Default DEFAULT_CADENCE_MS (60 s). */
  cadenceMs?: number;
  /** Default 'degrading'. */
  profile?: Profile;
}

/**
 * The simulation options of a history `days` long (never reads the wall clock).
 * @example historySimulation(DEFAULT_PLANT); // 10 devices, 2025-04-01 → 2025-04-08, seed 42
 */
export function historySimulation(plan: HistoryPlan): SimulationOptions {
  const fromMs = plan.fromMs ?? DEFAULT_FROM_MS;
  return {
    devices: plan.devices,
    seed: plan.seed,
    fromMs,
    toMs: fromMs + plan.days * DAY_MS,
    cadenceMs: plan.cadenceMs ?? DEFAULT_CADENCE_MS,
    profile: plan.profile ?? 'degrading',
  };
}

const MAX_DEVICES = 100_000;

function rejectOption(option: string, expected: string, value: unknown): never {
  throw new InvalidArgumentError(`simulation option ${option}: expected ${expected}, got ${String(value)}`, {
    context: { option, value },
  });
}

/**
 * Checks simulation options and returns them unchanged; throws InvalidArgumentError naming the bad option.
 * @example validateSimulationOptions({ devices: 10, seed: 1, fromMs: DEFAULT_FROM_MS, toMs: DEFAULT_FROM_MS + 3_600_000, cadenceMs: 60_000, profile: 'degrading' });
 */
export function validateSimulationOptions(options: SimulationOptions): SimulationOptions {
  const { devices, seed, fromMs, toMs, cadenceMs, profile } = options;
  if (!Number.isInteger(devices) || devices < 1 || devices > MAX_DEVICES) {
    rejectOption('devices', `an integer from 1 to ${MAX_DEVICES}`, devices);
  }
  if (!Number.isSafeInteger(seed)) rejectOption('seed', 'a safe integer', seed);
  if (!Number.isSafeInteger(fromMs)) rejectOption('fromMs', 'an integer epoch ms', fromMs);
  if (!(toMs === Number.POSITIVE_INFINITY || Number.isSafeInteger(toMs))) {
    rejectOption('toMs', 'an integer epoch ms or Infinity', toMs);
  }
  if (!(toMs > fromMs)) rejectOption('toMs', `a time after fromMs (${fromMs})`, toMs);
  // Sub-second cadences exist for live mode (devices / rate seconds); history uses whole seconds.
  if (!Number.isSafeInteger(cadenceMs) || cadenceMs < 10) {
    rejectOption('cadenceMs', 'an integer of at least 10 ms', cadenceMs);
  }
  if (!PROFILES.includes(profile)) rejectOption('profile', PROFILES.join(' or '), profile);
  return options;
}

/**
 * The device id of a 1-based device number.
 * @example nameDevice(3); // "device_3"
 */
export function nameDevice(index: number): string {
  return `device_${index}`;
}
