import type { ObjectStore } from '../store/objectStore.js';
import { decodeBound } from './bounds.js';
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

/**
 * What a manifest's partition summary says of its first partition field (the kit's day partition, as
 * epoch days): the lowest and highest non-null value, absent when it holds none, and whether it holds a
 * null. Undefined when the manifest has no summary (then it may hold anything).
 */
export function partitionRange(
  manifest: ManifestFile,
): { low?: number; high?: number; containsNull: boolean } | undefined {
  const summary = manifest.partitions[0];
  if (summary === undefined) return undefined;
  const { lowerBound, upperBound } = summary;
  return {
    containsNull: summary.containsNull,
    ...(lowerBound && upperBound
      ? { low: Number(decodeBound('int', lowerBound)), high: Number(decodeBound('int', upperBound)) }
      : {}),
  };
}

/**
 * The live data files of a snapshot (entries not DELETED), with the manifest entries they came from.
 * `keep` skips manifests before they are read (e.g. by partitionRange).
 */
export async function liveEntries(
  store: ObjectStore,
  snapshot: Snapshot | undefined,
  keep: (manifest: ManifestFile) => boolean = () => true,
): Promise<ManifestEntry[]> {
  if (snapshot === undefined) return [];
  const entries: ManifestEntry[] = [];
  for (const manifest of await readManifestList(store, snapshot['manifest-list'])) {
    if (!keep(manifest)) continue;
    for (const entry of await readManifest(store, manifest.manifestPath)) {
      if (entry.status !== ENTRY_STATUS.DELETED) entries.push(entry);
    }
  }
  return entries;
}
