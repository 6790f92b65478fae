/**
 * Typed errors of the kit. One base class carries `retriable` (false unless a subclass knows better),
 * the `cause`, and context fields; messages read "<subsystem> <what>: <value>".
 */
export class KitError extends Error {
  /** Whether retrying the same call may succeed. Default false: unknown failures are not retried. */
  readonly retriable: boolean;
  readonly context: Record<string, unknown>;

  constructor(
    message: string,
    options: { cause?: unknown; retriable?: boolean; context?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }
}

/** A configuration variable has a value the kit cannot use. `setting` names the variable to change. */
export class ConfigError extends KitError {
  readonly setting: string;
  constructor(setting: string, message: string, options: { cause?: unknown } = {}) {
    super(`config ${setting}: ${message}`, { ...options, context: { setting } });
    this.setting = setting;
  }
}

/** A caller passed an argument the kit rejects (bad option, bad name, bad range). */
export class InvalidArgumentError extends KitError {}

/** The log (embedded or Kafka) failed or refused an operation. */
export class LogError extends KitError {}

/** A topic or partition that does not exist was addressed. */
export class UnknownTopicError extends LogError {
  constructor(topic: string) {
    super(`log topic not found: ${topic}`, { context: { topic } });
  }
}

/** Another live member already holds the consumer group (the embedded log allows one member per group). */
export class GroupBusyError extends LogError {
  constructor(group: string, holder: string) {
    super(
      `log group busy: ${group} is held by ${holder}; stop that consumer, wait for its session to expire, or use another group`,
      { retriable: true, context: { group, holder } },
    );
  }
}

/** The object store (local directory or S3) failed or refused an operation. */
export class StoreError extends KitError {}

/** No object exists under the key. */
export class ObjectNotFoundError extends StoreError {
  readonly key: string;
  constructor(key: string, options: { cause?: unknown; where?: string } = {}) {
    super(`lake object not found: ${key}${options.where ? ` in ${options.where}` : ''}`, {
      cause: options.cause,
      context: { key },
    });
    this.key = key;
  }
}

/**
 * A raw file in the lake that DuckDB cannot read (not Parquet, truncated, damaged); `key` names it and the
 * message says to move it away, since every read of its dataset and date fails until it is gone.
 */
export class UnreadableLakeFileError extends StoreError {
  readonly key: string;
  constructor(key: string, reason: string, options: { cause?: unknown } = {}) {
    super(
      `lake file unreadable: ${key} (${reason}); move it out of raw/ (e.g. into quarantine/ beside it) and run again`,
      { cause: options.cause, context: { key } },
    );
    this.key = key;
  }
}

/**
 * The lake was landed from another log than the one `land` reads (a reset embedded log, another Kafka
 * cluster, a topic deleted and created again): resuming would skip or duplicate offsets.
 */
export class LakeLogMismatchError extends StoreError {}

/** Which DuckDB limit stopped a query: its memory_limit, or max_temp_directory_size (spilling). */
export type DuckDBLimit = 'memory' | 'temp';

/** What a DuckDBLimitError reports: DuckDB's own figures and the settings behind them. */
export interface DuckDBLimitDetail {
  limit: DuckDBLimit;
  /** The session's spill directory (temp_directory); undefined = DuckDB's default (.tmp in the working directory). */
  tempDirectory?: string;
  /** What DuckDB says was in use and the limit it reached, e.g. '864.0 KiB' of '976.5 KiB'. */
  used?: string;
  reached?: string;
  /** The values set (LAMBDA_IOT_DUCKDB_MEMORY_LIMIT, LAMBDA_IOT_DUCKDB_TEMP_LIMIT); undefined = DuckDB's default. */
  memoryLimit?: string;
  maxTempDirectorySize?: string;
  /** DuckDB's message, first line. */
  duckdb: string;
}

/**
 * DuckDB stopped at one of its limits: the spill directory reached max_temp_directory_size (`temp`), or
 * memory_limit was reached and what was left could not spill (`memory`). The message names the spill
 * directory, the limit reached and the settings to change.
 */
export class DuckDBLimitError extends KitError {
  readonly limit: DuckDBLimit;
  readonly tempDirectory: string | undefined;
  constructor(detail: DuckDBLimitDetail, options: { cause?: unknown } = {}) {
    const dir = detail.tempDirectory ?? ".tmp in the working directory (DuckDB's default)";
    const memory = detail.memoryLimit ?? "unset: DuckDB's default, 80% of RAM";
    const temp = detail.maxTempDirectorySize ?? "unset: DuckDB's default, 90% of the free disk";
    const used = detail.used === undefined ? '' : `${detail.used} used, `;
    const reached = detail.reached === undefined ? '' : ` ${detail.reached}`;
    const message =
      detail.limit === 'temp'
        ? `duckdb spill directory full: ${dir} reached max_temp_directory_size${reached} ` +
          `(${used}LAMBDA_IOT_DUCKDB_TEMP_LIMIT=${temp}); raise LAMBDA_IOT_DUCKDB_TEMP_LIMIT, or ` +
          `LAMBDA_IOT_DUCKDB_MEMORY_LIMIT (now ${memory}) so less spills, or point LAMBDA_IOT_DATA_DIR at a disk ` +
          'with more room (DuckDB spills under <data dir>/tmp)'
        : `duckdb out of memory: memory_limit${reached} reached (${used}LAMBDA_IOT_DUCKDB_MEMORY_LIMIT=${memory}), ` +
          `spill directory ${dir}; raise LAMBDA_IOT_DUCKDB_MEMORY_LIMIT (what does not fit spills under ` +
          `LAMBDA_IOT_DATA_DIR's tmp/, up to LAMBDA_IOT_DUCKDB_TEMP_LIMIT, now ${temp})`;
    super(message, { cause: options.cause, context: { ...detail } });
    this.limit = detail.limit;
    this.tempDirectory = detail.tempDirectory;
  }
}

/** A catalog operation failed (Iceberg metadata or the catalog's own state). */
export class CatalogError extends KitError {}

/**
 * A branch, commit or table the catalog does not know. Thrown as one of its two subclasses below;
 * `instanceof CatalogNotFoundError` catches both.
 */
export class CatalogNotFoundError extends CatalogError {}

/**
 * A ref that does not resolve: an unknown branch, an unknown or too short commit hash, a branch with no
 * commit as old as asked, or a snapshot id a table does not have. `ref` names what was asked for.
 */
export class CatalogRefNotFoundError extends CatalogNotFoundError {
  readonly ref: string | undefined;
  constructor(message: string, options: { ref?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause, context: { ref: options.ref } });
    this.ref = options.ref;
  }
}

/** A table that does not exist at a ref that does (`table` and `ref` name them when known). */
export class CatalogTableNotFoundError extends CatalogNotFoundError {
  readonly table: string | undefined;
  readonly ref: string | undefined;
  constructor(message: string, options: { table?: string; ref?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause, context: { table: options.table, ref: options.ref } });
    this.table = options.table;
    this.ref = options.ref;
  }
}

/** A manifest or manifest list that cannot be decoded (truncated, not Avro, damaged); `file` names it. */
export class CorruptManifestError extends CatalogError {
  readonly file: string;
  constructor(file: string, reason: string, options: { what?: string; cause?: unknown } = {}) {
    super(`iceberg ${options.what ?? 'manifest'} unreadable: ${file}: ${reason}`, {
      cause: options.cause,
      context: { file },
    });
    this.file = file;
  }
}

/** A table metadata file (metadata.json) that is not valid JSON; names the table and the file. */
export class CorruptMetadataError extends CatalogError {
  readonly table: string;
  readonly file: string;
  constructor(table: string, file: string, reason: string, options: { cause?: unknown } = {}) {
    super(`catalog table metadata unreadable: ${table} in ${file}: ${reason}`, {
      cause: options.cause,
      context: { table, file },
    });
    this.table = table;
    this.file = file;
  }
}

/**
 * A commit or merge lost a race: the branch moved and changed the same tables, or a table requirement
 * (e.g. the snapshot the writer started from) no longer holds. Retriable: read the branch again, redo the
 * change, commit again. `tables` names the conflicting tables.
 */
export class CatalogConflictError extends CatalogError {
  readonly tables: string[];
  constructor(message: string, tables: string[], options: { cause?: unknown } = {}) {
    super(message, { ...options, retriable: true, context: { tables } });
    this.tables = tables;
  }
}

/** A commit older than the table's last snapshot expiry: its files may be gone, so it is not read. */
export class CatalogExpiredError extends CatalogError {}

/**
 * A long-running job stopped because its AbortSignal fired (SIGINT/SIGTERM) at a point where what it finished
 * is committed and nothing half-done is published; the CLI prints the message and exits 0.
 */
export class InterruptedError extends KitError {}

/** An error meant for the command line: printed without a stack, exits with `exitCode`. */
export class CliError extends KitError {
  readonly exitCode: number;
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }
}

/**
 * A simulation refused because the data directory already holds another plant on overlapping dates (its
 * readings would mix with that plant's in the lake and Gold). Exits 2: the fix is a fresh data directory
 * or `--again`.
 */
export class SimulationConflictError extends CliError {
  constructor(message: string, context: { runId: string; dataDir: string }) {
    super(message, { exitCode: 2 });
    Object.assign(this.context, context);
  }
}
