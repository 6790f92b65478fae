import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type SimulationOptions, simulateHistory } from '../../src/ingest/index.js';
import { DAY, FROM_MS, makeOptions } from './simulationFixtures.js';

/**
 * Golden samples under test/ingest/fixtures/sample/: one JSON message value per line. Regenerate them deliberately with
 *   UPDATE_GOLDEN=1 npx vitest run test/ingest/goldenSample.test.ts
 * and review the diff: any change means every seeded run of the kit changed.
 */
const SAMPLE_DIR = join(__dirname, 'fixtures', 'sample');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function renderNdjson(options: SimulationOptions, topic: 'telemetry' | 'events'): string {
  let text = '';
  for (const m of simulateHistory(options)) if (m.topic === topic) text += `${JSON.stringify(m.value)}\n`;
  return text;
}

const SIX_HOURS = makeOptions({ devices: 3, seed: 1, toMs: FROM_MS + 6 * 3_600_000 });
const THIRTY_DAYS = makeOptions({ devices: 3, seed: 1, toMs: FROM_MS + 30 * DAY });

const SAMPLES: [file: string, render: () => string][] = [
  ['telemetry-seed1.ndjson', () => renderNdjson(SIX_HOURS, 'telemetry')],
  ['events-seed1.ndjson', () => renderNdjson(SIX_HOURS, 'events')],
  // The six-hour window holds no event; this one pins the event generator too.
  ['events-seed1-30d.ndjson', () => renderNdjson(THIRTY_DAYS, 'events')],
];

describe('golden samples (degrading profile, 3 devices, seed 1, from 2025-04-01T00:00:00Z, 60 s cadence)', () => {
  it.each(SAMPLES)('regenerates test/ingest/fixtures/sample/%s byte for byte', (file, render) => {
    const path = join(SAMPLE_DIR, file);
    const rendered = render();
    if (UPDATE) {
      mkdirSync(SAMPLE_DIR, { recursive: true });
      writeFileSync(path, rendered);
    }
    expect(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
    expect(rendered === readFileSync(path, 'utf8'), `${file} differs from the simulator's output`).toBe(true);
  });

  it('holds 3 devices × 360 readings in the six-hour telemetry sample', () => {
    const lines = readFileSync(join(SAMPLE_DIR, 'telemetry-seed1.ndjson'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1080);
    expect(JSON.parse(lines[0]!)).toMatchObject({ device_id: 'device_1', timestamp: '2025-04-01T00:00:00Z' });
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({
      device_id: 'device_3',
      timestamp: '2025-04-01T05:59:00Z',
    });
  });
});
