import { describe, expect, it } from 'vitest';
import { collectDeviceReadings, summarizeSimulation } from '../../src/index.js';
import { DEFAULT_FROM_MS, simulateHistory } from '../../src/ingest/index.js';
import { DAY_MS, formatUtc, HOUR_MS } from '../../src/time/utcTime.js';

describe('simulation replay', () => {
  const simulation = {
    devices: 3,
    seed: 7,
    fromMs: DEFAULT_FROM_MS,
    toMs: DEFAULT_FROM_MS + 2 * DAY_MS,
    cadenceMs: 60_000,
    profile: 'degrading' as const,
  };

  it('summarizes every device of a simulation and computes its precursor report', () => {
    const { devices, precursors } = summarizeSimulation(simulation);
    expect(devices.map((d) => d.device_id)).toEqual(['device_1', 'device_2', 'device_3']);
    expect(devices.reduce((n, d) => n + d.readings, 0)).toBeGreaterThan(3 * 2 * 1440 * 0.9);
    expect(precursors.rows[0]?.metric).toBe('any');
  });

  it('collects one device’s readings in a window, the same ones the full run produces', () => {
    const window = {
      deviceId: 'device_2',
      fromMs: DEFAULT_FROM_MS + HOUR_MS,
      toMs: DEFAULT_FROM_MS + 3 * HOUR_MS,
    };
    const readings = collectDeviceReadings(simulation, window);
    expect(readings.length).toBeGreaterThan(100);
    expect(readings.every((r) => r.device_id === 'device_2')).toBe(true);
    expect(readings[0]!.timestamp).toBe(formatUtc(window.fromMs));
    expect(Date.parse(readings.at(-1)!.timestamp)).toBeLessThan(window.toMs);
    // The full run (every message the simulation sends to the log), filtered to the window.
    const full = [...simulateHistory(simulation)]
      .filter((m) => m.topic === 'telemetry' && m.key === window.deviceId)
      .filter((m) => m.timestamp >= window.fromMs && m.timestamp < window.toMs)
      .map((m) => m.value);
    expect(readings).toEqual(full);
  });
});
