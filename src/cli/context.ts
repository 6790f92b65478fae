import fs from 'node:fs';
import path from 'node:path';
import { openLog } from '../bus/openLog.js';
import type { Log } from '../bus/port.js';
import { openCatalog } from '../catalog/openCatalog.js';
import type { Catalog } from '../catalog/port.js';
import { type Config, loadConfig } from '../config/config.js';
import type { IcebergContext } from '../iceberg/tableWriter.js';
import { openDuckSession } from '../lake/duckdb.js';
import type { ObjectStore } from '../lake/objectStore.js';
import { openObjectStore } from '../lake/openObjectStore.js';

/** Loads the config, opens the configured log, runs `fn`, and always closes the log. */
export async function withLog<T>(fn: (log: Log, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const log = await openLog(config);
  try {
    return await fn(log, config);
  } finally {
    await log.close();
  }
}

/** Loads the config, opens the configured object store (the lake), runs `fn`, and always closes the store. */
export async function withStore<T>(fn: (store: ObjectStore, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openObjectStore(config);
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

/** What catalog commands need: the store, the catalog over it, and a DuckDB session for reading tables. */
export interface CatalogContext {
  config: Config;
  store: ObjectStore;
  catalog: Catalog;
  ctx: IcebergContext;
}

/** Opens the store, the catalog and a DuckDB session, runs `fn`, and closes them all. */
export async function withCatalog<T>(fn: (context: CatalogContext) => Promise<T>): Promise<T> {
  return withStore(async (store, config) => {
    const catalog = openCatalog(config, store);
    const duck = await openDuckSession();
    const tmpDir = path.join(config.dataDir, 'tmp', `cli-${process.pid}`);
    try {
      return await fn({ config, store, catalog, ctx: { duck, store, tmpDir } });
    } finally {
      duck.close();
      await catalog.close();
      fs.rmSync(tmpDir, { recursive: true, force: true });
    }
  });
}
