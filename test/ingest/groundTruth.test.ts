import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { PlantSimulator, readGroundTruth, writeGroundTruth } from '../../src/ingest/index.js';
import { tempDir } from '../support/tempDirs.js';
import { DAY, FROM_MS, makeOptions } from './simulationFixtures.js';

const dirs: string[] = [];
function makeDir(): string {
  const dir = tempDir('lambda-iot-truth-');
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function simulateTruth(toMs: number) {
  const plant = new PlantSimulator(makeOptions({ devices: 8, toMs }));
  for (const _ of plant.advance(Math.min(toMs, FROM_MS + 20 * DAY))) {
    // drain
  }
  return plant.truth;
}

describe('ground truth files', () => {
  it('round-trips through write and read, creating the directory', () => {
    const truth = simulateTruth(FROM_MS + 20 * DAY);
    expect(truth.failures.length).toBeGreaterThan(0);
    expect(truth.maintenances.length).toBeGreaterThan(0);
    expect(truth.inspections.length).toBeGreaterThan(0);
    expect(truth.health).toHaveLength(8 * 20 * 24);
    const dir = join(makeDir(), 'nested', 'truth');
    writeGroundTruth(dir, truth);
    expect(readdirSync(dir).sort()).toEqual([
      'failures.ndjson',
      'health.ndjson',
      'inspections.ndjson',
      'maintenances.ndjson',
      'run.json',
    ]);
    expect(readGroundTruth(dir)).toEqual(truth);
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ profile: 'degrading', seed: 1, devices: 8, from: '2025-04-01T00:00:00Z' });
  });

  it('stores an open-ended run with toMs null and reads it back as Infinity', () => {
    const truth = simulateTruth(Number.POSITIVE_INFINITY);
    const dir = makeDir();
    writeGroundTruth(dir, truth);
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).toMs).toBeNull();
    expect(readGroundTruth(dir).run.toMs).toBe(Number.POSITIVE_INFINITY);
    expect(readGroundTruth(dir).run.to).toBeNull();
  });

  it('keeps health samples hourly, in [0, 1], and failures consistent with their mode', () => {
    const truth = simulateTruth(FROM_MS + 20 * DAY);
    for (const sample of truth.health) {
      expect(sample.health).toBeGreaterThanOrEqual(0);
      expect(sample.health).toBeLessThanOrEqual(1);
      expect(sample.timestamp).toMatch(/T\d{2}:00:00Z$/);
    }
    for (const maintenance of truth.maintenances) {
      expect(maintenance.health_after).toBeGreaterThanOrEqual(maintenance.health_before);
    }
    const causes = { bearing: 'bearing', motor: 'motor', electrical: 'battery' };
    for (const failure of truth.failures) {
      if (failure.component !== 'sensor') expect(failure.component).toBe(causes[failure.mode!]);
    }
  });

  it('reports a missing directory as an InvalidArgumentError', () => {
    expect(() => readGroundTruth(join(makeDir(), 'absent'))).toThrow(InvalidArgumentError);
  });
});
