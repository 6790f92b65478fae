import { InvalidArgumentError } from '../../errors.js';
import { DAY_MS, HOUR_MS } from '../../time/utcTime.js';
import { RuleEngine } from '../ruleEngine.js';
import type { RuleSet } from '../ruleSet.js';
import { EPISODE_GAP_MS, EpisodeTracker } from './episodes.js';
import {
  forEachHistoryItem,
  type HistoryItem,
  type HistorySource,
  type ReplayStats,
} from './historySource.js';

/** A moment on one device: an alert or a failure. */
export interface DeviceTime {
  deviceId: string;
  /** Event time, epoch ms. */
  ms: number;
}

/** How well a set of alerts foretold the failures within a horizon H. */
export interface BacktestScore {
  /** Alerts (episodes). */
  alerts: number;
  /** Alerts followed by a failure of their device within (t, t + H]. */
  true_alerts: number;
  failures: number;
  /** Failures preceded by an alert of their device within [t_fail − H, t_fail). */
  failures_caught: number;
  /** Distinct (device, UTC date) pairs with at least one reading. */
  device_days: number;
  /** true_alerts / alerts; null without alerts. */
  precision: number | null;
  /** failures_caught / failures; null without failures. */
  recall: number | null;
  /** Median over caught failures of t_fail − the earliest alert in [t_fail − H, t_fail), hours; null if none. */
  median_lead_time_h: number | null;
  /** alerts / device_days; null without device-days. */
  alerts_per_device_day: number | null;
  /**
   * One-sided 95 % upper confidence bound of the long-run alert rate: devices as independent clusters
   * (alerts crowd on worn devices), and never below the Poisson bound of the count; null without device-days.
   */
  alerts_per_device_day_upper: number | null;
}

export interface ScoreOptions {
  /** Horizon H, ms. */
  horizonMs: number;
  /** Device-days with telemetry per device (their sum is the alert-rate denominator). */
  deviceDays: ReadonlyMap<string, number>;
}

/** z of a one-sided 95 % bound. */
const Z_95 = 1.645;

/**
 * One-sided 95 % upper limit of a Poisson mean after observing `count` events (Wilson–Hilferty; 3.0 for 0
 * events, the "rule of three"): what a small count cannot rule out.
 */
function boundPoissonCount(count: number): number {
  const k = count + 1;
  return k * (1 - 1 / (9 * k) + Z_95 / (3 * Math.sqrt(k))) ** 3;
}

/**
 * The alert rate's one-sided 95 % upper bound: the larger of the cluster-robust bound (ratio estimator
 * R = Σa / Σn over devices, standard error √(Σ(a_d − R·n_d)² / (D(D − 1))) / n̄, since alerts crowd on
 * worn devices) and the Poisson bound of the total count (which still holds for few or no alerts).
 */
function boundAlertRate(
  alerts: readonly DeviceTime[],
  deviceDays: ReadonlyMap<string, number>,
): number | null {
  let total = 0;
  for (const n of deviceDays.values()) total += n;
  if (total === 0) return null;
  const poisson = boundPoissonCount(alerts.length) / total;
  const d = deviceDays.size;
  if (d < 2) return poisson;
  const rate = alerts.length / total;
  const perDevice = new Map<string, number>();
  for (const { deviceId } of alerts) perDevice.set(deviceId, (perDevice.get(deviceId) ?? 0) + 1);
  let sum = 0;
  for (const [deviceId, n] of deviceDays) sum += ((perDevice.get(deviceId) ?? 0) - rate * n) ** 2;
  const se = Math.sqrt(sum / (d * (d - 1))) / (total / d);
  return Math.max(poisson, rate + Z_95 * se);
}

/** Times per device, ascending. */
function groupByDevice(times: readonly DeviceTime[]): Map<string, number[]> {
  const byDevice = new Map<string, number[]>();
  for (const { deviceId, ms } of times) {
    const list = byDevice.get(deviceId);
    if (list) list.push(ms);
    else byDevice.set(deviceId, [ms]);
  }
  for (const list of byDevice.values()) list.sort((a, b) => a - b);
  return byDevice;
}

/** Index of the first element of the ascending list that is > ms (strict) or ≥ ms. */
function search(sorted: readonly number[], ms: number, strict: boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const v = sorted[mid]!;
    if (strict ? v <= ms : v < ms) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Throws unless the horizon is a positive number of ms. */
export function checkHorizon(horizonMs: number): void {
  if (!(Number.isFinite(horizonMs) && horizonMs > 0)) {
    throw new InvalidArgumentError(`backtest horizonMs: expected a positive number, got ${horizonMs}`);
  }
}

/** The median of a non-empty list (mean of the two middle values for an even count). */
export function computeMedian(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >>> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Scores alerts against failures: precision, recall, median lead time and alert rate (see BacktestScore).
 * An alert at the very instant of a failure neither foretells it nor counts as a true alert.
 * @example scoreAlerts([{ deviceId: 'device_1', ms: t - 3_600_000 }], [{ deviceId: 'device_1', ms: t }], { horizonMs: 86_400_000, deviceDays: new Map([['device_1', 10]]) });
 */
export function scoreAlerts(
  alerts: readonly DeviceTime[],
  failures: readonly DeviceTime[],
  options: ScoreOptions,
): BacktestScore {
  const { horizonMs } = options;
  checkHorizon(horizonMs);
  let deviceDays = 0;
  for (const n of options.deviceDays.values()) deviceDays += n;
  const failuresByDevice = groupByDevice(failures);
  const alertsByDevice = groupByDevice(alerts);
  let trueAlerts = 0;
  for (const { deviceId, ms } of alerts) {
    const times = failuresByDevice.get(deviceId);
    if (!times) continue;
    const next = times[search(times, ms, true)];
    if (next !== undefined && next <= ms + horizonMs) trueAlerts++;
  }
  const leads: number[] = [];
  for (const { deviceId, ms } of failures) {
    const times = alertsByDevice.get(deviceId);
    if (!times) continue;
    const earliest = times[search(times, ms - horizonMs, false)];
    if (earliest !== undefined && earliest < ms) leads.push(ms - earliest);
  }
  return {
    alerts: alerts.length,
    true_alerts: trueAlerts,
    failures: failures.length,
    failures_caught: leads.length,
    device_days: deviceDays,
    precision: alerts.length > 0 ? trueAlerts / alerts.length : null,
    recall: failures.length > 0 ? leads.length / failures.length : null,
    median_lead_time_h: leads.length > 0 ? computeMedian(leads) / HOUR_MS : null,
    alerts_per_device_day: deviceDays > 0 ? alerts.length / deviceDays : null,
    alerts_per_device_day_upper: boundAlertRate(alerts, options.deviceDays),
  };
}

/**
 * What every backtest needs besides the alerts: the failures and the device-days with telemetry.
 * @example const tally = new PlantTally(); tally.observe(item); tally.deviceDays;
 */
export class PlantTally {
  readonly failures: DeviceTime[] = [];
  private readonly days = new Map<string, { last: number; days: Set<number> }>();

  /** Notes a replayed item. */
  observe(item: HistoryItem): void {
    if (item.topic === 'events') {
      if (item.value.event_type === 'failure')
        this.failures.push({ deviceId: item.value.device_id, ms: item.ms });
      return;
    }
    const day = Math.floor(item.ms / DAY_MS);
    const device = this.days.get(item.value.device_id);
    if (device === undefined) this.days.set(item.value.device_id, { last: day, days: new Set([day]) });
    else if (device.last !== day) {
      device.last = day;
      device.days.add(day);
    }
  }

  /** Distinct UTC dates with readings so far, per device. */
  get deviceDays(): Map<string, number> {
    return new Map([...this.days].map(([deviceId, device]) => [deviceId, device.days.size]));
  }
}

export interface BacktestOptions {
  /** Horizon H, ms. */
  horizonMs: number;
  /** Quiet time that ends an episode, ms. Default 1 h. */
  gapMs?: number;
}

export interface BacktestResult {
  /** All alerts of the rule set together. */
  score: BacktestScore;
  /** One score per anomaly_type of the rule set (in rule order). */
  byType: Record<string, BacktestScore>;
  /** What the replay saw (the source's counts after the pass). */
  replay: ReplayStats;
}

/**
 * Replays a source through a rule set (a fresh RuleEngine, nothing published) and scores its alerts
 * against the failures of the same source. Alerts are episodes per (device, anomaly_type).
 * @example const { score } = await backtestRules(historyFromSimulation(options), referenceRules(), { horizonMs: DAY_MS });
 */
export async function backtestRules(
  source: HistorySource,
  rules: RuleSet,
  options: BacktestOptions,
): Promise<BacktestResult> {
  checkHorizon(options.horizonMs);
  const engine = new RuleEngine(rules);
  const episodes = new EpisodeTracker(options.gapMs ?? EPISODE_GAP_MS);
  const tally = new PlantTally();
  const alertsByType = new Map<string, DeviceTime[]>(rules.rules.map((r) => [r.anomaly_type, []]));
  await forEachHistoryItem(source, (item) => {
    tally.observe(item);
    if (item.topic !== 'telemetry') return;
    for (const anomaly of engine.evaluate(item.value)) {
      if (episodes.observe(`${anomaly.device_id}\u0000${anomaly.anomaly_type}`, item.ms)) {
        alertsByType.get(anomaly.anomaly_type)!.push({ deviceId: anomaly.device_id, ms: item.ms });
      }
    }
  });
  const scoreOptions = { horizonMs: options.horizonMs, deviceDays: tally.deviceDays };
  const byType: Record<string, BacktestScore> = {};
  for (const [type, alerts] of alertsByType) byType[type] = scoreAlerts(alerts, tally.failures, scoreOptions);
  const all = [...alertsByType.values()].flat();
  return { score: scoreAlerts(all, tally.failures, scoreOptions), byType, replay: { ...source.stats } };
}
