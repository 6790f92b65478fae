import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors.js';
import { referenceRules } from '../../../src/speed/ruleSet.js';
import { historyFromArrays } from '../../../src/speed/tuning/historySource.js';
import { backtestRules, computeMedian, scoreAlerts } from '../../../src/speed/tuning/score.js';
import { DAY, HOUR, MINUTE, makeFailure, makeInspection, makeReading, T0 } from './fixtures.js';

describe('scoreAlerts on a hand-made plant (H = 24 h)', () => {
  const F1 = T0 + 2 * DAY; // device_1
  const F2 = T0 + 5 * DAY; // device_1
  const F3 = T0 + 3 * DAY; // device_2
  const F4 = T0 + 8 * DAY; // device_2, no alert before it
  const failures = [
    { deviceId: 'device_1', ms: F1 },
    { deviceId: 'device_1', ms: F2 },
    { deviceId: 'device_2', ms: F3 },
    { deviceId: 'device_2', ms: F4 },
  ];
  const alerts = [
    { deviceId: 'device_1', ms: F1 - 30 * HOUR }, // a1: F1 is 30 h later → false
    { deviceId: 'device_1', ms: F1 - 20 * HOUR }, // a2: true; earliest in F1's window → lead 20 h
    { deviceId: 'device_1', ms: F1 - 2 * HOUR }, // a3: true
    { deviceId: 'device_1', ms: F1 }, // a4: at the failure instant: neither true nor catching; F2 is 3 days on
    { deviceId: 'device_1', ms: F2 - 24 * HOUR }, // a5: exactly H before F2: true, catches F2 with lead 24 h
    { deviceId: 'device_2', ms: F3 - 5 * HOUR }, // a6: true, lead 5 h
    { deviceId: 'device_3', ms: T0 + DAY }, // a7: device_3 never fails → false
    { deviceId: 'device_2', ms: F3 + HOUR }, // a8: next failure of device_2 is 5 days on → false
    { deviceId: 'device_3', ms: F4 - HOUR }, // a9: another device's alert does not catch F4
  ];
  const deviceDays = new Map([
    ['device_1', 10],
    ['device_2', 10],
    ['device_3', 10],
  ]);
  const score = scoreAlerts(alerts, failures, { horizonMs: DAY, deviceDays });

  it('counts alerts, true alerts, failures and caught failures', () => {
    expect(score).toMatchObject({
      alerts: 9,
      true_alerts: 4,
      failures: 4,
      failures_caught: 3,
      device_days: 30,
    });
  });

  it('computes precision 4/9, recall 3/4, median lead 20 h and 0.3 alerts per device-day', () => {
    expect(score.precision).toBeCloseTo(4 / 9, 12);
    expect(score.recall).toBe(0.75);
    expect(score.median_lead_time_h).toBe(20); // leads 20, 24, 5
    expect(score.alerts_per_device_day).toBeCloseTo(0.3, 12);
  });

  it('bounds the rate from above: here 9 alerts are few, so the Poisson bound (15.70 alerts) decides', () => {
    // clustered: per device 5, 2, 2 alerts over 10 days each: residuals 2, −1, −1 → se √(6 / (3·2)) / 10 = 0.1,
    // 0.3 + 1.645 · 0.1 = 0.4645; Poisson: 10 · (1 − 1/90 + 1.645 / (3√10))³ = 15.70 alerts → 0.523
    expect(score.alerts_per_device_day_upper).toBeCloseTo(15.7008 / 30, 4);
  });

  it('bounds the rate with devices as clusters when alerts crowd on one device', () => {
    const crowded = Array.from({ length: 100 }, (_, i) => ({ deviceId: 'device_1', ms: T0 + i * 2 * HOUR }));
    const s = scoreAlerts(crowded, [], { horizonMs: DAY, deviceDays });
    // R = 100/30; residuals 66.7, −33.3, −33.3 → se √(6666.7 / 6) / 10 = 3.333 → R + 1.645 · 3.333
    expect(s.alerts_per_device_day_upper).toBeCloseTo(100 / 30 + (1.645 * 100) / 30, 9);
    // with one device only the Poisson bound is left; with no alerts it is the rule of three (≈ 3 / days)
    const alone = scoreAlerts([], [], { horizonMs: DAY, deviceDays: new Map([['device_1', 100]]) });
    expect(alone.alerts_per_device_day_upper).toBeCloseTo(0.0297, 4);
  });

  it('gives nulls where a ratio has no denominator', () => {
    const none = scoreAlerts([], [], { horizonMs: DAY, deviceDays: new Map() });
    expect(none).toEqual({
      alerts: 0,
      true_alerts: 0,
      failures: 0,
      failures_caught: 0,
      device_days: 0,
      precision: null,
      recall: null,
      median_lead_time_h: null,
      alerts_per_device_day: null,
      alerts_per_device_day_upper: null,
    });
    const missed = scoreAlerts([], failures, { horizonMs: DAY, deviceDays });
    expect(missed).toMatchObject({
      recall: 0,
      precision: null,
      median_lead_time_h: null,
      alerts_per_device_day: 0,
    });
  });

  it('rejects a horizon that is not positive', () => {
    expect(() => scoreAlerts([], [], { horizonMs: 0, deviceDays })).toThrow(InvalidArgumentError);
  });

  it('takes the median of an even count as the mean of the middle two', () => {
    expect(computeMedian([4, 1, 3, 2])).toBe(2.5);
    expect(computeMedian([7])).toBe(7);
  });
});

describe('backtestRules', () => {
  it('replays readings through the rule engine, turns anomalies into episodes and scores them per type', async () => {
    const excursions = new Map([
      [T0 + 5 * HOUR, { temperature: 28.5 }], // an alert 26 h before the failure: false, not catching
      [T0 + 10 * HOUR, { vibration: 3.4 }], // episode 1 starts
      [T0 + 10 * HOUR + 10 * MINUTE, { vibration: 3.5 }],
      [T0 + 10 * HOUR + 20 * MINUTE, { vibration: 3.1 }],
      [T0 + 11 * HOUR + 20 * MINUTE, { vibration: 3.2 }], // exactly 1 h later: episode 2
      [T0 + 30 * HOUR, { vibration: 3.3 }], // episode 3
    ]);
    const telemetry = [];
    for (let ms = T0; ms < T0 + 2 * DAY; ms += 10 * MINUTE) {
      telemetry.push(makeReading('device_1', ms, excursions.get(ms)));
    }
    for (let ms = T0 + DAY; ms < T0 + DAY + HOUR; ms += 10 * MINUTE)
      telemetry.push(makeReading('device_2', ms));
    const events = [makeFailure('device_1', T0 + 31 * HOUR), makeInspection('device_1', T0 + 12 * HOUR)];
    const result = await backtestRules(historyFromArrays({ telemetry, events }), referenceRules(), {
      horizonMs: DAY,
    });
    expect(result.byType.high_vibration).toMatchObject({
      alerts: 3,
      true_alerts: 3,
      failures: 1,
      failures_caught: 1,
      median_lead_time_h: 21,
      device_days: 3,
    });
    expect(result.byType.high_temperature).toMatchObject({ alerts: 1, true_alerts: 0, failures_caught: 0 });
    expect(result.byType.low_signal).toMatchObject({ alerts: 0, precision: null, recall: 0 });
    expect(result.score).toMatchObject({
      alerts: 4,
      true_alerts: 3,
      precision: 0.75,
      recall: 1,
      median_lead_time_h: 21,
      device_days: 3,
    });
    expect(result.score.alerts_per_device_day).toBeCloseTo(4 / 3, 12);
    expect(result.replay).toMatchObject({ telemetry: telemetry.length, events: 2, invalid: 0 });
  });
});
