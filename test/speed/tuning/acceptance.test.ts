import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FROM_MS, type SimulationOptions } from '../../../src/ingest/index.js';
import { type HistorySource, historyFromSimulation } from '../../../src/speed/tuning/historySource.js';
import { type PrecursorSourceReport, reportPrecursors } from '../../../src/speed/tuning/precursorReport.js';
import { type SweepResult, type SweepRow, sweepThreshold } from '../../../src/speed/tuning/sweep.js';
import { DAY_MS } from '../../../src/time/utcTime.js';

/**
 * Acceptance of rule tuning on the degrading plant, 50 devices × 30 days at a 60 s cadence, horizon 24 h,
 * simulated in memory: tune on seed 1, evaluate on seed 2. It prints the figures quoted in the README.
 */
const plant = (seed: number): HistorySource =>
  historyFromSimulation({
    devices: 50,
    seed,
    fromMs: DEFAULT_FROM_MS,
    toMs: DEFAULT_FROM_MS + 30 * DAY_MS,
    cadenceMs: 60_000,
    profile: 'degrading',
  } satisfies SimulationOptions);

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`);
const rate = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
const figures = (label: string, row: SweepRow) =>
  `${label.padEnd(26)} > ${String(row.threshold).padEnd(5)} recall ${pct(row.recall).padStart(6)} ` +
  `(${row.failures_caught}/${row.failures})  ${rate(row.alerts_per_device_day)} alerts/device-day  ` +
  `precision ${pct(row.precision).padStart(6)}  median lead ${row.median_lead_time_h?.toFixed(1) ?? 'n/a'} h`;

const at = (result: SweepResult, threshold: number) => result.rows.find((r) => r.threshold === threshold)!;

describe.each([
  ['vibration', 2, 4, 0.05],
  ['temperature', 26, 34, 0.25],
] as const)(
  'tuning %s on seed 1, evaluated on seed 2 (50 devices × 30 days, H = 24 h)',
  (metric, from, to, step) => {
    const sweep = { metric, from, to, step, horizonMs: DAY_MS };
    let tuned: SweepResult;
    let evaluated: SweepResult;
    let budgeted: SweepResult;
    let budget: number;

    beforeAll(async () => {
      tuned = await sweepThreshold({ ...sweep, source: plant(1) });
      evaluated = await sweepThreshold({ ...sweep, source: plant(2) });
      // A user who wants a quarter fewer alerts than the reference threshold gives today.
      budget = 0.75 * tuned.reference!.alerts_per_device_day!;
      budgeted = await sweepThreshold({ ...sweep, source: plant(1), budget });
      const rec = tuned.recommended!;
      const lean = budgeted.recommended!;
      console.log(
        [
          `${metric} ${from}:${to}:${step}, horizon 24 h, ${tuned.replay.telemetry} readings on seed 1, ${evaluated.replay.telemetry} on seed 2`,
          figures('seed 1 reference', tuned.reference!),
          figures('seed 1 recommended', rec),
          figures('seed 2 reference', evaluated.reference!),
          figures('seed 2 recommended', at(evaluated, rec.threshold)),
          `budget ${budget.toFixed(3)} alerts/device-day (0.75 × reference on seed 1):`,
          `${figures('  seed 1 recommended', lean)}  (95 % bound ${rate(lean.alerts_per_device_day_upper)})`,
          figures('  seed 2 same threshold', at(evaluated, lean.threshold)),
        ].join('\n'),
      );
    });

    it('recommends (default budget) a threshold not worse than the reference on seed 2 in recall and alert rate', () => {
      const recommended = at(evaluated, tuned.recommended!.threshold);
      const reference = evaluated.reference!;
      expect(reference.threshold).toBe(tuned.reference!.threshold);
      expect(recommended.recall!).toBeGreaterThanOrEqual(reference.recall!);
      expect(recommended.alerts_per_device_day!).toBeLessThanOrEqual(reference.alerts_per_device_day!);
    });

    it('with a budget below the reference rate, recommends another threshold that stays within it on seed 2', () => {
      const lean = budgeted.recommended!;
      expect(lean).not.toBeNull();
      expect(lean.threshold).not.toBe(tuned.reference!.threshold);
      expect(lean.alerts_per_device_day_upper!).toBeLessThanOrEqual(budget);
      expect(at(evaluated, lean.threshold).alerts_per_device_day!).toBeLessThanOrEqual(budget);
    });
  },
);

describe('precursor report on seed 1 (50 devices × 30 days, H = 24 h)', () => {
  let report: PrecursorSourceReport;
  beforeAll(async () => {
    report = await reportPrecursors(plant(1), { horizonMs: DAY_MS });
    console.log(
      [`precursors, seed 1: ${report.failures} failures`, ...report.rows.map((r) => `  ${r.sentence}`)].join(
        '\n',
      ),
    );
  });
  const lift = (metric: string) => report.rows.find((r) => r.metric === metric)!.lift!;

  it.each(['temperature', 'vibration', 'energy_usage'])('gives %s a lift above 1.5', (metric) => {
    expect(lift(metric)).toBeGreaterThan(1.5);
  });

  it('gives signal_strength (independent of health) a lift between 0.8 and 1.25', () => {
    expect(lift('signal_strength')).toBeGreaterThanOrEqual(0.8);
    expect(lift('signal_strength')).toBeLessThanOrEqual(1.25);
  });

  it('reads each row as one sentence', () => {
    for (const row of report.rows.slice(1)) {
      expect(row.sentence).toMatch(
        new RegExp(
          `^${row.metric} excursions precede \\d+ % of failures \\(base rate \\d+ %, lift \\d+\\.\\d\\)$`,
        ),
      );
    }
  });
});
