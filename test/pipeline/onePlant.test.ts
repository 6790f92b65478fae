import { describe, expect, it } from 'vitest';
import { SimulationConflictError } from '../../src/errors.js';
import { historySimulation, type SimulationOptions } from '../../src/ingest/index.js';
import {
  plantOf,
  refuseOtherPlant,
  simulationId,
  simulationRunId,
  writeManifest,
} from '../../src/pipeline/simulationRun.js';
import { tempDataDir } from '../support/cli.js';

/** A data directory whose manifests say `simulation` went into the log. */
function dataDirWith(simulation: SimulationOptions) {
  const config = { dataDir: tempDataDir('plants') };
  const now = new Date().toISOString();
  writeManifest(config, {
    simulationId: simulationId(simulation),
    runId: simulationRunId(simulation, 'embedded test'),
    options: simulation,
    logTarget: 'embedded test',
    status: 'complete',
    produced: { telemetry: 1, events: 0 },
    failures: 0,
    startedAt: now,
    updatedAt: now,
  });
  return config;
}

const base = historySimulation({ devices: 10, days: 7, seed: 42 }); // 2025-04-01 … 2025-04-07

describe('one plant per data directory', () => {
  it('refuses another seed, profile, cadence or start on overlapping dates, naming the plant that is there', () => {
    const config = dataDirWith(base);
    for (const other of [
      historySimulation({ devices: 10, days: 7, seed: 7 }),
      historySimulation({ devices: 3, days: 1, seed: 42, profile: 'reference' }),
      historySimulation({ devices: 3, days: 2, seed: 42, cadenceMs: 30_000 }),
      historySimulation({ devices: 3, days: 2, seed: 42, fromMs: Date.UTC(2025, 3, 7) }),
    ]) {
      let error: unknown;
      try {
        refuseOtherPlant(config, other);
      } catch (e) {
        error = e;
      }
      expect(error, plantOf(other)).toBeInstanceOf(SimulationConflictError);
      expect((error as SimulationConflictError).exitCode).toBe(2);
      expect((error as Error).message).toMatch(
        /seed 42, from 2025-04-01T00:00:00Z, cadence 60 s, 10 devices, 2025-04-01 … 2025-04-07/,
      );
      expect((error as Error).message).toMatch(/fresh LAMBDA_IOT_DATA_DIR, or --again/);
    }
  });

  it('accepts the same plant with other devices or days, and another plant on other dates', () => {
    const config = dataDirWith(base);
    for (const fine of [
      historySimulation({ devices: 3, days: 2, seed: 42 }),
      historySimulation({ devices: 50, days: 30, seed: 42 }),
      historySimulation({ devices: 10, days: 7, seed: 7, fromMs: Date.UTC(2025, 3, 8) }),
    ])
      expect(() => refuseOtherPlant(config, fine), plantOf(fine)).not.toThrow();
  });

  it('a reference plant is another plant with another device count (one random stream for the whole plant)', () => {
    const reference = historySimulation({ devices: 5, days: 1, seed: 1, profile: 'reference' });
    const config = dataDirWith(reference);
    expect(() => refuseOtherPlant(config, { ...reference, devices: 6 })).toThrow(SimulationConflictError);
    expect(() => refuseOtherPlant(config, { ...reference, cadenceMs: 1000 })).not.toThrow();
  });
});
