import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ObjectStore } from './objectStore.js';

/**
 * A local file path DuckDB can read for a store object: the file itself in the local store, a copy
 * fetched through the store under `dir` for S3 (DuckDB's httpfs extension cannot be installed offline).
 * @example const file = await localCopy(store, 'raw/telemetry/date=2025-04-01/x.parquet', tmpDir);
 */
export async function localCopy(store: ObjectStore, key: string, dir: string): Promise<string> {
  if (store.kind === 'local') return fileURLToPath(store.uri(key));
  const target = path.join(dir, ...key.split('/'));
  if (!fs.existsSync(target)) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, await store.get(key));
  }
  return target;
}
