import type {
  FailureTruth,
  GroundTruth,
  HealthSample,
  InspectionTruth,
  MaintenanceTruth,
} from './groundTruth.js';

interface Pending<T> {
  ms: number;
  row: T;
}

/**
 * Collects ground truth as the models produce it (possibly ahead of the messages yielded so far) and
 * releases into `truth` only what happened before a limit, so a live run never shows the future.
 */
export class TruthRecorder {
  private health: Pending<HealthSample>[] = [];
  private failures: Pending<FailureTruth>[] = [];
  private maintenances: Pending<MaintenanceTruth>[] = [];
  private inspections: Pending<InspectionTruth>[] = [];

  constructor(private readonly truth: GroundTruth) {}

  /** Records a device's hidden health at `ms`. */
  recordHealth(ms: number, row: HealthSample): void {
    this.health.push({ ms, row });
  }

  /** Records a failure at `ms`. */
  recordFailure(ms: number, row: FailureTruth): void {
    this.failures.push({ ms, row });
  }

  /** Records a maintenance at `ms`. */
  recordMaintenance(ms: number, row: MaintenanceTruth): void {
    this.maintenances.push({ ms, row });
  }

  /** Records an inspection at `ms`. */
  recordInspection(ms: number, row: InspectionTruth): void {
    this.inspections.push({ ms, row });
  }

  /**
   * Moves everything recorded with a time before `limitMs` into the ground truth, in time order.
   * @example recorder.releaseBefore(Date.UTC(2025, 3, 2));
   */
  releaseBefore(limitMs: number): void {
    this.health = releaseRows(this.health, limitMs, this.truth.health);
    this.failures = releaseRows(this.failures, limitMs, this.truth.failures);
    this.maintenances = releaseRows(this.maintenances, limitMs, this.truth.maintenances);
    this.inspections = releaseRows(this.inspections, limitMs, this.truth.inspections);
  }
}

/** Appends pending rows before the limit to `target` (stable by time) and returns those still pending. */
function releaseRows<T>(pending: Pending<T>[], limitMs: number, target: T[]): Pending<T>[] {
  const due: Pending<T>[] = [];
  const kept: Pending<T>[] = [];
  for (const entry of pending) (entry.ms < limitMs ? due : kept).push(entry);
  due.sort((a, b) => a.ms - b.ms);
  for (const entry of due) target.push(entry.row);
  return kept;
}
