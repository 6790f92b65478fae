import { describe, expect, it } from 'vitest';
import { pickWearFailure } from '../../src/index.js';
import { DEFAULT_FROM_MS, type GroundTruth } from '../../src/ingest/index.js';
import { DAY_MS, formatUtc, HOUR_MS } from '../../src/time/utcTime.js';

describe('pickWearFailure', () => {
  const failure = (device: string, hour: number, health: number | null) => ({
    device_id: device,
    timestamp: formatUtc(DEFAULT_FROM_MS + hour * HOUR_MS),
    component: 'bearing' as const,
    root_cause: 'wear' as const,
    health,
    mode: 'bearing' as const,
  });
  const truth = (failures: ReturnType<typeof failure>[]): GroundTruth => ({
    run: {
      devices: 2,
      seed: 1,
      fromMs: DEFAULT_FROM_MS,
      toMs: DEFAULT_FROM_MS + 10 * DAY_MS,
      cadenceMs: 60_000,
      profile: 'degrading',
      from: '',
      to: '',
    },
    health: [],
    failures,
    maintenances: [],
    inspections: [],
  });

  it('picks the first wear failure with failure-free history, skipping sensor faults and early ones', () => {
    const picked = pickWearFailure(
      truth([
        failure('device_2', 10, 0.2), // not enough history before it
        failure('device_1', 20, 0.9), // a random sensor fault, 80 h before the pick
        failure('device_2', 60, 0.2), // device_2 failed 50 h before
        failure('device_3', 90, 0.95), // a random sensor fault
        failure('device_1', 100, 0.15),
      ]),
      { historyMs: 72 * HOUR_MS },
    );
    expect(picked.timestamp).toBe(formatUtc(DEFAULT_FROM_MS + 100 * HOUR_MS));
    expect(() => pickWearFailure(truth([failure('device_1', 5, 0.2)]), { historyMs: DAY_MS })).toThrow(
      /no wear failure with 24 h/,
    );
  });
});
