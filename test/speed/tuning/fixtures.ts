import type { MachineEvent, Telemetry } from '../../../src/schema/index.js';
import { formatUtc, HOUR_MS } from '../../../src/time/utcTime.js';

export const T0 = Date.UTC(2025, 3, 1);
export const MINUTE = 60_000;
export const HOUR = HOUR_MS;
export const DAY = 24 * HOUR_MS;

/** A calm reading, overridable field by field. */
export function makeReading(device: string, ms: number, overrides: Partial<Telemetry> = {}): Telemetry {
  return {
    device_id: device,
    timestamp: formatUtc(ms),
    energy_usage: 2,
    temperature: 22,
    vibration: 0.6,
    signal_strength: 88,
    ...overrides,
  };
}

export function makeFailure(device: string, ms: number): MachineEvent {
  return {
    device_id: device,
    event_timestamp: formatUtc(ms),
    event_type: 'failure',
    severity: 'high',
    error_code: 'ERR1234',
    component: 'bearing',
    root_cause: 'wear',
  };
}

export function makeInspection(device: string, ms: number): MachineEvent {
  return {
    device_id: device,
    event_timestamp: formatUtc(ms),
    event_type: 'inspection',
    severity: 'low',
    status: 'passed',
    next_inspection_days: 14,
  };
}
