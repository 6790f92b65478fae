import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  BOOLEAN,
  DOUBLE,
  DuckDBDataChunk,
  type DuckDBType,
  type DuckDBValue,
  INTEGER,
  VARCHAR,
} from '@duckdb/node-api';
import { type DuckSession, sqlString } from '../duckdb/duckSession.js';
import type { RawCell, RawColumnType, RawDataset } from './rawSchema.js';

/** A dataset's rows column by column, cells as `RawColumn.cell` returns them. */
export type RawColumns = RawCell[][];

/**
 * How each column is staged in DuckDB: plain JS numbers (no BigInt, no timestamp objects per row) and cast
 * to the file's type in the COPY: TIMESTAMPTZ from epoch ms, BIGINT from a double (exact below 2^53).
 */
const STAGING: Record<RawColumnType, { type: DuckDBType; sql: string; select: (name: string) => string }> = {
  VARCHAR: { type: VARCHAR, sql: 'VARCHAR', select: (c) => `"${c}"` },
  DOUBLE: { type: DOUBLE, sql: 'DOUBLE', select: (c) => `"${c}"` },
  INTEGER: { type: INTEGER, sql: 'INTEGER', select: (c) => `"${c}"` },
  BOOLEAN: { type: BOOLEAN, sql: 'BOOLEAN', select: (c) => `"${c}"` },
  BIGINT: { type: DOUBLE, sql: 'DOUBLE', select: (c) => `CAST("${c}" AS BIGINT) AS "${c}"` },
  TIMESTAMPTZ: {
    type: DOUBLE,
    sql: 'DOUBLE',
    select: (c) => `CAST(make_timestamp(CAST("${c}" * 1000 AS BIGINT)) AS TIMESTAMPTZ) AS "${c}"`,
  },
};

/** Staging tables already created, per session. */
const prepared = new WeakMap<DuckSession, Set<string>>();

/** Rows per DuckDB data chunk (DuckDB's vector size). */
const CHUNK_ROWS = 2048;

/**
 * Encodes rows of one raw dataset (given column by column) as a Parquet file (snappy, DuckDB's writer)
 * and returns its bytes. The columns go into a DuckDB staging table in data chunks, then
 * `COPY (SELECT …) TO` a temporary file under `tmpDir` casts them to the dataset's types, with `metadata`
 * as the file's key-value metadata (keys are plain identifiers); the file is removed afterwards.
 * @example const bytes = await encodeRawParquet(duck, RAW_TELEMETRY, columns, path.join(dataDir, 'tmp'));
 */
export async function encodeRawParquet(
  duck: DuckSession,
  dataset: RawDataset<never>,
  columns: RawColumns,
  tmpDir: string,
  metadata: Record<string, string> = {},
): Promise<Uint8Array> {
  const table = `landing_${dataset.kind}`;
  const staging = dataset.columns.map((c) => STAGING[c.type]);
  const rows = columns[0]?.length ?? 0;
  if (!prepared.has(duck)) prepared.set(duck, new Set());
  const tables = prepared.get(duck)!;
  if (!tables.has(table)) {
    await duck.run(
      `CREATE OR REPLACE TABLE ${table} (${dataset.columns.map((c, i) => `"${c.name}" ${staging[i]!.sql}`).join(', ')})`,
    );
    tables.add(table);
  }
  fs.mkdirSync(tmpDir, { recursive: true });
  const file = path.join(tmpDir, `landing-${process.pid}-${randomUUID()}.parquet`);
  const select = dataset.columns.map((c, i) => staging[i]!.select(c.name)).join(', ');
  try {
    const appender = await duck.connection.createAppender(table);
    try {
      const types = staging.map((s) => s.type);
      for (let start = 0; start < rows; start += CHUNK_ROWS) {
        const end = Math.min(rows, start + CHUNK_ROWS);
        const chunk = DuckDBDataChunk.create(types, end - start);
        chunk.setColumns(columns.map((column) => column.slice(start, end) as DuckDBValue[]));
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    const kv = Object.entries(metadata).map(([k, v]) => `${k}: ${sqlString(v)}`);
    await duck.run(
      `COPY (SELECT ${select} FROM ${table}) TO ${sqlString(file)} (FORMAT PARQUET, COMPRESSION snappy` +
        `${kv.length > 0 ? `, KV_METADATA {${kv.join(', ')}}` : ''})`,
    );
    return fs.readFileSync(file);
  } finally {
    fs.rmSync(file, { force: true });
    await duck.run(`DELETE FROM ${table}`);
  }
}
