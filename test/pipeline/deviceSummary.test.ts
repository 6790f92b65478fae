import { describe, expect, it } from 'vitest';
import { DeviceSummaryCollector } from '../../src/index.js';
import { DEFAULT_FROM_MS } from '../../src/ingest/index.js';
import type { Telemetry } from '../../src/schema/index.js';
import { formatUtc } from '../../src/time/utcTime.js';

function makeReading(device: string, ms: number, temperature: number, vibration: number): Telemetry {
  return {
    device_id: device,
    timestamp: formatUtc(ms),
    energy_usage: 2,
    temperature,
    vibration,
    signal_strength: 90,
  };
}

describe('DeviceSummaryCollector', () => {
  it('summarizes readings and events per device in natural device order', () => {
    const summary = new DeviceSummaryCollector();
    summary.addTelemetry(makeReading('device_10', DEFAULT_FROM_MS, 20, 1));
    summary.addTelemetry(makeReading('device_2', DEFAULT_FROM_MS, 29, 3.5));
    summary.addTelemetry(makeReading('device_2', DEFAULT_FROM_MS + 60_000, 21, 1));
    summary.addEvent({
      device_id: 'device_2',
      event_timestamp: formatUtc(DEFAULT_FROM_MS),
      event_type: 'failure',
      severity: 'high',
      error_code: 'ERR1234',
      component: 'bearing',
      root_cause: 'wear',
    });
    const [two, ten] = summary.rows();
    expect(two).toMatchObject({
      device_id: 'device_2',
      readings: 2,
      temperature_mean_c: 25,
      temperature_max_c: 29,
      temperature_excursions: 1,
      vibration_max_mm_s2: 3.5,
      vibration_excursions: 1,
      failures: 1,
      maintenances: 0,
    });
    expect(ten?.device_id).toBe('device_10');
  });
});
