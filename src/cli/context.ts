import type { Log } from '../bus/port.js';
import type { Catalog } from '../catalog/port.js';
import { type Config, loadConfig } from '../config/config.js';
import { CliError } from '../errors.js';
import type { IcebergContext } from '../iceberg/tableWriter.js';
import { type Stack, withStack } from '../pipeline/stack.js';
import type { ObjectStore } from '../store/objectStore.js';
import { checkDataDir, type DataDirAccess } from './dataDir.js';
import { withStopSignal } from './output.js';

/**
 * Loads the config from the environment, checks the data directory (checkDataDir), opens the stack (each
 * part on first use), runs `fn`, closes it. `access` says what the command does with the data directory
 * (default write); `local` says whether a reading command uses it at all with this config (a log on Kafka
 * does not), so it is only required to exist when it does.
 */
export function withCliStack<T>(
  fn: (stack: Stack) => Promise<T>,
  options: { access?: DataDirAccess; local?: (config: Config) => boolean } = {},
): Promise<T> {
  const config = loadConfig();
  const access = options.access ?? 'write';
  if (access === 'write' || (options.local?.(config) ?? true)) checkDataDir(config.dataDir, access);
  return withStack(config, fn, { scratchName: `cli-${process.pid}`, readOnly: access === 'read' }).catch(
    (error: unknown) => {
      throw sqliteReadOnly(error, config.dataDir) ?? error;
    },
  );
}

/**
 * withCliStack for a long-running command: `signal` aborts on SIGINT/SIGTERM (the command stops after its
 * current batch; a second signal exits at once), and the handlers are removed when `fn` ends.
 */
export function withStoppableCliStack<T>(fn: (stack: Stack, signal: AbortSignal) => Promise<T>): Promise<T> {
  return withCliStack((stack) => withStopSignal((signal) => fn(stack, signal)));
}

/**
 * A reading command in a data directory it may read but not write: the embedded log and catalog are
 * SQLite files in WAL mode, which SQLite cannot open without writing beside them (its shared-memory index).
 */
function sqliteReadOnly(error: unknown, dataDir: string): CliError | undefined {
  // the error itself, or the cause under the StoreError that names the file (store/sqliteFile)
  const codeOf = (e: unknown) => (e as { code?: unknown } | null)?.code;
  const code = codeOf(error) ?? codeOf((error as { cause?: unknown } | null)?.cause);
  if (typeof code !== 'string' || !code.startsWith('SQLITE_READONLY')) return undefined;
  return new CliError(
    `LAMBDA_IOT_DATA_DIR=${dataDir} is not writable here, and the embedded log and catalog (SQLite in WAL mode) ` +
      'cannot be opened without writing beside their files, even to read; run as a user who can write it, or work on a copy',
    { exitCode: 2, cause: error },
  );
}

/** Runs `fn` with the configured log; `access` as for withCliStack. */
export function withLog<T>(
  fn: (log: Log, config: Config) => Promise<T>,
  access: DataDirAccess = 'write',
): Promise<T> {
  return withCliStack(async (stack) => fn(await stack.log(), stack.config), {
    access,
    local: (config) => config.bus !== 'kafka',
  });
}

/** Runs `fn` with the configured object store (the lake); `access` as for withCliStack. */
export function withStore<T>(
  fn: (store: ObjectStore, config: Config) => Promise<T>,
  access: DataDirAccess = 'write',
): Promise<T> {
  return withCliStack(async (stack) => fn(await stack.store(), stack.config), {
    access,
    local: (config) => config.store !== 's3',
  });
}

/** What catalog commands need: the store, the catalog over it, and a DuckDB session for reading tables. */
export interface CatalogContext {
  config: Config;
  store: ObjectStore;
  catalog: Catalog;
  ctx: IcebergContext;
}

/** Runs `fn` with the store, the catalog and a table-reading context; `access` as for withCliStack. */
export function withCatalog<T>(
  fn: (context: CatalogContext) => Promise<T>,
  access: DataDirAccess = 'write',
): Promise<T> {
  return withCliStack(
    async (stack) =>
      fn({
        config: stack.config,
        store: await stack.store(),
        catalog: await stack.catalog(),
        ctx: await stack.tables(),
      }),
    { access, local: (config) => config.store !== 's3' || config.catalog !== 'nessie' },
  );
}
