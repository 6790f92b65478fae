import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import type { MachineEvent, Telemetry } from '../../src/schema/index.js';
import {
  EXCURSION_THRESHOLDS,
  PrecursorCollector,
  type PrecursorReport,
} from '../../src/speed/precursors.js';
import { formatUtc, HOUR_MS } from '../../src/time/utcTime.js';

const T0 = Date.UTC(2025, 3, 1);
const MINUTE = 60_000;
const DAY = 24 * HOUR_MS;

function makeReading(device: string, ms: number, overrides: Partial<Telemetry> = {}): Telemetry {
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

function makeFailure(device: string, ms: number): MachineEvent {
  return {
    device_id: device,
    event_timestamp: formatUtc(ms),
    event_type: 'failure',
    severity: 'high',
    error_code: 'ERR1234',
    component: 'motor',
    root_cause: 'overheating',
  };
}

/** Readings every 10 minutes over [fromMs, toMs] with the given excursions mixed in. */
function addSteadyReadings(
  collector: PrecursorCollector,
  device: string,
  fromMs: number,
  toMs: number,
  excursions: Map<number, Partial<Telemetry>> = new Map(),
): void {
  for (let ms = fromMs; ms <= toMs; ms += 10 * MINUTE) {
    collector.addTelemetry(makeReading(device, ms, excursions.get(ms)));
  }
}

function findRow(report: PrecursorReport, metric: string) {
  return report.rows.find((r) => r.metric === metric)!;
}

describe('EXCURSION_THRESHOLDS', () => {
  it('are the reference thresholds (above, or below for signal)', () => {
    expect(EXCURSION_THRESHOLDS).toEqual({
      energy_usage: { op: '>', value: 4.5 },
      temperature: { op: '>', value: 28 },
      vibration: { op: '>', value: 3.0 },
      signal_strength: { op: '<', value: 30 },
    });
  });
});

describe('PrecursorCollector', () => {
  it('counts a failure as preceded when an excursion lies in (t_fail − H, t_fail]', () => {
    const collector = new PrecursorCollector({ horizonMs: DAY });
    const failAt = T0 + 3 * DAY;
    addSteadyReadings(
      collector,
      'device_1',
      T0,
      T0 + 5 * DAY,
      new Map([
        [failAt - 2 * HOUR_MS, { temperature: 28.1 }],
        [failAt, { signal_strength: 29 }],
        // Exactly H before the failure: outside the half-open window.
        [failAt - DAY, { vibration: 3.2 }],
        // Equal to the threshold is no excursion.
        [failAt - HOUR_MS, { energy_usage: 4.5 }],
      ]),
    );
    collector.addEvent(makeFailure('device_1', failAt));
    const report = collector.report();
    expect(report.failures).toBe(1);
    expect(findRow(report, 'temperature').failuresPreceded).toBe(1);
    expect(findRow(report, 'signal_strength').failuresPreceded).toBe(1);
    expect(findRow(report, 'vibration').failuresPreceded).toBe(0);
    expect(findRow(report, 'energy_usage').failuresPreceded).toBe(0);
    expect(findRow(report, 'any')).toMatchObject({ failuresPreceded: 1, shareOfFailures: 1 });
    expect(report.rows.map((r) => r.metric)).toEqual([
      'any',
      'energy_usage',
      'temperature',
      'vibration',
      'signal_strength',
    ]);
  });

  it('counts failures only from failure events, per device', () => {
    const collector = new PrecursorCollector({ horizonMs: DAY });
    addSteadyReadings(
      collector,
      'device_1',
      T0,
      T0 + 3 * DAY,
      new Map([[T0 + 2 * DAY, { temperature: 35 }]]),
    );
    addSteadyReadings(collector, 'device_2', T0, T0 + 3 * DAY);
    collector.addEvent(makeFailure('device_2', T0 + 2 * DAY + HOUR_MS));
    collector.addEvent({
      device_id: 'device_1',
      event_timestamp: formatUtc(T0 + 2 * DAY + HOUR_MS),
      event_type: 'maintenance',
      severity: 'low',
      technician: 'tech-1',
      duration_min: 30,
      parts_replaced: 'none',
    });
    const report = collector.report();
    expect(report.failures).toBe(1);
    expect(findRow(report, 'any').failuresPreceded).toBe(0);
  });

  it('estimates the base rate from random windows and the lift as share / base rate', () => {
    const collector = new PrecursorCollector({ horizonMs: DAY, randomWindows: 4000, seed: 3 });
    // One excursion on day 5 of a 10-day trace: a random 24 h window holds it with p = 1 / 9.
    addSteadyReadings(
      collector,
      'device_1',
      T0,
      T0 + 10 * DAY,
      new Map([[T0 + 5 * DAY, { vibration: 3.5 }]]),
    );
    collector.addEvent(makeFailure('device_1', T0 + 5 * DAY + HOUR_MS));
    const report = collector.report();
    const vibration = findRow(report, 'vibration');
    expect(report.windows).toBe(4000);
    expect(vibration.baseRate!).toBeGreaterThan(0.09);
    expect(vibration.baseRate!).toBeLessThan(0.13);
    expect(vibration.lift).toBeCloseTo(1 / vibration.baseRate!, 10);
    expect(collector.report()).toEqual(report);
  });

  it('reports null lift when the base rate is 0 and null share without failures', () => {
    const quiet = new PrecursorCollector({ horizonMs: DAY });
    addSteadyReadings(quiet, 'device_1', T0, T0 + 3 * DAY);
    const noFailures = quiet.report();
    expect(findRow(noFailures, 'any')).toMatchObject({ shareOfFailures: null, baseRate: 0, lift: null });
    quiet.addEvent(makeFailure('device_1', T0 + 2 * DAY));
    expect(findRow(quiet.report(), 'any')).toMatchObject({ shareOfFailures: 0, baseRate: 0, lift: null });
  });

  it('reports no windows when no device spans the horizon', () => {
    const short = new PrecursorCollector({ horizonMs: DAY });
    addSteadyReadings(short, 'device_1', T0, T0 + 6 * HOUR_MS);
    expect(short.report()).toMatchObject({ windows: 0 });
    expect(findRow(short.report(), 'any').baseRate).toBeNull();
  });

  it('gives the same report whatever the arrival order of readings', () => {
    const excursions = new Map([
      [T0 + DAY, { temperature: 30 }],
      [T0 + 4 * DAY, { energy_usage: 5 }],
    ]);
    const inOrder = new PrecursorCollector({ horizonMs: DAY });
    addSteadyReadings(inOrder, 'device_1', T0, T0 + 6 * DAY, excursions);
    const shuffled = new PrecursorCollector({ horizonMs: DAY });
    const times: number[] = [];
    for (let ms = T0; ms <= T0 + 6 * DAY; ms += 10 * MINUTE) times.push(ms);
    for (const ms of times.reverse()) shuffled.addTelemetry(makeReading('device_1', ms, excursions.get(ms)));
    for (const collector of [inOrder, shuffled]) {
      collector.addEvent(makeFailure('device_1', T0 + 4 * DAY + HOUR_MS));
      collector.addEvent(makeFailure('device_1', T0 + DAY + HOUR_MS));
    }
    expect(shuffled.report()).toEqual(inOrder.report());
  });

  it('rejects unusable options', () => {
    expect(() => new PrecursorCollector({ horizonMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => new PrecursorCollector({ horizonMs: DAY, randomWindows: -1 })).toThrow(/randomWindows/);
    expect(() => new PrecursorCollector({ horizonMs: DAY, seed: 0.5 })).toThrow(/seed/);
  });
});
