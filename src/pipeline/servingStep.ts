import { openServing } from '../serving/openServing.js';
import type { GoldAttachment, RefreshResult, Serving } from '../serving/port.js';
import { runServingIngest, type ServingIngestStats } from '../serving/servingIngest.js';
import type { Stack } from './stack.js';

/** What the pipeline's serving step did and what the merged view shows. */
export interface ServingSummary {
  where: string;
  /** The Gold snapshot served and its watermark. */
  gold: GoldAttachment;
  /** This run's ingest; null when another process owns the serving layer (it ingests itself). */
  ingested: ServingIngestStats | null;
  refreshed: RefreshResult[];
  /** The most critical device-days of the newest batch date and of the newest real-time date. */
  critical: Record<string, unknown>[];
  /** serving_freshness: per source the newest event time served. */
  freshness: Record<string, unknown>[];
}

const CRITICAL = `
with newest as (
  select source, max(date) as date from unified_device_health group by source
),
ranked as (
  select u.*, row_number() over (partition by u.source order by u.criticality_score desc, u.device_id) as rank
  from unified_device_health u join newest n on n.source = u.source and n.date = u.date
)
select device_id, date, source, criticality_score, priority, health_score, pending_anomalies, urgent_anomalies
from ranked where rank <= $top order by date, criticality_score desc, device_id`;

/**
 * The serving step of the pipeline: through the serving owner (this process when none runs), attach Gold
 * on main, ingest what the log holds (when this process owns the serving layer), refresh the views, and
 * read the most critical device-days per source and the freshness.
 * @example const serving = await serveAfterBatch(stack);
 */
export async function serveAfterBatch(
  stack: Stack,
  options: { signal?: AbortSignal; top?: number } = {},
): Promise<ServingSummary> {
  const handle = await openServing(stack);
  try {
    const { serving } = handle;
    const gold = await serving.attachGold();
    const ingested = handle.owner
      ? await runServingIngest({
          log: await stack.log(),
          config: stack.config,
          serving,
          untilEnd: true,
          signal: options.signal,
        })
      : null;
    const refreshed = await serving.refresh();
    const critical = (await serving.query(CRITICAL, { top: options.top ?? 3 })).rows;
    const freshness = (await serving.status()).freshness;
    return { where: serving.describe(), gold, ingested, refreshed, critical, freshness };
  } finally {
    await handle.close();
  }
}

/**
 * What the serving owner runs (`serve`, and `dashboard` when no owner runs): ingest the serving topics
 * until idle or stopped, refreshing the views after every batch; then attach Gold and refresh once more.
 * @example const stats = await ingestAsOwner(stack, handle.serving, { signal: stop.signal });
 */
export async function ingestAsOwner(
  stack: Stack,
  serving: Serving,
  options: {
    /** Stop after this long without new messages; undefined = until the signal. */
    idleMs?: number;
    signal?: AbortSignal;
    /** After each ingested batch and its refresh. */
    onBatch?: (stats: ServingIngestStats) => void | Promise<void>;
  } = {},
): Promise<{ stats: ServingIngestStats; refreshed: RefreshResult[] }> {
  const stats = await runServingIngest({
    log: await stack.log(),
    config: stack.config,
    serving,
    idleMs: options.idleMs,
    signal: options.signal,
    afterBatch: async (s) => {
      await serving.refresh();
      await options.onBatch?.(s);
    },
  });
  await serving.attachGold();
  const refreshed = await serving.refresh();
  return { stats, refreshed };
}
