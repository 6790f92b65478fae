import { beforeAll, describe, expect, it } from 'vitest';
import { PlantSimulator } from '../../src/ingest/index.js';
import type { MachineEvent, Telemetry } from '../../src/schema/index.js';
import {
  EXCURSION_THRESHOLDS,
  PrecursorCollector,
  type PrecursorReport,
  type PrecursorRow,
} from '../../src/speed/precursors.js';
import { HOUR_MS } from '../../src/time/utcTime.js';
import { DAY, FROM_MS, makeOptions } from './simulationFixtures.js';

/**
 * Acceptance of the 'degrading' profile: 50 devices × 30 days at a 60 s cadence must hold enough failures,
 * and excursions must precede failures clearly more often than they fall in random 24 h windows, while
 * signal_strength (independent of health) must not. It prints the figures quoted in the README.
 */
const DEVICES = 50;
const DAYS = 30;
const HOURS = DAYS * 24;

function isExcursion(t: Telemetry): boolean {
  return (
    t.temperature > EXCURSION_THRESHOLDS.temperature.value ||
    t.vibration > EXCURSION_THRESHOLDS.vibration.value ||
    t.energy_usage > EXCURSION_THRESHOLDS.energy_usage.value ||
    t.signal_strength < EXCURSION_THRESHOLDS.signal_strength.value
  );
}

interface RunFigures {
  report: PrecursorReport;
  readings: number;
  seconds: number;
  healthyReadings: number;
  healthyExcursions: number;
}

function runPlant(seed: number): RunFigures {
  const options = makeOptions({ devices: DEVICES, seed, toMs: FROM_MS + DAYS * DAY });
  const plant = new PlantSimulator(options);
  const collector = new PrecursorCollector({ horizonMs: DAY });
  // Readings and excursions per (device, hour), joined afterwards with the hourly ground-truth health.
  const readingsPerHour = new Uint32Array(DEVICES * HOURS);
  const excursionsPerHour = new Uint32Array(DEVICES * HOURS);
  const cell = (deviceId: string, ms: number) =>
    (Number(deviceId.slice('device_'.length)) - 1) * HOURS + Math.floor((ms - FROM_MS) / HOUR_MS);
  let readings = 0;
  const started = performance.now();
  for (const m of plant.advance(options.toMs)) {
    if (m.topic === 'events') {
      collector.addEvent(m.value as MachineEvent);
      continue;
    }
    const t = m.value as Telemetry;
    readings++;
    collector.addTelemetry(t);
    const k = cell(t.device_id, m.timestamp);
    readingsPerHour[k]!++;
    if (isExcursion(t)) excursionsPerHour[k]!++;
  }
  const seconds = (performance.now() - started) / 1000;
  let healthyReadings = 0;
  let healthyExcursions = 0;
  for (const sample of plant.truth.health) {
    if (sample.health <= 0.9) continue;
    const k = cell(sample.device_id, Date.parse(sample.timestamp));
    healthyReadings += readingsPerHour[k]!;
    healthyExcursions += excursionsPerHour[k]!;
  }
  return { report: collector.report(), readings, seconds, healthyReadings, healthyExcursions };
}

function printFigures(seed: number, figures: RunFigures): void {
  const format = (x: number | null, digits = 3) => (x === null ? 'n/a' : x.toFixed(digits));
  const lines = figures.report.rows.map(
    (r) =>
      `  ${r.metric.padEnd(16)} preceded ${String(r.failuresPreceded).padStart(3)}  share ${format(r.shareOfFailures)}` +
      `  base ${format(r.baseRate)}  lift ${format(r.lift, 2)}`,
  );
  console.log(
    [
      `degrading plant, seed ${seed}: ${DEVICES} devices × ${DAYS} days, ${figures.readings} readings, ` +
        `${figures.report.failures} failures, ${figures.report.windows} random 24 h windows`,
      ...lines,
      `  healthy (h > 0.9): ${figures.healthyExcursions} excursions in ${figures.healthyReadings} readings ` +
        `(1 in ${Math.round(figures.healthyReadings / Math.max(1, figures.healthyExcursions))})`,
      `  simulated + collected at ${Math.round(figures.readings / figures.seconds)} readings/s`,
    ].join('\n'),
  );
}

describe.each([1, 2])('degrading plant acceptance, seed %i (50 devices × 30 days)', (seed) => {
  let figures: RunFigures;
  let rows: Record<string, PrecursorRow>;
  beforeAll(() => {
    figures = runPlant(seed);
    printFigures(seed, figures);
    rows = Object.fromEntries(figures.report.rows.map((r) => [r.metric, r]));
  });

  it('has at least 100 failures', () => {
    expect(figures.readings).toBeGreaterThan(2_000_000);
    expect(figures.report.failures).toBeGreaterThanOrEqual(100);
  });

  it('precedes failures by an excursion at least twice as often as random 24 h windows', () => {
    expect(rows.any!.shareOfFailures!).toBeGreaterThanOrEqual(2 * rows.any!.baseRate!);
  });

  it.each(['temperature', 'vibration', 'energy_usage'])('gives %s a lift above 1.5', (metric) => {
    expect(rows[metric]!.lift!).toBeGreaterThan(1.5);
  });

  it('gives signal_strength (independent of health) a lift near 1', () => {
    expect(rows.signal_strength!.lift!).toBeGreaterThanOrEqual(0.8);
    expect(rows.signal_strength!.lift!).toBeLessThanOrEqual(1.25);
  });

  it('keeps healthy devices (h > 0.9) below 1 excursion in 4,000 readings', () => {
    expect(figures.healthyReadings).toBeGreaterThan(100_000);
    expect(figures.healthyExcursions / figures.healthyReadings).toBeLessThanOrEqual(1 / 4000);
  });
});
