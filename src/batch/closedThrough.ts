import type { RawFile } from '../lake/lakeReader.js';
import { landedPartitionKey } from '../lake/rawLayout.js';
import { addDays } from '../time/utcTime.js';

/** The snapshot-summary entry of the Gold tables that holds the batch watermark. */
export const CLOSED_THROUGH_PROPERTY = 'lambda-iot.closed-through';

/**
 * The batch watermark of a lake: the newest date D such that every telemetry partition with data holds
 * telemetry with event time ≥ D+1 00:00Z (SEED-FACTS "Batch watermark"). A landed file in date folder X
 * holds readings of day X, so partition p closes every date before its newest folder; the lake closes
 * the dates every partition closes. Files not named by the landing sink (dropped by hand) say nothing about
 * a partition and are ignored. Null when no landed telemetry exists.
 * @example closedThrough(await listRawFiles(store, 'telemetry')); // "2025-04-06" when the newest day is 2025-04-07 everywhere
 */
export function closedThrough(telemetryFiles: readonly RawFile[]): string | null {
  const newest = new Map<string, string>();
  for (const file of telemetryFiles) {
    if (!file.landed) continue;
    const key = landedPartitionKey(file.landed);
    const seen = newest.get(key);
    if (seen === undefined || file.date > seen) newest.set(key, file.date);
  }
  if (newest.size === 0) return null;
  const oldestNewest = [...newest.values()].sort()[0]!;
  return addDays(oldestNewest, -1);
}
