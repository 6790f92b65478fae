import { describe, expect, it } from 'vitest';
import { PlantSimulator } from '../../src/ingest/index.js';
import type { FailureEvent, InspectionEvent, MachineEvent, Telemetry } from '../../src/schema/index.js';
import { collectHistory, FROM_MS, makeOptions, serializeMessages } from './simulationFixtures.js';

const HOURS = 12;
const options = makeOptions({ profile: 'reference', devices: 10, toMs: FROM_MS + HOURS * 3_600_000 });
const messages = collectHistory(options);
const readings = messages.filter((m) => m.topic === 'telemetry').map((m) => m.value as Telemetry);
const events = messages.filter((m) => m.topic === 'events').map((m) => m.value as MachineEvent);

function computeShare<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  return items.filter(predicate).length / items.length;
}

describe("'reference' profile (the reference generator's statistics)", () => {
  it('emits exactly one reading per second in total, ignoring cadenceMs', () => {
    expect(readings).toHaveLength(HOURS * 3600);
    const times = messages.filter((m) => m.topic === 'telemetry').map((m) => m.timestamp);
    expect(times.every((t, i) => t === FROM_MS + i * 1000)).toBe(true);
    const otherCadence = collectHistory({ ...options, cadenceMs: 5_000 });
    expect(serializeMessages(otherCadence)).toBe(serializeMessages(messages));
  });

  it('draws values inside the reference ranges and roundings', () => {
    const hasDigits = (value: number, digits: number) =>
      Math.round(value * 10 ** digits) / 10 ** digits === value;
    const outside = readings.filter(
      (r) =>
        !(r.energy_usage >= 0.5 && r.energy_usage <= 5.0 && hasDigits(r.energy_usage, 2)) ||
        !(r.temperature >= 18 && r.temperature <= 30 && hasDigits(r.temperature, 1)) ||
        !(r.vibration >= 0.1 && r.vibration <= 5.0 && hasDigits(r.vibration, 1)) ||
        !(Number.isInteger(r.signal_strength) && r.signal_strength >= 70 && r.signal_strength <= 100),
    );
    expect(outside).toEqual([]);
    // The whole ranges are used, not a narrower part of them.
    expect(Math.min(...readings.map((r) => r.temperature))).toBeLessThan(18.2);
    expect(Math.max(...readings.map((r) => r.temperature))).toBeGreaterThan(29.8);
    expect(new Set(readings.map((r) => r.signal_strength)).size).toBe(31);
  });

  it('adds 3.0 to vibration in about 5 % of readings and picks devices uniformly', () => {
    // U(0.1, 2.0) rounds to at most 2.0, so a value above 3.0 can only come from the +3.0 spike.
    expect(computeShare(readings, (r) => r.vibration > 3.0)).toBeGreaterThan(0.044);
    expect(computeShare(readings, (r) => r.vibration > 3.0)).toBeLessThan(0.056);
    for (let d = 1; d <= 10; d++) {
      expect(computeShare(readings, (r) => r.device_id === `device_${d}`)).toBeCloseTo(0.1, 1);
    }
  });

  it('emits an event with p ≈ 0.1 per reading, mixed failure 0.1 / maintenance 0.3 / inspection 0.6', () => {
    expect(events.length / readings.length).toBeGreaterThan(0.09);
    expect(events.length / readings.length).toBeLessThan(0.11);
    expect(computeShare(events, (e) => e.event_type === 'failure')).toBeCloseTo(0.1, 1);
    expect(computeShare(events, (e) => e.event_type === 'maintenance')).toBeCloseTo(0.3, 1);
    expect(computeShare(events, (e) => e.event_type === 'inspection')).toBeCloseTo(0.6, 1);
    const inspections = events.filter((e): e is InspectionEvent => e.event_type === 'inspection');
    expect(computeShare(inspections, (e) => e.status === 'failed')).toBeGreaterThan(0.29);
    expect(computeShare(inspections, (e) => e.status === 'failed')).toBeLessThan(0.38);
    for (const severity of ['low', 'medium', 'high']) {
      expect(computeShare(events, (e) => e.severity === severity)).toBeCloseTo(1 / 3, 1);
    }
  });

  it('puts each event at the instant of a reading of the same device', () => {
    const misplaced = messages.filter((m, i) => {
      if (m.topic !== 'events') return false;
      const before = messages[i - 1]!;
      return before.topic !== 'telemetry' || before.key !== m.key || before.timestamp !== m.timestamp;
    });
    expect(misplaced).toEqual([]);
  });

  it('records the failure events, and no health, as ground truth', () => {
    const plant = new PlantSimulator(options);
    for (const _ of plant.advance(options.toMs)) {
      // drain
    }
    const failures = events.filter((e): e is FailureEvent => e.event_type === 'failure');
    expect(plant.truth.failures.map((f) => [f.device_id, f.timestamp, f.component, f.root_cause])).toEqual(
      failures.map((f) => [f.device_id, f.event_timestamp, f.component, f.root_cause]),
    );
    expect(plant.truth.health).toEqual([]);
  });
});
