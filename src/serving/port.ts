import type { Catalog } from '../catalog/port.js';
import type { Config } from '../config/config.js';
import type { IcebergContext } from '../iceberg/tableWriter.js';
import type { Anomaly } from '../schema/anomaly.js';
import type { AnomalyReview } from '../schema/anomalyReview.js';
import type { DeviceDayHealth } from '../schema/deviceDayHealth.js';
import type { MaterializedViewState, RoutineLoadState } from './starrocksStatus.js';

/**
 * The serving port: the layer that answers queries by merging the batch view (Gold, complete but late)
 * with the real-time view (the speed layer's, fresh). Embedded: a DuckDB file with one owner process;
 * StarRocks: the same tables and views over the MySQL protocol (its own routine loads ingest).
 */

/** What a serving adapter needs from the opened stack (src/pipeline's Stack provides it). */
export interface ServingContext {
  readonly config: Config;
  /** The table catalog, to attach Gold. */
  catalog(): Promise<Catalog>;
  /** The store and a scratch directory for reading tables. */
  tables(): Promise<IcebergContext>;
}

/** The views the serving layer materializes and refreshes. */
export const SERVING_VIEWS = ['anomaly_rollup', 'unified_device_health'] as const;
export type ServingView = (typeof SERVING_VIEWS)[number];

/** One row of the speed layer's real-time device-day view (topic iot-device-health-rt). */
export type RealtimeDeviceDay = DeviceDayHealth;

/** Rows ingested from the topics, upserted by their keys. */
export interface ServedRows {
  anomalies?: readonly Anomaly[];
  realtime?: readonly RealtimeDeviceDay[];
  reviews?: readonly AnomalyReview[];
}

/** Which Gold snapshot the serving layer serves. */
export interface GoldAttachment {
  /** The catalog ref read (a branch, usually main). */
  ref: string;
  /** The catalog commit read. */
  commit: string;
  /** gold_device_health's snapshot id at that commit. */
  snapshotId: number | null;
  /** The batch watermark recorded by the run that wrote it (lambda-iot.closed-through), or null. */
  closedThrough: string | null;
  /** Rows copied into the serving layer's gold_device_health. */
  rows: number;
  /** False when that snapshot was already served (nothing changed). */
  changed: boolean;
}

export interface RefreshResult {
  view: ServingView;
  mode: 'incremental' | 'full';
  /** Keys (device-hours or device-days) recomputed; for a full refresh, the rows written. */
  keys: number;
  durationMs: number;
}

/** A named parameter of a query: `$name` in the SQL. */
export type QueryParams = Record<string, string | number | boolean | null>;

/** A query's result: column names and DuckDB/SQL type names, rows as JSON-safe objects. */
export interface QueryResult {
  columns: { name: string; type: string }[];
  /** Dates "YYYY-MM-DD", timestamps ISO 8601 with Z, BIGINTs as numbers when exact (else strings). */
  rows: Record<string, unknown>[];
}

export interface ServingStatus {
  kind: 'embedded' | 'starrocks';
  where: string;
  /** Per source: newest event time served, Gold snapshot and watermark, refresh time. */
  freshness: Record<string, unknown>[];
  /** When each view was last refreshed. */
  refreshes: { view_name: string; refreshed_at: string; mode: string; keys: number; duration_ms: number }[];
  /** Rows per serving table. */
  tables: Record<string, number>;
  /** StarRocks: the kit's routine loads (state, reason, error log, offsets). */
  routineLoads?: RoutineLoadState[];
  /** StarRocks: the views' last refresh state and error. */
  materializedViews?: MaterializedViewState[];
  /** What needs a person (a paused or cancelled load, a failed refresh); `serve status` exits 1 when any. */
  problems?: string[];
}

export interface Serving {
  readonly kind: 'embedded' | 'starrocks';
  /** Where it serves from (no secrets). */
  describe(): string;
  /** Creates the tables and views when missing (idempotent). */
  applySchema(): Promise<void>;
  /** Upserts ingested rows, newest value per key, and marks the keys they touch for the next refresh. */
  write(rows: ServedRows): Promise<void>;
  /** Serves Gold as of a catalog ref (default main): copies the batch view and records the watermark. */
  attachGold(ref?: string): Promise<GoldAttachment>;
  /** Refreshes views (default all): only what changed since the last refresh, or everything with `full`. */
  refresh(views?: readonly ServingView[], options?: { full?: boolean }): Promise<RefreshResult[]>;
  /** Runs one read-only statement with bound `$name` parameters. */
  query(sql: string, params?: QueryParams): Promise<QueryResult>;
  status(): Promise<ServingStatus>;
  /** Empties every serving table (the schema stays) before a rebuild from the lake and the log. */
  reset(): Promise<void>;
  close(): Promise<void>;
}
