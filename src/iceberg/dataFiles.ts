import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type DuckSession, sqlString } from '../duckdb/duckSession.js';
import { InvalidArgumentError } from '../errors.js';
import { dateOfEpochDay } from '../time/utcTime.js';
import { encodeBound } from './bounds.js';
import { fieldIdsClause } from './schema.js';
import type { DataFile, IcebergPrimitive, IcebergSchema } from './types.js';
import type { StagedRows } from './writeStage.js';
import type { IcebergContext, WriteTarget } from './writeTarget.js';

/** A data file's metrics: what a grouped query over the staged rows gives per partition. */
type FileMetrics = Omit<DataFile, 'content' | 'filePath' | 'fileFormat' | 'partition' | 'fileSizeInBytes'>;

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

/** SQL for a column value in the form its Iceberg bound is encoded from (dates as days, timestamps as µs). */
function boundExpr(column: string, type: IcebergPrimitive): string {
  if (type === 'date') return `date_diff('day', DATE '1970-01-01', "${column}")`;
  if (type === 'timestamp' || type === 'timestamptz') return `epoch_us("${column}")`;
  return `"${column}"`;
}

/**
 * Data files: one Parquet file per day partition of the staged rows, with Iceberg field ids and the schema
 * in their key-value metadata, sorted by the table's sort order, uploaded under
 * `<table location>/data/<partition>=<date>/`. One COPY writes every day's file (DuckDB's PARTITION_BY),
 * one grouped query gives every file's metrics (record count, value and null counts, lower/upper bounds).
 */
export async function writeDataFiles(
  ctx: IcebergContext,
  stage: StagedRows,
  target: WriteTarget,
): Promise<DataFile[]> {
  const { duck, store } = ctx;
  const { schema, partField } = target;
  const byId = new Map(schema.fields.map((f) => [f.id, f]));
  const columns = schema.fields.map((f) => `"${f.name}"`).join(', ');
  const sortBy = (target.order?.fields ?? [])
    .map((s) => `"${byId.get(s['source-id'])!.name}" ${s.direction}`)
    .join(', ');
  const kv = `{"iceberg.schema": ${sqlString(JSON.stringify(schema))}}`;
  const out = path.join(ctx.tmpDir, `iceberg-${process.pid}-${randomUUID()}`);
  fs.mkdirSync(ctx.tmpDir, { recursive: true });
  const added: DataFile[] = [];
  try {
    await duck.run(
      `COPY (SELECT ${columns}, __partition FROM ${stage.name}${sortBy ? ` ORDER BY ${sortBy}` : ''}) TO ${sqlString(out)} ` +
        `(FORMAT PARQUET, COMPRESSION snappy, PARTITION_BY (__partition), FIELD_IDS ${fieldIdsClause(schema)}, KV_METADATA ${kv})`,
    );
    const metrics = await partitionMetrics(duck, stage.name, schema);
    for (const p of stage.partitions) {
      const dir = path.join(out, `__partition=${p === null ? '__HIVE_DEFAULT_PARTITION__' : p}`);
      const written = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.parquet')) : [];
      if (written.length !== 1) {
        throw new InvalidArgumentError(
          `iceberg write to ${target.table}: expected one data file for partition ${p}, DuckDB wrote ${written.length}`,
        );
      }
      const folder =
        partField === undefined
          ? 'data'
          : `data/${partField.name}=${p === null ? 'null' : dateOfEpochDay(p)}`;
      const key = `${target.tableKey}/${folder}/${String(target.sequenceNumber).padStart(5, '0')}-${randomUUID()}.parquet`;
      const bytes = fs.readFileSync(path.join(dir, written[0]!));
      await store.put(key, bytes, { contentType: 'application/vnd.apache.parquet' });
      added.push({
        content: 0,
        filePath: store.uri(key),
        fileFormat: 'PARQUET',
        partition: partField === undefined ? {} : { [partField.name]: p },
        fileSizeInBytes: bytes.byteLength,
        ...metrics.get(p)!,
      });
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
  return added;
}

/** Record count, value/null counts and bounds of each partition's rows, from the staged table, in one query. */
async function partitionMetrics(
  duck: DuckSession,
  stage: string,
  schema: IcebergSchema,
): Promise<Map<number | null, FileMetrics>> {
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
  const out = new Map<number | null, FileMetrics>();
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
