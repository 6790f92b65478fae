import type { Log } from '../bus/port.js';
import type { Catalog } from '../catalog/port.js';
import { type Config, loadConfig } from '../config/config.js';
import type { IcebergContext } from '../iceberg/tableWriter.js';
import { type Stack, withStack } from '../pipeline/stack.js';
import type { ObjectStore } from '../store/objectStore.js';
import { withStopSignal } from './output.js';

/** Loads the config from the environment, opens the stack (each part on first use), runs `fn`, closes it. */
export function withCliStack<T>(fn: (stack: Stack) => Promise<T>): Promise<T> {
  return withStack(loadConfig(), fn, { scratchName: `cli-${process.pid}` });
}

/**
 * withCliStack for a long-running command: `signal` aborts on SIGINT/SIGTERM (the command stops after its
 * current batch; a second signal exits at once), and the handlers are removed when `fn` ends.
 */
export function withStoppableCliStack<T>(fn: (stack: Stack, signal: AbortSignal) => Promise<T>): Promise<T> {
  return withCliStack((stack) => withStopSignal((signal) => fn(stack, signal)));
}

/** Runs `fn` with the configured log. */
export function withLog<T>(fn: (log: Log, config: Config) => Promise<T>): Promise<T> {
  return withCliStack(async (stack) => fn(await stack.log(), stack.config));
}

/** Runs `fn` with the configured object store (the lake). */
export function withStore<T>(fn: (store: ObjectStore, config: Config) => Promise<T>): Promise<T> {
  return withCliStack(async (stack) => fn(await stack.store(), stack.config));
}

/** What catalog commands need: the store, the catalog over it, and a DuckDB session for reading tables. */
export interface CatalogContext {
  config: Config;
  store: ObjectStore;
  catalog: Catalog;
  ctx: IcebergContext;
}

/** Runs `fn` with the store, the catalog and a table-reading context. */
export function withCatalog<T>(fn: (context: CatalogContext) => Promise<T>): Promise<T> {
  return withCliStack(async (stack) =>
    fn({
      config: stack.config,
      store: await stack.store(),
      catalog: await stack.catalog(),
      ctx: await stack.tables(),
    }),
  );
}
