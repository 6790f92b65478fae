import fs from 'node:fs';
import path from 'node:path';
import type { Log } from '../bus/port.js';
import type { Catalog } from '../catalog/port.js';
import type { Config } from '../config/config.js';
import type { DuckSession } from '../duckdb/duckSession.js';
import type { IcebergContext } from '../iceberg/tableWriter.js';
import type { ObjectStore } from '../store/objectStore.js';
import type { S3StoreOptions } from '../store/s3Store.js';

/**
 * The configured stack — log, object store (the lake), catalog, and a DuckDB session for reading tables —
 * opened in one place. Each part opens on first use (so a command that only lists topics never loads the
 * lake's adapters) and `close()` closes whatever was opened, newest first. The CLI, runPipeline, the
 * notebooks and the exported scripts all open their adapters through it.
 */
export interface Stack {
  readonly config: Config;
  /** The log: embedded SQLite or Kafka (LAMBDA_IOT_BUS). */
  log(): Promise<Log>;
  /** The lake's object store: local directory or S3 (LAMBDA_IOT_STORE). */
  store(): Promise<ObjectStore>;
  /** The catalog over the store: embedded or Nessie (LAMBDA_IOT_CATALOG). */
  catalog(): Promise<Catalog>;
  /** What table reads and writes need: a DuckDB session, the store and a scratch directory under the data directory. */
  tables(): Promise<IcebergContext>;
  /** Closes every part that was opened, in reverse order; safe to call twice. */
  close(): Promise<void>;
}

export interface StackOptions {
  /** Adjustments of the S3 adapter (tests pass s3rver's credentials). */
  s3?: Partial<S3StoreOptions>;
  /** Names the scratch directory under `<data dir>/tmp/` (default `stack-<pid>`). */
  scratchName?: string;
  /**
   * The caller only reads: an embedded log or catalog in a folder this user may only read is read from a
   * private copy instead of failing (writes would fail). Default false.
   */
  readOnly?: boolean;
}

/**
 * Opens the configured stack lazily; nothing is opened until a part is asked for.
 * @example const stack = openStack(loadConfig()); try { const log = await stack.log(); … } finally { await stack.close(); }
 */
export function openStack(config: Config, options: StackOptions = {}): Stack {
  const closers: (() => Promise<void> | void)[] = [];
  const once = <T>(open: () => Promise<T>, close: (part: T) => Promise<void> | void) => {
    let opening: Promise<T> | undefined;
    return () => {
      opening ??= open().then((part) => {
        closers.push(() => close(part));
        return part;
      });
      return opening;
    };
  };
  const log = once(
    async () => (await import('../bus/openLog.js')).openLog(config, { readOnly: options.readOnly }),
    (l) => l.close(),
  );
  const store = once(
    async () => (await import('../store/openObjectStore.js')).openObjectStore(config, options.s3),
    (s) => s.close(),
  );
  const catalog = once(
    async () =>
      (await import('../catalog/openCatalog.js')).openCatalog(config, await store(), {
        readOnly: options.readOnly,
      }),
    (c) => c.close(),
  );
  const duck = once(
    async (): Promise<DuckSession> => {
      const { duckTempDirectory, openDuckSession } = await import('../duckdb/duckSession.js');
      return openDuckSession({ tempDirectory: duckTempDirectory(config.dataDir) });
    },
    (d) => d.close(),
  );
  const tmpDir = path.join(config.dataDir, 'tmp', options.scratchName ?? `stack-${process.pid}`);
  const tables = once(
    async (): Promise<IcebergContext> => ({ duck: await duck(), store: await store(), tmpDir }),
    () => fs.rmSync(tmpDir, { recursive: true, force: true }),
  );
  return {
    config,
    log,
    store,
    catalog,
    tables,
    async close() {
      const errors: unknown[] = [];
      while (closers.length > 0) {
        try {
          await closers.pop()!();
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length > 0) throw errors[0];
    },
  };
}

/**
 * Opens the configured stack, runs `fn` with it, and always closes it.
 * @example await withStack(loadConfig(), async (stack) => describeTopics(await stack.log()));
 */
export async function withStack<T>(
  config: Config,
  fn: (stack: Stack) => Promise<T>,
  options: StackOptions = {},
): Promise<T> {
  const stack = openStack(config, options);
  try {
    return await fn(stack);
  } finally {
    await stack.close();
  }
}
