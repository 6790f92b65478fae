import path from 'node:path';
import type { Config } from '../config/config.js';
import { openLocalStore } from './localStore.js';
import type { ObjectStore } from './objectStore.js';
import type { S3StoreOptions } from './s3Store.js';

type StoreConfig = Pick<
  Config,
  'dataDir' | 'store' | 's3Endpoint' | 's3Region' | 's3Bucket' | 's3ForcePathStyle'
>;

/** Root directory of the local object store: `lake/` under the data directory. */
export function localLakeRoot(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'lake');
}

/** The S3 adapter's options from the configuration (credentials: the SDK's chain, AWS_ACCESS_KEY_ID first). */
export function s3StoreOptions(config: StoreConfig): S3StoreOptions {
  return {
    bucket: config.s3Bucket,
    region: config.s3Region,
    endpoint: config.s3Endpoint,
    forcePathStyle: config.s3ForcePathStyle,
  };
}

/**
 * Opens the configured object store: the local directory `$LAMBDA_IOT_DATA_DIR/lake/` (default) or S3
 * (LAMBDA_IOT_STORE=s3 and the LAMBDA_IOT_S3_* variables), creating the bucket when it is missing.
 * `overrides` adjust the S3 adapter (tests pass s3rver's credentials).
 * @example const store = await openObjectStore(loadConfig());
 * @example for await (const o of store.list('raw/telemetry/')) console.log(o.key, o.size);
 */
export async function openObjectStore(
  config: StoreConfig,
  overrides: Partial<S3StoreOptions> = {},
): Promise<ObjectStore> {
  if (config.store !== 's3') return openLocalStore(localLakeRoot(config));
  const { S3ObjectStore } = await import('./s3Store.js');
  const store = new S3ObjectStore({ ...s3StoreOptions(config), ...overrides });
  try {
    await store.ensureBucket();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
