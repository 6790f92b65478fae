import type { ObjectStore } from '../store/objectStore.js';
import { locationKey } from './locationKey.js';
import { decodeManifest, decodeManifestList } from './manifestCodec.js';
import { ENTRY_STATUS, type ManifestEntry, type ManifestFile, type Snapshot } from './types.js';

/** The manifests a manifest list (at `location`, a store URI) names; CorruptManifestError naming it if undecodable. */
export async function readManifestList(store: ObjectStore, location: string): Promise<ManifestFile[]> {
  return decodeManifestList(await store.get(locationKey(store, location)), location);
}

/** The entries of the manifest at `location` (a store URI); CorruptManifestError naming it if undecodable. */
export async function readManifest(store: ObjectStore, location: string): Promise<ManifestEntry[]> {
  return decodeManifest(await store.get(locationKey(store, location)), location).entries;
}

/** The live data files of a snapshot (entries not DELETED), with the manifest entries they came from. */
export async function liveEntries(
  store: ObjectStore,
  snapshot: Snapshot | undefined,
): Promise<ManifestEntry[]> {
  if (snapshot === undefined) return [];
  const entries: ManifestEntry[] = [];
  for (const manifest of await readManifestList(store, snapshot['manifest-list'])) {
    for (const entry of await readManifest(store, manifest.manifestPath)) {
      if (entry.status !== ENTRY_STATUS.DELETED) entries.push(entry);
    }
  }
  return entries;
}
