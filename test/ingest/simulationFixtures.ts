import { type SimulatedMessage, type SimulationOptions, simulateHistory } from '../../src/ingest/index.js';
import { HOUR_MS } from '../../src/time/utcTime.js';

export const FROM_MS = Date.UTC(2025, 3, 1);
export const DAY = 24 * HOUR_MS;

/** Options for a degrading run from 2025-04-01T00:00:00Z, overridable field by field. */
export function makeOptions(overrides: Partial<SimulationOptions> = {}): SimulationOptions {
  return {
    devices: 5,
    seed: 1,
    fromMs: FROM_MS,
    toMs: FROM_MS + DAY,
    cadenceMs: 60_000,
    profile: 'degrading',
    ...overrides,
  };
}

/** Every message of a history run, in order. */
export function collectHistory(options: SimulationOptions): SimulatedMessage[] {
  return [...simulateHistory(options)];
}

/** One JSON line per message (topic, key, timestamp and value): the byte-level identity of a run. */
export function serializeMessages(messages: readonly SimulatedMessage[]): string {
  return messages.map((m) => JSON.stringify(m)).join('\n');
}
