import { InvalidArgumentError } from '../errors.js';
import type { MachineEvent } from '../schema/events.js';
import { METRICS, type Metric, type Telemetry } from '../schema/telemetry.js';
import { Random } from '../util/random.js';

/**
 * The reference thresholds that define an excursion (SEED-FACTS): above them, or for signal_strength
 * below it.
 */
export const EXCURSION_THRESHOLDS: Record<Metric, { op: '>' | '<'; value: number }> = {
  energy_usage: { op: '>', value: 4.5 },
  temperature: { op: '>', value: 28 },
  vibration: { op: '>', value: 3.0 },
  signal_strength: { op: '<', value: 30 },
};

export interface PrecursorRow {
  metric: Metric | 'any';
  /** Failures with at least one excursion of this metric in (t_fail − horizon, t_fail] on the same device. */
  failuresPreceded: number;
  /** failuresPreceded / failures; null when there are no failures. */
  shareOfFailures: number | null;
  /** Share of random (device, end time) windows of the same length holding an excursion; null without windows. */
  baseRate: number | null;
  /** shareOfFailures / baseRate; null when either is null or the base rate is 0 (no finite lift). */
  lift: number | null;
}

export interface PrecursorReport {
  horizonMs: number;
  /** Failure events seen. */
  failures: number;
  /** Random windows drawn for the base rate (0 when no device has telemetry spanning the horizon). */
  windows: number;
  /** 'any' first, then one row per metric in contract order. */
  rows: PrecursorRow[];
}

export interface PrecursorOptions {
  /** Length H of the window before a failure, ms. */
  horizonMs: number;
  /** Seed of the random base-rate windows. Default 1. */
  seed?: number;
  /** Number of random base-rate windows. Default 2000. */
  randomWindows?: number;
}

interface DeviceTrace {
  firstMs: number;
  lastMs: number;
  /** Excursion times per metric, in METRICS order. */
  excursions: number[][];
  /** Whether each list is still in ascending order (input in time order per device keeps them so). */
  sorted: boolean[];
}

const ROW_KEYS: readonly (Metric | 'any')[] = ['any', ...METRICS];

/**
 * Streams telemetry and failure events and answers: how much more often does a failure follow an
 * excursion than a random window does? Memory is per device and per excursion, not per reading.
 * @example
 * const collector = new PrecursorCollector({ horizonMs: 24 * 3_600_000 });
 * for (const m of simulateHistory(options)) m.topic === 'telemetry' ? collector.addTelemetry(m.value) : collector.addEvent(m.value);
 * console.table(collector.report().rows);
 */
export class PrecursorCollector {
  private readonly horizonMs: number;
  private readonly seed: number;
  private readonly randomWindows: number;
  private readonly devices = new Map<string, DeviceTrace>();
  private readonly failures: { deviceId: string; ms: number }[] = [];

  constructor(options: PrecursorOptions) {
    const { horizonMs, seed = 1, randomWindows = 2000 } = options;
    if (!(Number.isFinite(horizonMs) && horizonMs > 0)) {
      throw new InvalidArgumentError(`precursors horizonMs: expected a positive number, got ${horizonMs}`);
    }
    if (!Number.isSafeInteger(seed))
      throw new InvalidArgumentError(`precursors seed: expected an integer, got ${seed}`);
    if (!Number.isInteger(randomWindows) || randomWindows < 0) {
      throw new InvalidArgumentError(
        `precursors randomWindows: expected an integer ≥ 0, got ${randomWindows}`,
      );
    }
    this.horizonMs = horizonMs;
    this.seed = seed;
    this.randomWindows = randomWindows;
  }

  /**
   * Notes the reading's time span and any excursions.
   * @example collector.addTelemetry({ device_id: 'device_1', timestamp: '2025-04-01T00:00:00Z', energy_usage: 1, temperature: 29, vibration: 0.5, signal_strength: 90 });
   */
  addTelemetry(reading: Telemetry): void {
    const ms = Date.parse(reading.timestamp);
    let trace = this.devices.get(reading.device_id);
    if (trace === undefined) {
      trace = { firstMs: ms, lastMs: ms, excursions: METRICS.map(() => []), sorted: METRICS.map(() => true) };
      this.devices.set(reading.device_id, trace);
    } else {
      if (ms < trace.firstMs) trace.firstMs = ms;
      if (ms > trace.lastMs) trace.lastMs = ms;
    }
    for (let m = 0; m < METRICS.length; m++) {
      const metric = METRICS[m]!;
      const threshold = EXCURSION_THRESHOLDS[metric];
      const value = reading[metric];
      if (threshold.op === '>' ? value > threshold.value : value < threshold.value) {
        const list = trace.excursions[m]!;
        if (list.length > 0 && list[list.length - 1]! > ms) trace.sorted[m] = false;
        list.push(ms);
      }
    }
  }

  /**
   * Notes failure events (other event types are ignored).
   * @example collector.addEvent(failureEvent);
   */
  addEvent(event: MachineEvent): void {
    if (event.event_type !== 'failure') return;
    this.failures.push({ deviceId: event.device_id, ms: Date.parse(event.event_timestamp) });
  }

  /**
   * Shares of failures preceded by excursions, base rates of random windows, and their ratio (lift).
   * Deterministic for the same input and seed.
   * @example const any = collector.report().rows[0]; console.log(any.shareOfFailures, any.baseRate, any.lift);
   */
  report(): PrecursorReport {
    for (const trace of this.devices.values()) this.sortExcursions(trace);
    const preceded = new Array<number>(ROW_KEYS.length).fill(0);
    for (const failure of this.failures) {
      this.countWindow(this.devices.get(failure.deviceId), failure.ms, preceded);
    }
    const { windows, hits } = this.sampleBaseRate();
    const failures = this.failures.length;
    const rows = ROW_KEYS.map((metric, i): PrecursorRow => {
      const shareOfFailures = failures > 0 ? preceded[i]! / failures : null;
      const baseRate = windows > 0 ? hits[i]! / windows : null;
      const lift =
        shareOfFailures !== null && baseRate !== null && baseRate > 0 ? shareOfFailures / baseRate : null;
      return { metric, failuresPreceded: preceded[i]!, shareOfFailures, baseRate, lift };
    });
    return { horizonMs: this.horizonMs, failures, windows, rows };
  }

  private sortExcursions(trace: DeviceTrace): void {
    for (let m = 0; m < METRICS.length; m++) {
      if (trace.sorted[m]) continue;
      trace.excursions[m]!.sort((a, b) => a - b);
      trace.sorted[m] = true;
    }
  }

  /** Adds 1 to counts[0] ('any') and counts[1 + m] for each metric with an excursion in (endMs − H, endMs]. */
  private countWindow(trace: DeviceTrace | undefined, endMs: number, counts: number[]): void {
    if (trace === undefined) return;
    let any = false;
    for (let m = 0; m < METRICS.length; m++) {
      if (hasTimeIn(trace.excursions[m]!, endMs - this.horizonMs, endMs)) {
        counts[1 + m]!++;
        any = true;
      }
    }
    if (any) counts[0]!++;
  }

  /** Draws windows: a uniform device among those spanning H, then an end uniform in [first + H, last]. */
  private sampleBaseRate(): { windows: number; hits: number[] } {
    const hits = new Array<number>(ROW_KEYS.length).fill(0);
    const eligible = [...this.devices.keys()]
      .sort()
      .map((id) => this.devices.get(id)!)
      .filter((trace) => trace.lastMs - trace.firstMs >= this.horizonMs);
    if (eligible.length === 0) return { windows: 0, hits };
    const rng = new Random(this.seed, 0x70726563); // "prec": a stream apart from the simulator's devices
    for (let i = 0; i < this.randomWindows; i++) {
      const trace = rng.pickOne(eligible);
      const endMs = rng.drawUniform(trace.firstMs + this.horizonMs, trace.lastMs);
      this.countWindow(trace, endMs, hits);
    }
    return { windows: this.randomWindows, hits };
  }
}

/** Whether the ascending list holds a time t with fromMs < t ≤ toMs (binary search). */
function hasTimeIn(sortedMs: number[], fromMs: number, toMs: number): boolean {
  let low = 0;
  let high = sortedMs.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sortedMs[mid]! <= fromMs) low = mid + 1;
    else high = mid;
  }
  return low < sortedMs.length && sortedMs[low]! <= toMs;
}
