import type { Log } from '../bus/port.js';
import type { Config } from '../config/config.js';
import { duckLimits } from '../duckdb/duckSession.js';
import { openLakeReader } from '../lake/lakeReader.js';
import type { Anomaly } from '../schema/anomaly.js';
import type { AnomalyReview } from '../schema/anomalyReview.js';
import type { ObjectStore } from '../store/objectStore.js';
import type { Serving } from './port.js';
import { runServingIngest, type ServingIngestStats } from './servingIngest.js';

export interface RebuildResult {
  /** Anomalies and reviews read back from raw/anomalies and raw/reviews in the lake. */
  fromLake: { anomalies: number; reviews: number };
  /** What the replay of the log ingested (it overlaps the lake; upserts keep one row per key). */
  fromLog: ServingIngestStats;
}

const ROWS_PER_WRITE = 20_000;

/**
 * Rebuilds the serving layer from what outlives it: empties the tables, reloads the anomaly history and
 * every review the landing sink keeps in the lake (raw/anomalies, raw/reviews: older than the log's
 * retention too; the newest review of an anomaly wins again), then replays every
 * serving topic from the log's first retained offset (upserts make the overlap harmless) and commits the
 * group's offsets. Attach Gold and refresh the views afterwards.
 * @example await rebuildServing({ serving, log, store, config }); await serving.attachGold(); await serving.refresh(undefined, { full: true });
 */
export async function rebuildServing(parts: {
  serving: Serving;
  log: Log;
  store: ObjectStore;
  config: Config;
  signal?: AbortSignal;
}): Promise<RebuildResult> {
  const { serving, log, store, config } = parts;
  await serving.reset();
  const lake = await openLakeReader(store, {
    dataDir: config.dataDir,
    ranges: {},
    limits: duckLimits(config),
  });
  let anomalies = 0;
  let reviews = 0;
  try {
    const rows = await lake.query<Anomaly>(
      `SELECT device_id, strftime("timestamp", '%Y-%m-%dT%H:%M:%S.%gZ') AS "timestamp", anomaly_type, severity,
              description, is_confirmed, confirmed_by
       FROM raw_anomalies ORDER BY source_partition, source_offset`,
    );
    for (let i = 0; i < rows.length; i += ROWS_PER_WRITE) {
      await serving.write({ anomalies: rows.slice(i, i + ROWS_PER_WRITE) });
    }
    anomalies = rows.length;
    const reviewRows = await lake.query<AnomalyReview>(
      `SELECT device_id, strftime("timestamp", '%Y-%m-%dT%H:%M:%S.%gZ') AS "timestamp", anomaly_type, action,
              reviewer, comment, strftime(reviewed_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS reviewed_at
       FROM raw_reviews ORDER BY source_partition, source_offset`,
    );
    for (let i = 0; i < reviewRows.length; i += ROWS_PER_WRITE) {
      await serving.write({ reviews: reviewRows.slice(i, i + ROWS_PER_WRITE) });
    }
    reviews = reviewRows.length;
  } finally {
    lake.close();
  }
  const fromLog = await runServingIngest({
    log,
    config,
    serving,
    untilEnd: true,
    replay: true,
    signal: parts.signal,
  });
  return { fromLake: { anomalies, reviews }, fromLog };
}
