import type { DuckSession } from '../duckdb/duckSession.js';
import { formatCount } from '../util/format.js';

/** Raw rows silver did not keep because another copy of the same reading or event was kept. */
export interface DuplicateCount {
  /** Copies dropped (a reading landed three times counts 2). */
  dropped: number;
  /** Of those, copies whose values differed from the kept one (same identity, other values). */
  differing: number;
}

/** Duplicates dropped by the silver models over the rebuilt days, per dataset. */
export interface Duplicates {
  /** Readings, identified by (device_id, timestamp). */
  telemetry: DuplicateCount;
  /** Machine events, identified by (device_id, event_timestamp, event_type). */
  events: DuplicateCount;
}

/**
 * Counts the duplicates silver_telemetry_daily and silver_events (built in the session) dropped on the days
 * `from`…`to`: at-least-once delivery repeats a message now and then; many copies, or copies with other
 * values, mean a plant was produced twice into one data directory.
 * @example const { telemetry } = await countDuplicates(duck, { from: '2025-04-01', to: '2025-04-07' });
 */
export async function countDuplicates(
  duck: DuckSession,
  days: { from: string; to: string },
): Promise<Duplicates> {
  const count = async (table: string, dateColumn: string): Promise<DuplicateCount> => {
    const [row] = await duck.rows<{ dropped: number | null; differing: number | null }>(
      `SELECT CAST(sum(duplicates_dropped) AS DOUBLE) AS dropped, CAST(sum(duplicates_differing) AS DOUBLE) AS differing
       FROM ${table} WHERE ${dateColumn} BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)`,
      [days.from, days.to],
    );
    return { dropped: row?.dropped ?? 0, differing: row?.differing ?? 0 };
  };
  return {
    telemetry: await count('silver_telemetry_daily', 'date'),
    events: await count('silver_events', 'event_date'),
  };
}

/** "12 duplicate readings dropped (3 with other values), 0 duplicate events", or undefined when none. */
export function describeDuplicates(d: Duplicates): string | undefined {
  if (d.telemetry.dropped + d.events.dropped === 0) return undefined;
  const part = (c: DuplicateCount, what: string) =>
    `${formatCount(c.dropped)} duplicate ${what} dropped${c.differing > 0 ? ` (${formatCount(c.differing)} with other values)` : ''}`;
  return `${part(d.telemetry, 'readings')}, ${part(d.events, 'events')}`;
}
