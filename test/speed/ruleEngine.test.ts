import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { Anomaly } from '../../src/schema/anomaly.js';
import type { Telemetry } from '../../src/schema/telemetry.js';
import { RuleEngine } from '../../src/speed/ruleEngine.js';
import {
  loadRuleSet,
  parseRuleSet,
  type RuleSet,
  referenceRules,
  saveRuleSet,
} from '../../src/speed/ruleSet.js';
import { tempDir } from '../support/tempDirs.js';

const T0 = Date.UTC(2025, 3, 1, 12);
const at = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const reading = (over: Partial<Telemetry> = {}, ms = T0): Telemetry => ({
  device_id: 'device_1',
  timestamp: at(ms),
  energy_usage: 2,
  temperature: 22,
  vibration: 0.5,
  signal_strength: 90,
  ...over,
});

describe('reference rules', () => {
  it.each([
    [28.0, null],
    [28.1, 'high'],
    [32.0, 'high'],
    [32.1, 'critical'],
  ])('temperature %s → %s', (temperature, severity) => {
    const anomalies = new RuleEngine(referenceRules()).evaluate(reading({ temperature }));
    expect(anomalies.map((a) => a.severity)).toEqual(severity ? [severity] : []);
    if (severity) {
      expect(anomalies[0]).toMatchObject({
        anomaly_type: 'high_temperature',
        description: `Temperature ${temperature} °C (threshold: 28)`,
      });
    }
  });

  it('applies the other reference rules with lowercase severities', () => {
    const engine = new RuleEngine(referenceRules());
    const got = engine.evaluate(reading({ vibration: 3.1, energy_usage: 6.5, signal_strength: 29 }));
    expect(got.map((a) => [a.anomaly_type, a.severity])).toEqual([
      ['high_vibration', 'high'],
      ['high_energy_usage', 'critical'],
      ['low_signal', 'medium'],
    ]);
    for (const a of got) expect(Anomaly.safeParse(a).success).toBe(true);
    expect(
      new RuleEngine(referenceRules()).evaluate(
        reading({ vibration: 3.0, energy_usage: 4.5, signal_strength: 30 }),
      ),
    ).toEqual([]);
  });

  it('makes the vibration threshold a setting (the article says 5)', () => {
    const engine = new RuleEngine(referenceRules({ vibrationThreshold: 5 }));
    expect(engine.evaluate(reading({ vibration: 4.9 }))).toEqual([]);
    expect(engine.evaluate(reading({ vibration: 5.1 }, T0 + 60_000))[0]?.description).toBe(
      'Vibration 5.1 mm/s² (threshold: 5)',
    );
  });
});

describe('auto-confirm in event time: window (t − 1 h, t]', () => {
  const hot = (ms: number) => reading({ temperature: 29 }, ms);

  it('confirms the third anomaly of a type within the hour, with the suffix', () => {
    const engine = new RuleEngine(referenceRules());
    const [a] = engine.evaluate(hot(T0));
    const [b] = engine.evaluate(hot(T0 + 20 * 60_000));
    const [c] = engine.evaluate(hot(T0 + 40 * 60_000));
    expect([a!.is_confirmed, b!.is_confirmed, c!.is_confirmed]).toEqual([false, false, true]);
    expect(c).toMatchObject({
      confirmed_by: 'system',
      description: 'Temperature 29 °C (threshold: 28) (Auto-Confirmed)',
    });
    expect(a!.confirmed_by).toBeNull();
  });

  it('leaves out an anomaly exactly one hour earlier, keeps one a millisecond later', () => {
    const edge = new RuleEngine(referenceRules());
    edge.evaluate(hot(T0));
    edge.evaluate(hot(T0 + 30 * 60_000));
    expect(edge.evaluate(hot(T0 + 3_600_000))[0]!.is_confirmed).toBe(false);
    const inside = new RuleEngine(referenceRules());
    inside.evaluate(hot(T0 + 1));
    inside.evaluate(hot(T0 + 30 * 60_000));
    expect(inside.evaluate(hot(T0 + 3_600_000))[0]!.is_confirmed).toBe(true);
  });

  it('counts per device and per type', () => {
    const engine = new RuleEngine(referenceRules());
    engine.evaluate(hot(T0));
    engine.evaluate({ ...hot(T0 + 1000), device_id: 'device_2' });
    engine.evaluate(reading({ vibration: 3.5 }, T0 + 2000));
    expect(engine.evaluate(hot(T0 + 3000))[0]!.is_confirmed).toBe(false);
  });

  it('uses event time, so a late reading inside the window still counts', () => {
    const engine = new RuleEngine(referenceRules());
    engine.evaluate(hot(T0 + 50 * 60_000));
    engine.evaluate(hot(T0 + 10 * 60_000)); // arrives late
    expect(engine.evaluate(hot(T0 + 55 * 60_000))[0]!.is_confirmed).toBe(true);
  });
});

describe('spike and sustained rules', () => {
  const rules: RuleSet = parseRuleSet({
    name: 'custom',
    version: '2',
    rules: [
      {
        kind: 'spike',
        metric: 'temperature',
        max_delta: 5,
        anomaly_type: 'temperature_spike',
        severity: 'medium',
      },
      {
        kind: 'sustained',
        metric: 'vibration',
        direction: 'above',
        threshold: 2,
        readings: 3,
        anomaly_type: 'sustained_vibration',
        severity: 'high',
      },
    ],
    auto_confirm: null,
  });

  it('raises a spike against the previous reading of the same device only', () => {
    const engine = new RuleEngine(rules);
    expect(engine.evaluate(reading({ temperature: 20 }, T0))).toEqual([]);
    expect(engine.evaluate({ ...reading({ temperature: 40 }, T0 + 60_000), device_id: 'device_2' })).toEqual(
      [],
    );
    const [spike] = engine.evaluate(reading({ temperature: 25.5 }, T0 + 60_000));
    expect(spike).toMatchObject({
      anomaly_type: 'temperature_spike',
      description: 'Temperature rose 5.5 °C since the previous reading to 25.5 °C (limit: 5)',
    });
    // a gap longer than max_gap_ms resets the comparison
    expect(engine.evaluate(reading({ temperature: 35 }, T0 + 60 * 60_000))).toEqual([]);
  });

  it('raises a sustained anomaly once, on the reading that completes the run', () => {
    const engine = new RuleEngine(rules);
    const types = [2.5, 2.6, 2.7, 2.8, 1.0, 2.1, 2.2, 2.3].map(
      (vibration, i) => engine.evaluate(reading({ vibration }, T0 + i * 60_000)).length,
    );
    expect(types).toEqual([0, 0, 1, 0, 0, 0, 0, 1]);
  });

  it('restores from a snapshot and continues exactly as without one', () => {
    const readings = [2.5, 2.6, 2.7, 1.0, 2.1, 2.2, 2.3].map((vibration, i) =>
      reading({ vibration, temperature: 20 + (i % 2) * 7 }, T0 + i * 60_000),
    );
    const whole = new RuleEngine(rules);
    const expected = readings.flatMap((r) => whole.evaluate(r));
    const first = new RuleEngine(rules);
    const before = readings.slice(0, 4).flatMap((r) => first.evaluate(r));
    const revived = new RuleEngine(rules, JSON.parse(JSON.stringify(first.snapshot())));
    expect([...before, ...readings.slice(4).flatMap((r) => revived.evaluate(r))]).toEqual(expected);
  });
});

describe('rule sets as files', () => {
  it('round-trips through JSON and names the offending path when invalid', () => {
    const file = path.join(tempDir('lambda-iot-rules-'), 'rules.json');
    saveRuleSet(file, referenceRules({ vibrationThreshold: 2.5 }));
    expect(loadRuleSet(file)).toEqual(referenceRules({ vibrationThreshold: 2.5 }));
    fs.writeFileSync(
      file,
      JSON.stringify({ ...referenceRules(), rules: [{ kind: 'threshold', metric: 'humidity' }] }),
    );
    expect(() => loadRuleSet(file)).toThrow(InvalidArgumentError);
    expect(() => loadRuleSet(file)).toThrow(/rules\.0/);
    const dup = referenceRules();
    dup.rules.push({ ...dup.rules[0]! });
    expect(() => parseRuleSet(dup)).toThrow(/duplicate anomaly_type high_temperature/);
  });
});
