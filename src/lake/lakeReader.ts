import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBValue } from '@duckdb/node-api';
import {
  columnNames,
  type DuckLimits,
  type DuckSession,
  duckTempDirectory,
  openDuckSession,
  readParquetSql,
} from '../duckdb/duckSession.js';
import { InvalidArgumentError, UnreadableLakeFileError } from '../errors.js';
import { localCopy } from '../store/localCopy.js';
import type { ObjectInfo, ObjectStore } from '../store/objectStore.js';
import {
  isCalendarDate,
  parseRawFileKey,
  RAW_KINDS,
  type RawFileName,
  type RawKind,
  rawKeyDate,
  rawPrefix,
} from './rawLayout.js';
import { RAW_DATASETS, rawTableDdl } from './rawSchema.js';

/** An inclusive range of event dates, YYYY-MM-DD (UTC); a missing bound is open. */
export interface DateRange {
  from?: string;
  to?: string;
}

/** A Parquet object under raw/{kind}/date=…/. */
export interface RawFile extends ObjectInfo {
  kind: RawKind;
  date: string;
  /** What the name says, for files the landing sink wrote; undefined for other files (e.g. dropped by hand). */
  landed?: RawFileName;
}

function checkRange(range: DateRange): void {
  for (const [name, value] of Object.entries(range)) {
    if (value !== undefined && !isCalendarDate(value)) {
      throw new InvalidArgumentError(`${name} date rejected: '${value}' (expected YYYY-MM-DD)`);
    }
  }
  if (range.from !== undefined && range.to !== undefined && range.to < range.from) {
    throw new InvalidArgumentError(`date range rejected: to ${range.to} is before from ${range.from}`);
  }
}

/** Whether a date (YYYY-MM-DD) lies in the range (inclusive; an open end lets everything through). */
function inRange(date: string, range: DateRange): boolean {
  return (range.from === undefined || date >= range.from) && (range.to === undefined || date <= range.to);
}

/**
 * The raw Parquet files of one dataset whose event date lies in the range, in key order. Every `.parquet`
 * object under `raw/{kind}/date=YYYY-MM-DD/` counts, whoever wrote it; other objects are skipped.
 * @example const files = await listRawFiles(store, 'telemetry', { from: '2025-04-01', to: '2025-04-07' });
 */
export async function listRawFiles(
  store: ObjectStore,
  kind: RawKind,
  range: DateRange = {},
): Promise<RawFile[]> {
  checkRange(range);
  const files: RawFile[] = [];
  for await (const object of store.list(rawPrefix(kind))) {
    const where = rawKeyDate(object.key);
    if (where === undefined || !object.key.endsWith('.parquet')) continue;
    if (!inRange(where.date, range)) continue;
    files.push({ ...object, ...where, landed: parseRawFileKey(object.key) });
  }
  return files;
}

/** The view each dataset is queried as. */
export const RAW_VIEWS: Record<RawKind, string> = {
  telemetry: 'raw_telemetry',
  events: 'raw_events',
  anomalies: 'raw_anomalies',
  reviews: 'raw_reviews',
};

/**
 * DuckDB over the lake's raw files: views `raw_telemetry`, `raw_events` and `raw_anomalies`, in a UTC session.
 * Each view has the landing columns (rawSchema.ts), then `source_file` (the key of the file a row was read
 * from: with source_partition and source_offset, a row's lineage), then any extra columns of files dropped in by hand.
 */
export interface LakeReader {
  readonly duck: DuckSession;
  /** The files behind each view. */
  readonly files: Record<RawKind, RawFile[]>;
  /** `read_parquet([…])` over some of those files (by key), for queries on part of the lake. */
  source(keys: readonly string[]): string;
  /**
   * The error to report for a failed query over the views: an UnreadableLakeFileError naming the lake key
   * when DuckDB's message names one of the reader's files, a DuckDBLimitError when DuckDB ran out of memory
   * or spill space (DuckSession.explain), else `error` itself.
   */
  explain(error: unknown): unknown;
  /** Runs SQL over the views with bound parameters; rows as JSON-safe objects. */
  query<T = Record<string, unknown>>(sql: string, params?: DuckDBValue[]): Promise<T[]>;
  /** Closes DuckDB and removes local copies of S3 objects. */
  close(): void;
}

export interface LakeReaderOptions extends DateRange {
  /** A different date range for one dataset, e.g. `{ events: { to: '2025-04-07' } }` for all events up to a date. */
  ranges?: Partial<Record<RawKind, DateRange>>;
  /** Where copies of S3 objects are kept while the reader is open (default: a new folder under dataDir/tmp). */
  tmpDir?: string;
  /** The data directory (for the default tmpDir and DuckDB's spill directory under it). */
  dataDir: string;
  /** DuckDB's memory and spill limits for the session (duckLimits(config)). Default: DuckDB's. */
  limits?: DuckLimits;
  /**
   * A dataset's files as the caller already listed them (the whole lake, e.g. the batch plan's listing):
   * kept by the range here instead of listing the lake again (each listing walks every date folder).
   */
  listed?: Partial<Record<RawKind, readonly RawFile[]>>;
}

/** The lake key of the file a DuckDB error names (by its local path), with the reason; undefined if none. */
function unreadableFile(
  error: unknown,
  local: ReadonlyMap<string, string>,
): UnreadableLakeFileError | undefined {
  if (error instanceof UnreadableLakeFileError || !(error instanceof Error)) return undefined;
  const firstLine = error.message.split('\n')[0]!;
  for (const [key, file] of local) {
    if (!firstLine.includes(file)) continue;
    const reason = firstLine.replaceAll(file, path.posix.basename(key)).replace(/[\s:]+$/, '');
    return new UnreadableLakeFileError(key, reason, { cause: error });
  }
  return undefined;
}

/**
 * The first of `keys` whose Parquet footer DuckDB cannot read, as an UnreadableLakeFileError; undefined
 * when every footer reads (then the failure was something else).
 */
async function probeFooters(
  duck: DuckSession,
  keys: readonly string[],
  local: ReadonlyMap<string, string>,
): Promise<UnreadableLakeFileError | undefined> {
  for (const key of keys) {
    try {
      await columnNames(duck, readParquetSql([local.get(key)!]));
    } catch (error) {
      return (
        unreadableFile(error, local) ??
        new UnreadableLakeFileError(key, (error as Error).message.split('\n')[0]!, { cause: error })
      );
    }
  }
  return undefined;
}

/** The column each view adds: the lake key of the row's file. */
export const SOURCE_FILE_COLUMN = 'source_file';

/**
 * SQL turning DuckDB's file path column into the lake key: every local path is a common folder followed by
 * the key (the local store's root, or the reader's folder of S3 copies), so the key is what follows it.
 */
function sourceFileSql(files: readonly { key: string; path: string }[]): string {
  const prefixes = new Set(
    files.map((f) => (f.path.endsWith(f.key) ? f.path.slice(0, f.path.length - f.key.length) : '\0')),
  );
  const [prefix] = [...prefixes];
  if (prefixes.size !== 1 || prefix === '\0') return `"${SOURCE_FILE_COLUMN}"`;
  return `substr("${SOURCE_FILE_COLUMN}", ${prefix!.length + 1}) AS "${SOURCE_FILE_COLUMN}"`;
}

/**
 * Opens DuckDB over the raw files of a date range: `raw_telemetry`, `raw_events` and `raw_anomalies` are views over the
 * files (columns by name, so files written by hand with fewer columns read as nulls there). Local
 * files are read in place; S3 objects are fetched through the store first (DuckDB's httpfs extension
 * cannot be installed offline). With no files a view is empty but has the landing schema.
 * @example const lake = await openLakeReader(store, { dataDir: config.dataDir, from: '2025-04-01' });
 * const rows = await lake.query('SELECT device_id, count(*) AS readings FROM raw_telemetry GROUP BY 1');
 * lake.close();
 */
export async function openLakeReader(store: ObjectStore, options: LakeReaderOptions): Promise<LakeReader> {
  const range = { from: options.from, to: options.to };
  checkRange(range);
  const files = {} as Record<RawKind, RawFile[]>;
  for (const kind of RAW_KINDS) {
    const kindRange = options.ranges?.[kind] ?? range;
    const listed = options.listed?.[kind];
    files[kind] =
      listed === undefined
        ? await listRawFiles(store, kind, kindRange)
        : listed.filter((f) => inRange(f.date, kindRange));
  }
  const tmpDir =
    options.tmpDir ??
    path.join(options.dataDir, 'tmp', `lake-read-${process.pid}-${Date.now().toString(36)}`);
  const duck = await openDuckSession({
    tempDirectory: duckTempDirectory(options.dataDir),
    ...options.limits,
  });
  const local = new Map<string, string>();
  const source = (keys: readonly string[]) => {
    const paths = keys.map((key) => {
      const p = local.get(key);
      if (p === undefined) throw new InvalidArgumentError(`lake reader: ${key} is not among its files`);
      return p;
    });
    return readParquetSql(paths);
  };
  let kind: RawKind = RAW_KINDS[0];
  try {
    for (kind of RAW_KINDS) {
      for (const file of files[kind]) local.set(file.key, await localCopy(store, file.key, tmpDir));
      const keys = files[kind].map((f) => f.key);
      const view = RAW_VIEWS[kind];
      if (keys.length === 0) {
        await duck.run(
          rawTableDdl(RAW_DATASETS[kind], `${view}_empty`).replace('CREATE TABLE', 'CREATE TEMP TABLE'),
        );
        await duck.run(
          `CREATE TEMP VIEW ${view} AS SELECT *, CAST(NULL AS VARCHAR) AS "${SOURCE_FILE_COLUMN}" FROM ${view}_empty`,
        );
      } else {
        // Every landing column, by name and type, whether or not the files have it (files dropped in by
        // hand may lack some: those read as NULL); extra columns of such files are kept after them.
        const names = await columnNames(duck, source(keys));
        const columns = RAW_DATASETS[kind].columns.map((c) =>
          names.has(c.name)
            ? `CAST("${c.name}" AS ${c.type}) AS "${c.name}"`
            : `CAST(NULL AS ${c.type}) AS "${c.name}"`,
        );
        const extra = [...names]
          .filter((n) => n !== SOURCE_FILE_COLUMN && !RAW_DATASETS[kind].columns.some((c) => c.name === n))
          .map((n) => `"${n}"`);
        const file = sourceFileSql(keys.map((key) => ({ key, path: local.get(key)! })));
        const from = readParquetSql(
          keys.map((key) => local.get(key)!),
          SOURCE_FILE_COLUMN,
        );
        await duck.run(
          `CREATE TEMP VIEW ${view} AS SELECT ${[...columns, file, ...extra].join(', ')} FROM ${from}`,
        );
      }
    }
  } catch (error) {
    // A file DuckDB cannot read is named (by DuckDB's message, else by reading each footer of the dataset).
    const named =
      unreadableFile(error, local) ??
      (await probeFooters(
        duck,
        files[kind].map((f) => f.key),
        local,
      ).catch(() => undefined));
    duck.close();
    fs.rmSync(tmpDir, { recursive: true, force: true });
    throw named ?? error;
  }
  return {
    duck,
    files,
    source,
    explain: (error) => unreadableFile(error, local) ?? duck.explain(error),
    query: (sql, params) => duck.rows(sql, params),
    close() {
      duck.close();
      fs.rmSync(tmpDir, { recursive: true, force: true });
    },
  };
}
