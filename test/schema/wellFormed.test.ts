import { describe, expect, it } from 'vitest';
import { isWellFormedTelemetry, Telemetry } from '../../src/schema/telemetry.js';
import { validateMessage } from '../../src/schema/validate.js';
import { Random } from '../../src/util/random.js';

const reading = {
  device_id: 'press-7',
  timestamp: '2025-04-01T12:00:00Z',
  energy_usage: 2.5,
  temperature: 24.1,
  vibration: 0.8,
  signal_strength: 91,
};

/** Values a field might hold: valid ones, edges, and every kind of wrong. */
const CANDIDATES: Record<string, unknown[]> = {
  device_id: ['d', 'x'.repeat(128), 'x'.repeat(129), '', 'ü/"\'\\', 7, null, ['d']],
  timestamp: [
    '2025-04-01T12:00:00Z',
    '2024-02-29T23:59:59.123456Z',
    '2025-02-29T00:00:00Z',
    '2025-04-31T00:00:00Z',
    '2025-04-01T24:00:00Z',
    '2025-04-01T12:60:00Z',
    '2025-04-01T12:00:60Z',
    '2025-04-01T12:00:00',
    '2025-04-01T12:00:00+01:00',
    '2025-04-01 12:00:00Z',
    '2025-04-01T12:00Z',
    '2025-04-01',
    1743508800000,
    '',
  ],
  energy_usage: [0, 1000, -0.000001, 1000.0001, 3.3, '3.3', null, Number.NaN],
  temperature: [-50, 150, -50.1, 150.1, 21.7, true],
  vibration: [0, 100, -1, 100.5, 0.2, {}],
  signal_strength: [0, 100, 101, -3, 55.5, undefined],
};

describe('isWellFormedTelemetry (the quick check in front of the Telemetry schema)', () => {
  it('says yes only where the schema says yes, and yes for ordinary readings', () => {
    const rng = new Random(20251126);
    const random = () => rng.drawFloat();
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
    let quickYes = 0;
    for (let i = 0; i < 5000; i++) {
      const value: Record<string, unknown> = { ...reading };
      for (const field of Object.keys(CANDIDATES))
        if (random() < 0.3) value[field] = pick(CANDIDATES[field]!);
      if (random() < 0.05) delete value[pick(Object.keys(CANDIDATES))];
      if (random() < 0.05) value.extra = 1;
      // Through JSON, as messages arrive (NaN becomes null, undefined fields vanish).
      const parsed = JSON.parse(JSON.stringify(value));
      const quick = isWellFormedTelemetry(parsed);
      const schema = Telemetry.safeParse(parsed).success;
      if (quick) {
        quickYes++;
        expect(schema, JSON.stringify(parsed)).toBe(true);
      }
    }
    expect(quickYes).toBeGreaterThan(500);
    expect(isWellFormedTelemetry(reading)).toBe(true);
  });

  it('leaves the reason to the schema: validation results are the same either way', () => {
    const bad = { ...reading, vibration: -1 };
    expect(isWellFormedTelemetry(bad)).toBe(false);
    const v = validateMessage(Telemetry, JSON.stringify(bad), { now: Date.parse('2025-04-02T00:00:00Z') });
    expect(v).toMatchObject({ ok: false, reason: expect.stringMatching(/^vibration: /) });
    const inherited = Object.create({ extra: 'inherited' });
    Object.assign(inherited, reading);
    expect(isWellFormedTelemetry(inherited)).toBe(false);
  });
});
