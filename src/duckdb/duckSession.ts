import fs from 'node:fs';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance, DuckDBTypeId, type DuckDBValue } from '@duckdb/node-api';
import { DuckDBLimitError } from '../errors.js';

/** Integer types DuckDB's JSON rows give as strings. */
const WIDE_INTEGERS = new Set<DuckDBTypeId>([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
]);

/** Bound parameters: positional ($1, ?) as an array, named ($name) as an object. */
export type DuckDBParams = DuckDBValue[] | Record<string, DuckDBValue>;

/**
 * An in-memory DuckDB for one process's lake work (landing, reading raw files, batch models). Its
 * session runs in UTC: DuckDB casts TIMESTAMPTZ to dates in the session time zone, and the kit's dates
 * are UTC dates whatever TZ the process has.
 */
export interface DuckSession {
  readonly connection: DuckDBConnection;
  /**
   * Runs a statement with bound parameters ($1, $2, … or ?) and returns its rows as plain JSON-safe objects:
   * 64/128-bit integers as numbers when they fit exactly (else strings), dates and timestamps as strings.
   */
  rows<T = Record<string, unknown>>(sql: string, params?: DuckDBParams): Promise<T[]>;
  /** Runs statements whose result is not needed. */
  run(sql: string, params?: DuckDBParams): Promise<void>;
  /**
   * The error to report for a failed statement of this session: a DuckDBLimitError (naming the spill
   * directory, the limit and the settings) when DuckDB ran out of memory or of spill space, else `error`.
   * rows() and run() throw it already; callers of `connection` use it themselves.
   */
  explain(error: unknown): unknown;
  close(): void;
}

export interface DuckSessionOptions {
  /** Worker threads. Default: DuckDB's (one per core). */
  threads?: number;
  /** A database file to open read-write (one process at a time). Default: in memory. */
  file?: string;
  /**
   * Where DuckDB spills to disk (temp_directory); removed when the session closes. The kit's callers pass
   * duckTempDirectory(dataDir). Default: DuckDB's (`.tmp` beside the file or in the working directory).
   */
  tempDirectory?: string;
  /** DuckDB's memory_limit, e.g. '512MB' (LAMBDA_IOT_DUCKDB_MEMORY_LIMIT). Default: DuckDB's, 80% of RAM. */
  memoryLimit?: string;
  /**
   * DuckDB's max_temp_directory_size, e.g. '10GB' (LAMBDA_IOT_DUCKDB_TEMP_LIMIT): most disk it spills to.
   * Default: DuckDB's, 90% of the free disk space.
   */
  maxTempDirectorySize?: string;
}

/** The session limits the kit's settings give (LAMBDA_IOT_DUCKDB_MEMORY_LIMIT, LAMBDA_IOT_DUCKDB_TEMP_LIMIT). */
export type DuckLimits = Pick<DuckSessionOptions, 'memoryLimit' | 'maxTempDirectorySize'>;

/** DuckLimits from the configuration (unset settings leave DuckDB's defaults). */
export function duckLimits(config: { duckdbMemoryLimit?: string; duckdbTempLimit?: string }): DuckLimits {
  return {
    ...(config.duckdbMemoryLimit === undefined ? {} : { memoryLimit: config.duckdbMemoryLimit }),
    ...(config.duckdbTempLimit === undefined ? {} : { maxTempDirectorySize: config.duckdbTempLimit }),
  };
}

let tempSessions = 0;

/** A spill directory of its own for one session: `<dataDir>/tmp/duckdb-<pid>-<n>`. */
export function duckTempDirectory(dataDir: string): string {
  return path.join(dataDir, 'tmp', `duckdb-${process.pid}-${++tempSessions}`);
}

/**
 * Opens DuckDB (in memory, or the file `options.file`) with `SET TimeZone='UTC'`, spilling to
 * `options.tempDirectory` when given (removed on close).
 * @example const duck = await openDuckSession(); console.log(await duck.rows('SELECT 42 AS answer')); duck.close();
 */
export async function openDuckSession(options: DuckSessionOptions = {}): Promise<DuckSession> {
  const instance = await DuckDBInstance.create(options.file ?? ':memory:');
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  if (options.threads !== undefined)
    await connection.run(`SET threads = ${Math.max(1, Math.floor(options.threads))}`);
  if (options.tempDirectory !== undefined) {
    // DuckDB creates the directory itself when it spills, but not its parents.
    fs.mkdirSync(path.dirname(options.tempDirectory), { recursive: true });
    await connection.run(`SET temp_directory = ${sqlString(options.tempDirectory)}`);
  }
  if (options.memoryLimit !== undefined)
    await connection.run(`SET memory_limit = ${sqlString(options.memoryLimit)}`);
  if (options.maxTempDirectorySize !== undefined)
    await connection.run(`SET max_temp_directory_size = ${sqlString(options.maxTempDirectorySize)}`);
  const explain = (error: unknown) => duckLimitError(error, options) ?? error;
  let closed = false;
  return {
    connection,
    async rows<T>(sql: string, params?: DuckDBParams): Promise<T[]> {
      const reader = await connection.runAndReadAll(sql, params).catch((error: unknown) => {
        throw explain(error);
      });
      const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
      const names = reader.columnNames();
      const wide = reader
        .columnTypes()
        .map((type, i) => (WIDE_INTEGERS.has(type.typeId) ? names[i]! : undefined))
        .filter((name): name is string => name !== undefined);
      if (wide.length > 0) {
        for (const row of rows) {
          for (const name of wide) {
            const value = row[name];
            if (typeof value === 'string' && Number.isSafeInteger(Number(value))) row[name] = Number(value);
          }
        }
      }
      return rows as T[];
    },
    async run(sql: string, params?: DuckDBParams): Promise<void> {
      await connection.run(sql, params).catch((error: unknown) => {
        throw explain(error);
      });
    },
    explain,
    close() {
      if (closed) return;
      closed = true;
      connection.closeSync();
      instance.closeSync();
      if (options.tempDirectory !== undefined)
        fs.rmSync(options.tempDirectory, { recursive: true, force: true });
    },
  };
}

/**
 * A DuckDBLimitError for DuckDB's "Out of Memory Error" (spill space when it names max_temp_directory_size),
 * with the figures of its "(<used>/<limit> used)"; undefined for any other error.
 */
export function duckLimitError(
  error: unknown,
  session: Pick<DuckSessionOptions, 'tempDirectory' | 'memoryLimit' | 'maxTempDirectorySize'>,
): DuckDBLimitError | undefined {
  if (!(error instanceof Error) || error instanceof DuckDBLimitError) return undefined;
  if (!error.message.startsWith('Out of Memory Error')) return undefined;
  const first = error.message.split('\n')[0]!.replace(/^Out of Memory Error:\s*/, '');
  const figures = /\(([^()/]+)\/([^()/]+) used\)/.exec(first);
  return new DuckDBLimitError(
    {
      limit: error.message.includes('max_temp_directory_size') ? 'temp' : 'memory',
      tempDirectory: session.tempDirectory,
      used: figures?.[1],
      reached: figures?.[2],
      memoryLimit: session.memoryLimit,
      maxTempDirectorySize: session.maxTempDirectorySize,
      duckdb: first,
    },
    { cause: error },
  );
}

/**
 * `read_parquet([…])` over local files, columns matched by name across files (a column some files lack reads
 * as NULL there) and folder names never read as columns; with `filenameColumn`, each row's file path in that column.
 */
export function readParquetSql(paths: readonly string[], filenameColumn?: string): string {
  const filename = filenameColumn === undefined ? '' : `, filename = ${sqlString(filenameColumn)}`;
  return `read_parquet([${paths.map(sqlString).join(', ')}], union_by_name = true, hive_partitioning = false${filename})`;
}

/** The column names a query or table expression (usable after FROM) gives. */
export async function columnNames(duck: DuckSession, from: string): Promise<Set<string>> {
  const rows = await duck.rows<{ column_name: string }>(
    `SELECT column_name FROM (DESCRIBE SELECT * FROM ${from})`,
  );
  return new Set(rows.map((r) => r.column_name));
}

/** A SQL string literal: single quotes doubled. For file paths DuckDB needs as constants (never for data). */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
