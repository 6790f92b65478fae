import { randomInt, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBValue } from '@duckdb/node-api';
import { type DuckSession, sqlString } from '../duckdb/duckSession.js';
import { InvalidArgumentError } from '../errors.js';
import type { ObjectStore } from '../store/objectStore.js';
import { dateOfEpochDay, epochDay } from '../time/utcTime.js';
import { encodeBound } from './bounds.js';
import { decodeManifest, decodeManifestList, encodeManifest, encodeManifestList } from './manifestCodec.js';
import { refSnapshot, schemaOf } from './metadata.js';
import { duckType, fieldIdsClause } from './schema.js';
import type { LoadedTable, TableChange } from './tableChange.js';
import {
  type DataFile,
  ENTRY_STATUS,
  type FieldSummary,
  type IcebergPrimitive,
  type IcebergSchema,
  type ManifestEntry,
  type ManifestFile,
  type PartitionSpec,
  type Snapshot,
} from './types.js';

/** What writing Iceberg data needs: a DuckDB session (UTC), the store, and a local scratch folder. */
export interface IcebergContext {
  duck: DuckSession;
  store: ObjectStore;
  tmpDir: string;
  now?: () => number;
}

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

let stageCounter = 0;

/** A snapshot id: random, positive, below 2^52 so it is exact as a JS number and as an Avro long. */
export function newSnapshotId(): number {
  return randomInt(1, 2 ** 47) * 32 + randomInt(0, 32);
}

/** SQL for a column value in the form its Iceberg bound is encoded from (dates as days, timestamps as µs). */
function boundExpr(column: string, type: IcebergPrimitive): string {
  if (type === 'date') return `date_diff('day', DATE '1970-01-01', "${column}")`;
  if (type === 'timestamp' || type === 'timestamptz') return `epoch_us("${column}")`;
  return `"${column}"`;
}

/** SQL for a day partition value of a date or timestamp column. */
function dayExpr(column: string, type: IcebergPrimitive): string {
  return type === 'date'
    ? `date_diff('day', DATE '1970-01-01', "${column}")`
    : `date_diff('day', DATE '1970-01-01', CAST("${column}" AS DATE))`;
}

const BOUNDED: ReadonlySet<IcebergPrimitive> = new Set([
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'date',
  'timestamp',
  'timestamptz',
  'string',
]);

/** The live data files of a snapshot (entries not DELETED), with the manifest entries they came from. */
export async function liveEntries(
  store: ObjectStore,
  snapshot: Snapshot | undefined,
): Promise<ManifestEntry[]> {
  if (snapshot === undefined) return [];
  const list = decodeManifestList(await store.get(store.keyOf(snapshot['manifest-list'])));
  const entries: ManifestEntry[] = [];
  for (const manifest of list) {
    const { entries: inManifest } = decodeManifest(await store.get(store.keyOf(manifest.manifestPath)));
    for (const entry of inManifest) if (entry.status !== ENTRY_STATUS.DELETED) entries.push(entry);
  }
  return entries;
}

function summarize(spec: PartitionSpec, entries: readonly ManifestEntry[]): FieldSummary[] {
  return spec.fields.map((field) => {
    const values = entries.map((e) => e.dataFile.partition[field.name] ?? null);
    const present = values.filter((v): v is number => v !== null);
    return {
      containsNull: present.length < values.length,
      ...(present.length > 0
        ? {
            lowerBound: encodeBound('int', Math.min(...present)),
            upperBound: encodeBound('int', Math.max(...present)),
          }
        : {}),
    };
  });
}

/**
 * Writes rows into an Iceberg table and returns the catalog change that publishes them (nothing is
 * visible until the change is committed). `source` is a DuckDB query producing every column of the
 * table's current schema by name (extra columns are ignored); values are cast to the column types.
 * Data files are Parquet with Iceberg field ids and the schema in their key-value metadata, one file per
 * day partition, under `<table location>/data/<partition>=<date>/`; metrics per file (record count, size,
 * value and null counts, lower/upper bounds) go into a new manifest. `overwrite-partitions` marks every
 * live file of the days the new rows fall in as DELETED, so rerunning a day replaces it.
 * @example const { change } = await writeTableData(ctx, loaded, { sql: 'SELECT * FROM gold' }, { mode: 'overwrite-partitions' });
 */
export async function writeTableData(
  ctx: IcebergContext,
  loaded: LoadedTable,
  source: { sql: string; params?: DuckDBValue[] },
  options: WriteOptions,
): Promise<WriteResult> {
  const { duck, store } = ctx;
  const metadata = loaded.metadata;
  const schema = schemaOf(metadata);
  const spec = metadata['partition-specs'].find((s) => s['spec-id'] === metadata['default-spec-id'])!;
  const order = metadata['sort-orders'].find((o) => o['order-id'] === metadata['default-sort-order-id']);
  const parent = refSnapshot(metadata);
  const snapshotId = newSnapshotId();
  const sequenceNumber = metadata['last-sequence-number'] + 1;
  const nowMs = (ctx.now ?? Date.now)();
  const tableKey = store.keyOf(metadata.location);
  const byId = new Map(schema.fields.map((f) => [f.id, f]));

  const stage = `iceberg_stage_${++stageCounter}`;
  const partField = spec.fields[0];
  const partSource = partField ? byId.get(partField['source-id']) : undefined;
  const casts = schema.fields.map((f) => `CAST(src."${f.name}" AS ${duckType(f.type)}) AS "${f.name}"`);
  const part = partSource ? dayExpr(partSource.name, partSource.type as IcebergPrimitive) : 'NULL';
  try {
    await duck.run(
      `CREATE TEMP TABLE ${stage} AS SELECT *, ${part} AS __partition FROM (SELECT ${casts.join(', ')} FROM (${source.sql}) src)`,
      source.params,
    );
  } catch (error) {
    throw new InvalidArgumentError(
      `iceberg write to ${loaded.table}: the source does not give the table's columns (${schema.fields.map((f) => f.name).join(', ')}): ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    for (const f of schema.fields.filter((x) => x.required)) {
      const [row] = await duck.rows<{ n: number }>(
        `SELECT count(*) AS n FROM ${stage} WHERE "${f.name}" IS NULL`,
      );
      if (row!.n > 0) {
        throw new InvalidArgumentError(
          `iceberg write to ${loaded.table}: ${row!.n} rows have no ${f.name} (required)`,
        );
      }
    }
    const partitions = (
      await duck.rows<{ p: number | null }>(`SELECT DISTINCT __partition AS p FROM ${stage} ORDER BY 1`)
    ).map((r) => r.p);

    const added: DataFile[] = [];
    const columns = schema.fields.map((f) => `"${f.name}"`).join(', ');
    const sortBy = (order?.fields ?? [])
      .map((s) => `"${byId.get(s['source-id'])!.name}" ${s.direction}`)
      .join(', ');
    const kv = `{"iceberg.schema": ${sqlString(JSON.stringify(schema))}}`;
    // One COPY writes every day's file (DuckDB's PARTITION_BY), one grouped query gives every file's metrics.
    const out = path.join(ctx.tmpDir, `iceberg-${process.pid}-${randomUUID()}`);
    fs.mkdirSync(ctx.tmpDir, { recursive: true });
    try {
      await duck.run(
        `COPY (SELECT ${columns}, __partition FROM ${stage}${sortBy ? ` ORDER BY ${sortBy}` : ''}) TO ${sqlString(out)} ` +
          `(FORMAT PARQUET, COMPRESSION snappy, PARTITION_BY (__partition), FIELD_IDS ${fieldIdsClause(schema)}, KV_METADATA ${kv})`,
      );
      const metrics = await partitionMetrics(duck, stage, schema);
      for (const p of partitions) {
        const dir = path.join(out, `__partition=${p === null ? '__HIVE_DEFAULT_PARTITION__' : p}`);
        const written = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.parquet')) : [];
        if (written.length !== 1) {
          throw new InvalidArgumentError(
            `iceberg write to ${loaded.table}: expected one data file for partition ${p}, DuckDB wrote ${written.length}`,
          );
        }
        const folder =
          partField === undefined
            ? 'data'
            : `data/${partField.name}=${p === null ? 'null' : dateOfEpochDay(p)}`;
        const key = `${tableKey}/${folder}/${String(sequenceNumber).padStart(5, '0')}-${randomUUID()}.parquet`;
        const bytes = fs.readFileSync(path.join(dir, written[0]!));
        await store.put(key, bytes, { contentType: 'application/vnd.apache.parquet' });
        const m = metrics.get(p)!;
        added.push({
          content: 0,
          filePath: store.uri(key),
          fileFormat: 'PARQUET',
          partition: partField === undefined ? {} : { [partField.name]: p },
          fileSizeInBytes: bytes.byteLength,
          ...m,
        });
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }

    // Manifests: added files in one; for an overwrite, the parent's live files in another (replaced days DELETED).
    const manifests: ManifestFile[] = [];
    const removed: DataFile[] = [];
    const context = { schema, spec };
    const writeManifest = async (entries: ManifestEntry[]) => {
      const bytes = encodeManifest(context, entries);
      const key = `${tableKey}/metadata/${randomUUID()}-m${manifests.length}.avro`;
      await store.put(key, bytes, { contentType: 'application/avro' });
      const count = (s: number) => entries.filter((e) => e.status === s);
      const rows = (s: number) => count(s).reduce((n, e) => n + e.dataFile.recordCount, 0);
      manifests.push({
        manifestPath: store.uri(key),
        manifestLength: bytes.byteLength,
        partitionSpecId: spec['spec-id'],
        content: 0,
        sequenceNumber,
        minSequenceNumber: Math.min(...entries.map((e) => e.sequenceNumber)),
        addedSnapshotId: snapshotId,
        addedFilesCount: count(ENTRY_STATUS.ADDED).length,
        existingFilesCount: count(ENTRY_STATUS.EXISTING).length,
        deletedFilesCount: count(ENTRY_STATUS.DELETED).length,
        addedRowsCount: rows(ENTRY_STATUS.ADDED),
        existingRowsCount: rows(ENTRY_STATUS.EXISTING),
        deletedRowsCount: rows(ENTRY_STATUS.DELETED),
        partitions: summarize(
          spec,
          entries.filter((e) => e.status !== ENTRY_STATUS.DELETED),
        ),
      });
    };
    if (added.length > 0) {
      await writeManifest(
        added.map((dataFile) => ({
          status: ENTRY_STATUS.ADDED,
          snapshotId,
          sequenceNumber,
          fileSequenceNumber: sequenceNumber,
          dataFile,
        })),
      );
    }
    let existingFiles = 0;
    let existingRows = 0;
    if (parent !== undefined) {
      if (options.mode === 'append') {
        const list = decodeManifestList(await store.get(store.keyOf(parent['manifest-list'])));
        manifests.push(...list);
        for (const m of list) {
          existingFiles += m.addedFilesCount + m.existingFilesCount;
          existingRows += m.addedRowsCount + m.existingRowsCount;
        }
      } else {
        const replaced = new Set<number | null>([
          ...partitions,
          ...(options.replaceDays ?? []).map(epochDay),
        ]);
        const kept: ManifestEntry[] = [];
        for (const entry of await liveEntries(store, parent)) {
          const value = partField ? (entry.dataFile.partition[partField.name] ?? null) : null;
          if (replaced.has(value)) {
            removed.push(entry.dataFile);
            kept.push({ ...entry, status: ENTRY_STATUS.DELETED, snapshotId });
          } else {
            existingFiles++;
            existingRows += entry.dataFile.recordCount;
            kept.push({ ...entry, status: ENTRY_STATUS.EXISTING });
          }
        }
        if (kept.length > 0) await writeManifest(kept);
      }
    }

    const rows = added.reduce((n, f) => n + f.recordCount, 0);
    const removedRows = removed.reduce((n, f) => n + f.recordCount, 0);
    const listKey = `${tableKey}/metadata/snap-${snapshotId}-${randomUUID()}.avro`;
    await store.put(
      listKey,
      encodeManifestList({
        snapshotId,
        ...(parent ? { parentSnapshotId: parent['snapshot-id'] } : {}),
        sequenceNumber,
        manifests,
      }),
      { contentType: 'application/avro' },
    );
    const snapshot: Snapshot = {
      'snapshot-id': snapshotId,
      ...(parent ? { 'parent-snapshot-id': parent['snapshot-id'] } : {}),
      'sequence-number': sequenceNumber,
      'timestamp-ms': nowMs,
      'manifest-list': store.uri(listKey),
      summary: {
        operation: options.mode === 'append' || removed.length === 0 ? 'append' : 'overwrite',
        'added-data-files': String(added.length),
        'added-records': String(rows),
        'deleted-data-files': String(removed.length),
        'deleted-records': String(removedRows),
        'total-data-files': String(existingFiles + added.length),
        'total-records': String(existingRows + rows),
        ...(options.summary ?? {}),
      },
      'schema-id': schema['schema-id'],
    };
    const change: TableChange = {
      table: loaded.table,
      requirements: [
        { type: 'assert-table-uuid', uuid: metadata['table-uuid'] },
        { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': parent?.['snapshot-id'] ?? null },
        { type: 'assert-current-schema-id', 'current-schema-id': schema['schema-id'] },
      ],
      updates: [
        { action: 'add-snapshot', snapshot },
        { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': snapshotId },
      ],
    };
    return { change, snapshot, added, removed, rows };
  } finally {
    await duck.run(`DROP TABLE IF EXISTS ${stage}`);
  }
}

/** Record count, value/null counts and bounds of each partition's rows, from the staged table, in one query. */
async function partitionMetrics(
  duck: DuckSession,
  stage: string,
  schema: IcebergSchema,
): Promise<
  Map<number | null, Omit<DataFile, 'content' | 'filePath' | 'fileFormat' | 'partition' | 'fileSizeInBytes'>>
> {
  const primitive = schema.fields.filter(
    (f): f is typeof f & { type: IcebergPrimitive } => typeof f.type === 'string' && BOUNDED.has(f.type),
  );
  const select = [
    '__partition AS p',
    'count(*) AS n',
    ...primitive.flatMap((f, i) => [
      `count("${f.name}") AS v${i}`,
      `min(${boundExpr(f.name, f.type)}) AS lo${i}`,
      `max(${boundExpr(f.name, f.type)}) AS hi${i}`,
    ]),
  ];
  const rows = await duck.rows<Record<string, unknown>>(
    `SELECT ${select.join(', ')} FROM ${stage} GROUP BY __partition`,
  );
  const out = new Map<
    number | null,
    Omit<DataFile, 'content' | 'filePath' | 'fileFormat' | 'partition' | 'fileSizeInBytes'>
  >();
  for (const row of rows) {
    const n = Number(row.n);
    const valueCounts = new Map<number, number>();
    const nullValueCounts = new Map<number, number>();
    const lowerBounds = new Map<number, Uint8Array>();
    const upperBounds = new Map<number, Uint8Array>();
    primitive.forEach((f, i) => {
      valueCounts.set(f.id, n);
      nullValueCounts.set(f.id, n - Number(row[`v${i}`]));
      const asValue = (v: unknown) => (typeof v === 'string' && f.type !== 'string' ? BigInt(v) : v);
      const lo = row[`lo${i}`];
      const hi = row[`hi${i}`];
      if (lo !== null && lo !== undefined) lowerBounds.set(f.id, encodeBound(f.type, asValue(lo) as never));
      if (hi !== null && hi !== undefined) upperBounds.set(f.id, encodeBound(f.type, asValue(hi) as never));
    });
    out.set((row.p as number | null) ?? null, {
      recordCount: n,
      valueCounts,
      nullValueCounts,
      lowerBounds,
      upperBounds,
    });
  }
  return out;
}
