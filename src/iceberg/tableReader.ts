import type { DuckDBValue } from '@duckdb/node-api';
import { columnNames, readParquetSql } from '../duckdb/duckSession.js';
import { CatalogRefNotFoundError } from '../errors.js';
import { localCopy } from '../store/localCopy.js';
import { epochDay } from '../time/utcTime.js';
import { locationKey } from './locationKey.js';
import { liveEntries, partitionRange } from './manifestReader.js';
import { refSnapshot, schemaOf } from './metadata.js';
import { duckType } from './schema.js';
import type { DataFile, IcebergSchema, ManifestFile, Snapshot, TableMetadata } from './types.js';
import type { IcebergContext } from './writeTarget.js';

export interface ScanOptions {
  /** Read this snapshot instead of the table's current one (time travel within the metadata). */
  snapshotId?: number;
  /** Keep only files whose day partition lies in [fromDate, toDate] (YYYY-MM-DD, inclusive). */
  fromDate?: string;
  toDate?: string;
}

/** The snapshot a scan reads: the given id, or the current one (undefined for an empty table). */
export function scanSnapshot(metadata: TableMetadata, snapshotId?: number): Snapshot | undefined {
  if (snapshotId === undefined) return refSnapshot(metadata);
  const snapshot = metadata.snapshots.find((s) => s['snapshot-id'] === snapshotId);
  if (!snapshot) {
    const ids = metadata.snapshots.map((s) => String(s['snapshot-id']));
    throw new CatalogRefNotFoundError(
      `iceberg snapshot not found: ${snapshotId} in ${metadata.location}; snapshots: ${ids.join(', ') || 'none'}`,
      { ref: String(snapshotId) },
    );
  }
  return snapshot;
}

/**
 * The live data files of the table at a snapshot, pruned by day partition when a date range is given
 * (manifests whose partition summary lies outside the range are not read).
 * @example const files = await tableFiles(store, loaded.metadata, { fromDate: '2025-04-01' });
 */
export async function tableFiles(
  store: IcebergContext['store'],
  metadata: TableMetadata,
  options: ScanOptions = {},
): Promise<DataFile[]> {
  const spec = metadata['partition-specs'].find((s) => s['spec-id'] === metadata['default-spec-id']);
  const field = spec?.fields[0];
  const from = options.fromDate === undefined ? undefined : epochDay(options.fromDate);
  const to = options.toDate === undefined ? undefined : epochDay(options.toDate);
  // A manifest whose days all lie outside the range is not read (a null day never matches a range).
  const overlaps = (m: ManifestFile) => {
    const range = m.partitionSpecId === spec?.['spec-id'] ? partitionRange(m) : undefined;
    if (field === undefined || range === undefined || (from === undefined && to === undefined)) return true;
    if (range.low === undefined || range.high === undefined) return false;
    return (from === undefined || range.high >= from) && (to === undefined || range.low <= to);
  };
  const entries = await liveEntries(store, scanSnapshot(metadata, options.snapshotId), overlaps);
  return entries
    .map((e) => e.dataFile)
    .filter((f) => {
      if (field === undefined || (from === undefined && to === undefined)) return true;
      const day = f.partition[field.name];
      if (day === null || day === undefined) return false;
      return (from === undefined || day >= from) && (to === undefined || day <= to);
    });
}

/**
 * A DuckDB query (in parentheses, usable after FROM) over the table at a snapshot: the live files read by
 * column name, every column of the schema the snapshot was written with (or the current schema), columns
 * a file lacks (added later) as NULL. S3 files are fetched to `ctx.tmpDir` first.
 * @example const from = await tableQuery(ctx, loaded.metadata); await duck.rows(`SELECT count(*) FROM ${from}`);
 */
export async function tableQuery(
  ctx: IcebergContext,
  metadata: TableMetadata,
  options: ScanOptions = {},
): Promise<string> {
  const snapshot = scanSnapshot(metadata, options.snapshotId);
  const schema: IcebergSchema =
    options.snapshotId === undefined ? schemaOf(metadata) : schemaOf(metadata, snapshot?.['schema-id']);
  const files = await tableFiles(ctx.store, metadata, options);
  const nulls = (names: Set<string>) =>
    schema.fields
      .map((f) => (names.has(f.name) ? `"${f.name}"` : `CAST(NULL AS ${duckType(f.type)}) AS "${f.name}"`))
      .join(', ');
  if (files.length === 0) return `(SELECT ${nulls(new Set())} WHERE false)`;
  const paths: string[] = [];
  for (const f of files)
    paths.push(await localCopy(ctx.store, locationKey(ctx.store, f.filePath), ctx.tmpDir));
  const read = readParquetSql(paths);
  return `(SELECT ${nulls(await columnNames(ctx.duck, read))} FROM ${read})`;
}

/**
 * The rows of a table at a snapshot as JSON-safe objects: dates "YYYY-MM-DD", timestamps ISO 8601 with Z.
 * @example const rows = await scanTable(ctx, loaded.metadata, { limit: 5 });
 */
export async function scanTable(
  ctx: IcebergContext,
  metadata: TableMetadata,
  options: ScanOptions & {
    limit?: number;
    orderBy?: string[];
    where?: { sql: string; params?: DuckDBValue[] };
  } = {},
): Promise<Record<string, unknown>[]> {
  const schema = schemaOf(metadata, scanSnapshot(metadata, options.snapshotId)?.['schema-id']);
  const from = await tableQuery(ctx, metadata, options);
  const columns = schema.fields
    .map((f) =>
      f.type === 'timestamptz' || f.type === 'timestamp'
        ? `strftime("${f.name}", '%Y-%m-%dT%H:%M:%S.%g') || 'Z' AS "${f.name}"`
        : `"${f.name}"`,
    )
    .join(', ');
  const order = (options.orderBy ?? schema.fields.slice(0, 2).map((f) => f.name))
    .map((c) => `"${c}"`)
    .join(', ');
  const limit = options.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(options.limit))}`;
  const where = options.where ? ` WHERE ${options.where.sql}` : '';
  return ctx.duck.rows(
    `SELECT ${columns} FROM ${from} t${where} ORDER BY ${order}${limit}`,
    options.where?.params,
  );
}
