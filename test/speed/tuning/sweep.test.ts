import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors.js';
import { simulateHistory } from '../../../src/ingest/index.js';
import type { MachineEvent, Metric, Telemetry } from '../../../src/schema/index.js';
import { parseRuleSet, type RuleSet, referenceRules } from '../../../src/speed/ruleSet.js';
import { type HistorySource, historyFromArrays } from '../../../src/speed/tuning/historySource.js';
import { type BacktestScore, backtestRules } from '../../../src/speed/tuning/score.js';
import {
  findTunableRule,
  isWithinBudget,
  recommendRow,
  sweepThreshold,
  withThreshold,
} from '../../../src/speed/tuning/sweep.js';
import { DAY, T0 } from './fixtures.js';

const SCORE_FIELDS = [
  'alerts',
  'true_alerts',
  'failures',
  'failures_caught',
  'device_days',
  'precision',
  'recall',
  'median_lead_time_h',
  'alerts_per_device_day',
  'alerts_per_device_day_upper',
] as const;

const pick = (s: BacktestScore) => Object.fromEntries(SCORE_FIELDS.map((f) => [f, s[f]]));

/** 12 devices × 6 days of the degrading plant, in memory. */
let source: HistorySource;
beforeAll(() => {
  const telemetry: Telemetry[] = [];
  const events: MachineEvent[] = [];
  const options = {
    devices: 12,
    seed: 4,
    fromMs: T0,
    toMs: T0 + 6 * DAY,
    cadenceMs: 60_000,
    profile: 'degrading' as const,
  };
  for (const m of simulateHistory(options)) {
    if (m.topic === 'telemetry') telemetry.push(m.value as Telemetry);
    else events.push(m.value as MachineEvent);
  }
  source = historyFromArrays({ telemetry, events });
});

/** Every candidate backtested on its own through a RuleEngine: the slow, obviously right answer. */
async function backtestEach(rules: RuleSet, metric: Metric, thresholds: number[]) {
  const type = findTunableRule(rules, metric).rule.anomaly_type;
  const out = [];
  for (const t of thresholds) {
    out.push(
      pick((await backtestRules(source, withThreshold(rules, metric, t), { horizonMs: DAY })).byType[type]!),
    );
  }
  return out;
}

describe('sweepThreshold equals a RuleEngine backtest of every candidate', () => {
  it.each([
    ['vibration', 2, 4, 0.25],
    ['temperature', 26, 32, 0.5],
    ['energy_usage', 3.5, 6, 0.5],
    ['signal_strength', 10, 50, 10],
  ] as const)('%s %d..%d by %d (one pass, direct comparison)', async (metric, from, to, step) => {
    const result = await sweepThreshold({ source, metric, from, to, step, horizonMs: DAY });
    const thresholds = result.rows.map((r) => r.threshold);
    expect(result.rows.map(pick)).toEqual(await backtestEach(referenceRules(), metric, thresholds));
    expect(result.rows.some((r) => r.alerts > 0)).toBe(true);
    expect(result.rows[0]!.failures).toBeGreaterThan(0);
    expect(result.direction).toBe(metric === 'signal_strength' ? 'below' : 'above');
  });

  it('also for a sustained rule (one engine per candidate in the same pass)', async () => {
    const rules = parseRuleSet({
      ...referenceRules(),
      rules: [
        {
          kind: 'sustained',
          metric: 'vibration',
          direction: 'above',
          threshold: 2.5,
          readings: 3,
          anomaly_type: 'vibration_run',
          severity: 'high',
        },
      ],
    });
    const result = await sweepThreshold({
      source,
      metric: 'vibration',
      from: 2,
      to: 3.5,
      step: 0.5,
      horizonMs: DAY,
      baseRules: rules,
    });
    expect(result.rows.map(pick)).toEqual(await backtestEach(rules, 'vibration', [2, 2.5, 3, 3.5]));
    expect(result.reference?.threshold).toBe(2.5);
    expect(result.rows[0]!.alerts).toBeGreaterThan(0);
  });
});

describe('sweepThreshold recommendation', () => {
  it('flags the reference row, and by default allows no more alerts than it', async () => {
    const result = await sweepThreshold({
      source,
      metric: 'vibration',
      from: 2,
      to: 4,
      step: 0.5,
      horizonMs: DAY,
    });
    expect(result.rows.map((r) => r.threshold)).toEqual([2, 2.5, 3, 3.5, 4]);
    expect(result.rows.filter((r) => r.reference).map((r) => r.threshold)).toEqual([3]);
    expect(result.rows.filter((r) => r.recommended)).toHaveLength(1);
    expect(result.budget_source).toBe('reference');
    expect(result.budget).toBe(result.reference!.alerts_per_device_day);
    for (const row of result.rows) expect(row.within_budget).toBe(row.alerts <= result.reference!.alerts);
    expect(result.recommended!.alerts).toBeLessThanOrEqual(result.reference!.alerts);
    expect(result.recommended!.recall!).toBeGreaterThanOrEqual(result.reference!.recall!);
  });

  it('has no budget when the reference threshold is outside the range', async () => {
    const result = await sweepThreshold({
      source,
      metric: 'vibration',
      from: 3.25,
      to: 4,
      step: 0.25,
      horizonMs: DAY,
    });
    expect(result.reference).toBeNull();
    expect(result.budget_source).toBe('none');
    expect(result.budget).toBeNull();
    expect(result.rows.every((r) => r.within_budget)).toBe(true);
  });

  it('holds an explicit budget with the 95 % upper bound, or recommends nothing', async () => {
    const result = await sweepThreshold({
      source,
      metric: 'temperature',
      from: 26,
      to: 34,
      step: 1,
      horizonMs: DAY,
      budget: 0.05,
    });
    expect(result.budget_source).toBe('option');
    for (const row of result.rows)
      expect(row.within_budget).toBe((row.alerts_per_device_day_upper ?? 0) <= 0.05);
    const none = await sweepThreshold({
      source,
      metric: 'temperature',
      from: 26,
      to: 27,
      step: 1,
      horizonMs: DAY,
      budget: 0,
    });
    expect(none.recommended).toBeNull();
    expect(none.rows.every((r) => !r.recommended)).toBe(true);
  });

  it('rejects a metric without a tunable rule and a bad horizon or budget', async () => {
    const spikeOnly = parseRuleSet({
      ...referenceRules(),
      rules: [
        { kind: 'spike', metric: 'temperature', max_delta: 3, anomaly_type: 'temp_jump', severity: 'medium' },
      ],
    });
    const base = { source, metric: 'temperature' as const, from: 26, to: 30, step: 1, horizonMs: DAY };
    await expect(sweepThreshold({ ...base, baseRules: spikeOnly })).rejects.toThrow(
      /no threshold or sustained rule for metric temperature/,
    );
    await expect(sweepThreshold({ ...base, horizonMs: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(sweepThreshold({ ...base, budget: -1 })).rejects.toThrow(/budget/);
  });
});

describe('recommendRow', () => {
  const row = (
    alerts: number,
    recall: number | null,
    precision: number | null,
    upper = alerts / 100,
  ): BacktestScore => ({
    alerts,
    true_alerts: 0,
    failures: 10,
    failures_caught: 0,
    device_days: 100,
    precision,
    recall,
    median_lead_time_h: null,
    alerts_per_device_day: alerts / 100,
    alerts_per_device_day_upper: upper,
  });

  it('takes the best recall within budget; ties → higher precision, then fewer alerts', () => {
    const rows = [
      row(50, 0.9, 0.1),
      row(30, 0.6, 0.2),
      row(20, 0.6, 0.3),
      row(15, 0.6, 0.3),
      row(5, 0.2, 0.5),
    ];
    expect(recommendRow(rows, { kind: 'none' })).toBe(0);
    expect(recommendRow(rows, { kind: 'reference', alerts: 30 })).toBe(3);
    expect(recommendRow(rows, { kind: 'rate', perDeviceDay: 0.1 })).toBe(4);
    expect(recommendRow(rows, { kind: 'rate', perDeviceDay: 0.01 })).toBeNull();
  });

  it('judges an explicit budget on the upper bound, the reference budget on alert counts', () => {
    const r = row(10, 0.5, 0.5, 0.14);
    expect(isWithinBudget(r, { kind: 'rate', perDeviceDay: 0.12 })).toBe(false);
    expect(isWithinBudget(r, { kind: 'rate', perDeviceDay: 0.14 })).toBe(true);
    expect(isWithinBudget(r, { kind: 'reference', alerts: 10 })).toBe(true);
    expect(isWithinBudget(r, { kind: 'reference', alerts: 9 })).toBe(false);
  });
});

describe('withThreshold', () => {
  it('replaces only the tuned rule threshold', () => {
    const tuned = withThreshold(referenceRules(), 'signal_strength', 25);
    expect(findTunableRule(tuned, 'signal_strength').rule).toMatchObject({
      threshold: 25,
      direction: 'below',
    });
    expect(tuned.rules.filter((r) => r.metric !== 'signal_strength')).toEqual(
      referenceRules().rules.filter((r) => r.metric !== 'signal_strength'),
    );
    expect(findTunableRule(referenceRules(), 'signal_strength').rule.threshold).toBe(30);
  });
});
