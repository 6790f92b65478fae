import type { DuckDBValue } from '@duckdb/node-api';
import { writeDataFiles } from './dataFiles.js';
import { DEFAULT_MANIFEST_BOUND, writeManifests } from './manifestWriter.js';
import { writeSnapshotChange } from './snapshotChange.js';
import type { LoadedTable, TableChange } from './tableChange.js';
import type { DataFile, Snapshot } from './types.js';
import { stageRows } from './writeStage.js';
import { type IcebergContext, planWrite } from './writeTarget.js';

export { liveEntries } from './manifestReader.js';
export { DEFAULT_MANIFEST_BOUND } from './manifestWriter.js';
export { type IcebergContext, newSnapshotId } from './writeTarget.js';

export interface WriteOptions {
  /** `append` adds rows; `overwrite-partitions` replaces every partition (day) the new rows fall in. */
  mode: 'append' | 'overwrite-partitions';
  /** Extra snapshot summary entries, e.g. `{ 'lambda-iot.run-id': runId }`. */
  summary?: Record<string, string>;
  /**
   * overwrite-partitions: days (YYYY-MM-DD) to replace even when the new rows have none there, so a rebuilt
   * day that now yields nothing loses its old rows. Default: only the days the new rows fall in.
   */
  replaceDays?: string[];
  /**
   * Most manifests the new snapshot lists: past it, the smallest manifests are merged into one, so reading
   * the table reads at most this many manifests however long its history. Default 16
   * (LAMBDA_IOT_MANIFEST_BOUND).
   */
  manifestBound?: number;
}

export interface WriteResult {
  /** The catalog change to commit (requirements: same table, same snapshot it was written on). */
  change: TableChange;
  snapshot: Snapshot;
  /** Data files added. */
  added: DataFile[];
  /** Data files the overwrite removed from the table (still in storage until expiry). */
  removed: DataFile[];
  rows: number;
}

/**
 * Writes rows into an Iceberg table and returns the catalog change that publishes them (nothing is
 * visible until the change is committed). `source` is a DuckDB query producing every column of the
 * table's current schema by name (extra columns are ignored); values are cast to the column types.
 * Four phases: stage the rows (writeStage.ts), write one Parquet data file per day partition with its
 * metrics (dataFiles.ts), write the manifests (manifestWriter.ts: `overwrite-partitions` marks every live
 * file of the days the new rows fall in as DELETED, so rerunning a day replaces it; manifests that cannot
 * hold such a day are listed again untouched; past `manifestBound` the smallest are merged), then the
 * manifest list, snapshot and catalog change (snapshotChange.ts).
 * @example const { change } = await writeTableData(ctx, loaded, { sql: 'SELECT * FROM gold' }, { mode: 'overwrite-partitions' });
 */
export async function writeTableData(
  ctx: IcebergContext,
  loaded: LoadedTable,
  source: { sql: string; params?: DuckDBValue[] },
  options: WriteOptions,
): Promise<WriteResult> {
  const target = planWrite(ctx, loaded);
  const stage = await stageRows(ctx.duck, target, source);
  try {
    const added = await writeDataFiles(ctx, stage, target);
    const written = await writeManifests(ctx.store, target, added, {
      mode: options.mode,
      replaceDays: options.replaceDays,
      partitions: stage.partitions,
      bound: options.manifestBound ?? DEFAULT_MANIFEST_BOUND,
    });
    const { snapshot, change } = await writeSnapshotChange(ctx.store, target, added, written, options);
    const rows = added.reduce((n, f) => n + f.recordCount, 0);
    return { change, snapshot, added, removed: written.removed, rows };
  } finally {
    await stage.drop();
  }
}
