import { describe, expect, it } from 'vitest';
import { type Profile, type SimulatedMessage, simulateHistory } from '../../src/ingest/index.js';
import {
  type FailureEvent,
  MachineEvent,
  type MaintenanceEvent,
  Telemetry,
  validateMessage,
} from '../../src/schema/index.js';
import { DAY, FROM_MS, makeOptions } from './simulationFixtures.js';

const TELEMETRY_KEYS = [
  'device_id',
  'timestamp',
  'energy_usage',
  'temperature',
  'vibration',
  'signal_strength',
];
const EVENT_KEYS = {
  failure: ['error_code', 'component', 'root_cause'],
  maintenance: ['technician', 'duration_min', 'parts_replaced'],
  inspection: ['status', 'next_inspection_days'],
};

interface ContractSummary {
  telemetry: number;
  events: number;
  rejected: string[];
  failures: FailureEvent[];
  maintenances: MaintenanceEvent[];
}

/** Validates every message of a run against the zod contracts (and the full validator on a sample). */
function checkContracts(profile: Profile, devices: number, days: number): ContractSummary {
  const summary: ContractSummary = { telemetry: 0, events: 0, rejected: [], failures: [], maintenances: [] };
  const reject = (m: SimulatedMessage, why: string) => {
    if (summary.rejected.length < 5) summary.rejected.push(`${why}: ${JSON.stringify(m)}`);
  };
  const options = makeOptions({ profile, devices, toMs: FROM_MS + days * DAY });
  for (const m of simulateHistory(options)) {
    const value = m.value as unknown as Record<string, unknown>;
    if (m.key !== value.device_id) reject(m, 'key is not device_id');
    if (m.topic === 'telemetry') {
      summary.telemetry++;
      if (!Telemetry.safeParse(value).success) reject(m, 'not Telemetry');
      if (Object.keys(value).join() !== TELEMETRY_KEYS.join()) reject(m, 'field order');
      if (!(value.timestamp as string).endsWith('Z')) reject(m, 'timestamp without Z');
      if (Date.parse(value.timestamp as string) !== m.timestamp)
        reject(m, 'timestamp differs from event time');
    } else {
      summary.events++;
      const parsed = MachineEvent.safeParse(value);
      if (!parsed.success) {
        reject(m, 'not MachineEvent');
        continue;
      }
      const event = parsed.data;
      const keys = [
        'device_id',
        'event_timestamp',
        'event_type',
        'severity',
        ...EVENT_KEYS[event.event_type],
      ];
      if (Object.keys(value).join() !== keys.join()) reject(m, 'field order');
      if (!event.event_timestamp.endsWith('Z')) reject(m, 'event_timestamp without Z');
      if (Date.parse(event.event_timestamp) !== m.timestamp) reject(m, 'timestamp differs from event time');
      if (event.event_type === 'failure') summary.failures.push(event);
      if (event.event_type === 'maintenance') summary.maintenances.push(event);
    }
    // The full consumer-side validator (JSON text, real instants) on a sample.
    if ((summary.telemetry + summary.events) % 997 === 0) {
      const schema = m.topic === 'telemetry' ? Telemetry : MachineEvent;
      const check = validateMessage(schema, JSON.stringify(m.value), { now: m.timestamp });
      if (!check.ok) reject(m, check.reason);
    }
  }
  return summary;
}

const CONSISTENT_FAILURES = new Set([
  'bearing/wear',
  'motor/overheating',
  'battery/power_surge',
  'sensor/unknown',
]);

describe('contracts of simulated messages', () => {
  it('every degrading message passes Telemetry / MachineEvent, events consistent with their cause', () => {
    const summary = checkContracts('degrading', 20, 30);
    expect(summary.rejected).toEqual([]);
    expect(summary.telemetry).toBeGreaterThan(800_000);
    expect(summary.failures.length).toBeGreaterThan(20);
    for (const failure of summary.failures) {
      expect(CONSISTENT_FAILURES).toContain(`${failure.component}/${failure.root_cause}`);
      expect(failure.error_code).toMatch(/^ERR1\d{3}$/);
      expect(failure.severity).not.toBe('low');
    }
    for (const maintenance of summary.maintenances) {
      expect(maintenance.technician).toMatch(/^tech-([1-9]|1\d|20)$/);
      expect(maintenance.duration_min).toBeGreaterThanOrEqual(15);
      expect(maintenance.duration_min).toBeLessThanOrEqual(240);
    }
  });

  it('every reference message passes Telemetry / MachineEvent', () => {
    const summary = checkContracts('reference', 10, 0.5);
    expect(summary.rejected).toEqual([]);
    expect(summary.telemetry).toBe(43_200);
    expect(summary.events).toBeGreaterThan(3_000);
  });
});
