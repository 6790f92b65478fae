import { openLog } from '../bus/openLog.js';
import type { Log } from '../bus/port.js';
import { type Config, loadConfig } from '../config/config.js';
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
