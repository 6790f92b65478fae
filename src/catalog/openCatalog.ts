import path from 'node:path';
import type { Config } from '../config/config.js';
import { ConfigError } from '../errors.js';
import type { ObjectStore } from '../store/objectStore.js';
import { retryPolicyOf } from '../util/retry.js';
import type { Catalog } from './port.js';

/** The embedded catalog's SQLite file: `catalog/catalog.sqlite` under the data directory. */
export function embeddedCatalogFile(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'catalog', 'catalog.sqlite');
}

/**
 * Opens the configured catalog over the lake's store: the embedded catalog (branches and commits in
 * SQLite under the data directory, table metadata in the store's warehouse/).
 * The adapter is loaded when needed.
 * @example const catalog = await openCatalog(config, store);
 */
export async function openCatalog(
  config: Pick<Config, 'dataDir'> &
    Partial<Pick<Config, 'catalog' | 'nessieUri' | 'nessieToken' | 'retryAttempts' | 'retryBaseMs'>>,
  store: ObjectStore,
  options: { readOnly?: boolean } = {},
): Promise<Catalog> {
  if (config.catalog === 'nessie') {
    if (!config.nessieUri) {
      throw new ConfigError(
        'LAMBDA_IOT_NESSIE_URI',
        'is required with LAMBDA_IOT_CATALOG=nessie (e.g. http://nessie:19120)',
      );
    }
    const { NessieCatalog } = await import('./nessieCatalog.js');
    const retry =
      config.retryAttempts === undefined || config.retryBaseMs === undefined
        ? undefined
        : retryPolicyOf({ retryAttempts: config.retryAttempts, retryBaseMs: config.retryBaseMs });
    return new NessieCatalog({ uri: config.nessieUri, token: config.nessieToken, retry });
  }
  const { openEmbeddedCatalog } = await import('./embeddedCatalog.js');
  return openEmbeddedCatalog({ file: embeddedCatalogFile(config), store, readOnly: options.readOnly });
}
