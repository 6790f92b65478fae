import { InvalidArgumentError } from '../../errors.js';
import type { Metric, Telemetry } from '../../schema/telemetry.js';
import { RuleEngine } from '../ruleEngine.js';
import { type RuleSet, referenceRules, type SustainedRule, type ThresholdRule } from '../ruleSet.js';
import { EPISODE_GAP_MS, EpisodeTracker } from './episodes.js';
import { forEachHistoryItem, type HistorySource, type ReplayStats } from './historySource.js';
import { type BacktestScore, checkHorizon, type DeviceTime, PlantTally, scoreAlerts } from './score.js';
import { listThresholds } from './thresholdRange.js';

/** A rule whose threshold a sweep can move. */
export type TunableRule = ThresholdRule | SustainedRule;

export interface SweepOptions {
  /** History to replay (read once). */
  source: HistorySource;
  metric: Metric;
  /** Lowest threshold of the sweep. */
  from: number;
  /** Highest threshold of the sweep (included when on the grid). */
  to: number;
  /** Distance between thresholds. */
  step: number;
  /** Horizon H within which an alert must precede a failure, ms. */
  horizonMs: number;
  /** The rule set whose rule for `metric` is tuned, and whose threshold is the "reference" row. Default referenceRules(). */
  baseRules?: RuleSet;
  /**
   * Alert budget in alerts per device-day, met when the rate's 95 % upper bound is within it. Default: no
   * more alerts than the reference threshold on the same history, or no limit when it is not in the range.
   */
  budget?: number;
  /** Quiet time that ends an episode, ms. Default 1 h. */
  gapMs?: number;
}

/** One threshold of a sweep: its score and whether it is the recommendation or the reference. */
export interface SweepRow extends BacktestScore {
  threshold: number;
  /** Whether the row meets the alert budget. */
  within_budget: boolean;
  recommended: boolean;
  /** The threshold the base rule set uses now. */
  reference: boolean;
}

/**
 * Which rows may be recommended. 'reference': no more alerts than the reference threshold on the same
 * history (a paired comparison, so no margin is needed); 'rate': the rate's 95 % upper bound ≤ the budget
 * (an absolute number must hold beyond the sample the backtest saw); 'none': every row.
 */
export type AlertBudget =
  | { kind: 'none' }
  | { kind: 'reference'; alerts: number }
  | { kind: 'rate'; perDeviceDay: number };

/**
 * Whether a scored row meets the budget.
 * @example isWithinBudget(row, { kind: 'rate', perDeviceDay: 0.1 });
 */
export function isWithinBudget(row: BacktestScore, budget: AlertBudget): boolean {
  switch (budget.kind) {
    case 'none':
      return true;
    case 'reference':
      return row.alerts <= budget.alerts;
    case 'rate':
      return (row.alerts_per_device_day_upper ?? 0) <= budget.perDeviceDay;
  }
}

export interface SweepResult {
  metric: Metric;
  direction: 'above' | 'below';
  anomaly_type: string;
  horizon_ms: number;
  /** The base rule set's current threshold for the metric. */
  reference_threshold: number;
  /** Alerts per device-day allowed (for 'reference': the reference's rate); null = no limit. */
  budget: number | null;
  /** Where the budget came from: --budget (upper bound ≤ budget), the reference row (alerts ≤ its alerts), or none. */
  budget_source: 'option' | 'reference' | 'none';
  /** One row per threshold, ascending. */
  rows: SweepRow[];
  /** The recommended row; null when no threshold stays within the budget. */
  recommended: SweepRow | null;
  /** The reference threshold's row; null when it is not in the range. */
  reference: SweepRow | null;
  source: string;
  replay: ReplayStats;
}

/**
 * The rule a sweep tunes for a metric: its threshold rule, else its sustained rule.
 * @example findTunableRule(referenceRules(), 'vibration').rule.threshold; // 3
 */
export function findTunableRule(rules: RuleSet, metric: Metric): { index: number; rule: TunableRule } {
  for (const kind of ['threshold', 'sustained'] as const) {
    const index = rules.rules.findIndex((r) => r.metric === metric && r.kind === kind);
    if (index >= 0) return { index, rule: rules.rules[index] as TunableRule };
  }
  throw new InvalidArgumentError(`rules ${rules.name}: no threshold or sustained rule for metric ${metric}`);
}

/**
 * The rule set with the tuned rule's threshold replaced (everything else unchanged).
 * @example saveRuleSet('tuned.json', withThreshold(referenceRules(), 'vibration', 3.5));
 */
export function withThreshold(rules: RuleSet, metric: Metric, threshold: number): RuleSet {
  const { index, rule } = findTunableRule(rules, metric);
  const copy = structuredClone(rules);
  copy.rules[index] = { ...rule, threshold };
  return copy;
}

const sameThreshold = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

/** Collects each candidate's alerts from readings. */
type CandidateScanner = (reading: Telemetry, ms: number) => void;

/**
 * Threshold rules need no engine: a reading is an anomaly of every candidate it lies beyond, and an alert
 * when that candidate's previous anomaly on the device is at least gapMs older (the EpisodeTracker rule).
 */
function scanThresholds(
  rule: TunableRule,
  thresholds: number[],
  gapMs: number,
  alerts: DeviceTime[][],
): CandidateScanner {
  const n = thresholds.length;
  const above = rule.direction === 'above';
  const loosest = above ? thresholds[0]! : thresholds[n - 1]!;
  const lastByDevice = new Map<string, Float64Array>();
  const hit = (deviceId: string, last: Float64Array, i: number, ms: number) => {
    if (ms - last[i]! >= gapMs) alerts[i]!.push({ deviceId, ms });
    if (ms > last[i]!) last[i] = ms;
  };
  return (reading, ms) => {
    const value = reading[rule.metric];
    if (above ? !(value > loosest) : !(value < loosest)) return;
    const deviceId = reading.device_id;
    let last = lastByDevice.get(deviceId);
    if (last === undefined) {
      last = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
      lastByDevice.set(deviceId, last);
    }
    // Thresholds ascend: 'above' holds for a prefix of them, 'below' for a suffix.
    if (above) for (let i = 0; i < n && value > thresholds[i]!; i++) hit(deviceId, last, i, ms);
    else for (let i = n - 1; i >= 0 && value < thresholds[i]!; i--) hit(deviceId, last, i, ms);
  };
}

/** Other tunable rules (sustained) keep state: one single-rule RuleEngine per candidate. */
function scanWithEngines(
  rule: TunableRule,
  thresholds: number[],
  gapMs: number,
  alerts: DeviceTime[][],
): CandidateScanner {
  const candidates = thresholds.map((threshold) => ({
    engine: new RuleEngine({
      name: 'sweep',
      version: '1',
      rules: [{ ...rule, threshold }],
      auto_confirm: null,
    }),
    episodes: new EpisodeTracker(gapMs),
  }));
  return (reading, ms) => {
    for (const [i, { engine, episodes }] of candidates.entries()) {
      if (engine.evaluate(reading).length > 0 && episodes.observe(reading.device_id, ms)) {
        alerts[i]!.push({ deviceId: reading.device_id, ms });
      }
    }
  };
}

const orNegative = (x: number | null) => x ?? -1;

/**
 * The index of the recommended row: among rows within the budget, the best recall; ties → higher
 * precision, then fewer alerts (then the first). Null when no row fits.
 * @example recommendRow(rows, { kind: 'rate', perDeviceDay: 0.1 });
 */
export function recommendRow(rows: readonly BacktestScore[], budget: AlertBudget): number | null {
  let best: number | null = null;
  for (const [i, row] of rows.entries()) {
    if (!isWithinBudget(row, budget)) continue;
    if (best === null) {
      best = i;
      continue;
    }
    const b = rows[best]!;
    const order =
      orNegative(row.recall) - orNegative(b.recall) ||
      orNegative(row.precision) - orNegative(b.precision) ||
      b.alerts - row.alerts;
    if (order > 0) best = i;
  }
  return best;
}

/**
 * Scores every threshold of a range for one metric's rule in a single pass over the source, and recommends
 * one (see recommendRow). Only that rule's alerts are scored; results equal a RuleEngine backtest of each
 * candidate rule set.
 * @example const result = await sweepThreshold({ source, metric: 'vibration', from: 2, to: 4, step: 0.25, horizonMs: DAY_MS });
 */
export async function sweepThreshold(options: SweepOptions): Promise<SweepResult> {
  const { source, metric, horizonMs } = options;
  const gapMs = options.gapMs ?? EPISODE_GAP_MS;
  checkHorizon(horizonMs);
  if (options.budget !== undefined && !(options.budget >= 0)) {
    throw new InvalidArgumentError(`sweep budget: expected alerts per device-day ≥ 0, got ${options.budget}`);
  }
  const { rule } = findTunableRule(options.baseRules ?? referenceRules(), metric);
  const thresholds = listThresholds({ lo: options.from, hi: options.to, step: options.step });
  const alerts = thresholds.map((): DeviceTime[] => []);
  const scan =
    rule.kind === 'threshold'
      ? scanThresholds(rule, thresholds, gapMs, alerts)
      : scanWithEngines(rule, thresholds, gapMs, alerts);
  const tally = new PlantTally();
  await forEachHistoryItem(source, (item) => {
    tally.observe(item);
    if (item.topic === 'telemetry') scan(item.value, item.ms);
  });

  const scoreOptions = { horizonMs, deviceDays: tally.deviceDays };
  const referenceIndex = thresholds.findIndex((t) => sameThreshold(t, rule.threshold));
  const scores = thresholds.map((_, i) => scoreAlerts(alerts[i]!, tally.failures, scoreOptions));
  const reference = referenceIndex >= 0 ? scores[referenceIndex]! : null;
  const budget: AlertBudget =
    options.budget !== undefined
      ? { kind: 'rate', perDeviceDay: options.budget }
      : reference !== null
        ? { kind: 'reference', alerts: reference.alerts }
        : { kind: 'none' };
  const recommendedIndex = recommendRow(scores, budget);
  const rows = thresholds.map((threshold, i): SweepRow => {
    const s = scores[i]!;
    return {
      threshold,
      alerts: s.alerts,
      alerts_per_device_day: s.alerts_per_device_day,
      precision: s.precision,
      recall: s.recall,
      median_lead_time_h: s.median_lead_time_h,
      failures: s.failures,
      failures_caught: s.failures_caught,
      true_alerts: s.true_alerts,
      device_days: s.device_days,
      alerts_per_device_day_upper: s.alerts_per_device_day_upper,
      within_budget: isWithinBudget(s, budget),
      recommended: i === recommendedIndex,
      reference: i === referenceIndex,
    };
  });
  return {
    metric,
    direction: rule.direction,
    anomaly_type: rule.anomaly_type,
    horizon_ms: horizonMs,
    reference_threshold: rule.threshold,
    budget:
      budget.kind === 'rate'
        ? budget.perDeviceDay
        : budget.kind === 'reference'
          ? reference!.alerts_per_device_day
          : null,
    budget_source: budget.kind === 'rate' ? 'option' : budget.kind,
    rows,
    recommended: recommendedIndex === null ? null : rows[recommendedIndex]!,
    reference: referenceIndex >= 0 ? rows[referenceIndex]! : null,
    source: source.label,
    replay: { ...source.stats },
  };
}
