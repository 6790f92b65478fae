import { afterEach } from 'vitest';
import type { EmbeddedCatalogOptions } from '../../src/catalog/embeddedCatalog.js';
import { loadConfig } from '../../src/config/config.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { tempDataDir } from '../support/cli.js';
import { type CatalogFixture, catalogFixture } from './fixture.js';

/**
 * A factory of catalog fixtures over a local store, each in a fresh data directory, all closed after each
 * test of the file that calls this (at its top level).
 */
export function useLocalCatalogFixtures(label: string) {
  const open: CatalogFixture[] = [];
  afterEach(async () => {
    for (const f of open.splice(0)) {
      await f.close();
      await f.store.close();
    }
  });
  return async (options: Partial<EmbeddedCatalogOptions> = {}): Promise<CatalogFixture> => {
    const dataDir = tempDataDir(label);
    const store = await openObjectStore(loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir }));
    const f = await catalogFixture(store, dataDir, options);
    open.push(f);
    return f;
  };
}
