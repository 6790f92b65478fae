import path from 'node:path';
import type { ObjectStore } from '../../src/store/objectStore.js';

/**
 * An object store that counts the Iceberg manifests read through it: `.avro` objects under a table's
 * metadata folder other than manifest lists (`snap-….avro`).
 */
export interface ManifestCountingStore extends ObjectStore {
  /** Manifests read since the last reset, by key (a key read twice counts twice). */
  readonly manifestReads: string[];
  resetReads(): void;
}

export const isManifestKey = (key: string) =>
  key.endsWith('.avro') && !path.posix.basename(key).startsWith('snap-');

export function countManifestReads(store: ObjectStore): ManifestCountingStore {
  const reads: string[] = [];
  const note = (key: string) => {
    if (isManifestKey(key)) reads.push(key);
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'manifestReads') return reads;
      if (property === 'resetReads') return () => reads.splice(0);
      if (property === 'get' || property === 'getRange' || property === 'getStream') {
        return (key: string, ...rest: unknown[]) => {
          note(key);
          return (target[property] as (...args: unknown[]) => unknown).call(target, key, ...rest);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as ManifestCountingStore;
}
