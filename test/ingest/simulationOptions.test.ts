import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { PlantSimulator, simulateHistory, validateSimulationOptions } from '../../src/ingest/index.js';
import { makeOptions } from './simulationFixtures.js';

describe('validateSimulationOptions', () => {
  it('accepts the defaults and an open-ended live run', () => {
    expect(validateSimulationOptions(makeOptions())).toEqual(makeOptions());
    expect(() => new PlantSimulator(makeOptions({ toMs: Number.POSITIVE_INFINITY }))).not.toThrow();
  });

  it.each([
    [{ devices: 0 }, /devices/],
    [{ devices: 2.5 }, /devices/],
    [{ seed: 1.5 }, /seed/],
    [{ fromMs: Number.NaN }, /fromMs/],
    [{ toMs: Date.UTC(2025, 2, 1) }, /toMs/],
    [{ cadenceMs: 5 }, /cadenceMs/],
    [{ cadenceMs: 1500.5 }, /cadenceMs/],
    [{ profile: 'random' as 'degrading' }, /profile/],
  ])('rejects %j naming the option', (override, message) => {
    expect(() => validateSimulationOptions(makeOptions(override))).toThrow(InvalidArgumentError);
    expect(() => validateSimulationOptions(makeOptions(override))).toThrow(message);
  });

  it('refuses history without an end', () => {
    expect(() => simulateHistory(makeOptions({ toMs: Number.POSITIVE_INFINITY }))).toThrow(/finite end/);
  });
});
