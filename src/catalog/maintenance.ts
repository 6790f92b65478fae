import { CatalogTableNotFoundError } from '../errors.js';
import { locationKey } from '../iceberg/locationKey.js';
import { readManifest, readManifestList } from '../iceberg/manifestReader.js';
import { refSnapshot } from '../iceberg/metadata.js';
import type { TableName } from '../iceberg/tableName.js';
import { ENTRY_STATUS, type Snapshot, type TableMetadata } from '../iceberg/types.js';
import type { ObjectStore } from '../store/objectStore.js';
import { type Catalog, MAIN_BRANCH } from './port.js';

/** The table property that records when snapshots were last expired (epoch ms). */
export const EXPIRED_BEFORE_PROPERTY = 'lambda-iot.expired-before-ms';

export interface ExpireOptions {
  /** Keep the newest N snapshots of the branch's history (at least 1: the current one). */
  keep?: number;
  /** Keep snapshots committed less than this long ago (ms). */
  olderThanMs?: number;
  branch?: string;
  now?: number;
}

export interface ExpireResult {
  table: TableName;
  branch: string;
  expired: number[];
  kept: number[];
  /** The catalog commit that removed them (undefined when nothing was expired). */
  commit?: string;
}

/**
 * Expires snapshots of a table on a branch (default main): removes from its metadata every snapshot that
 * is not the current one, not among the newest `keep`, and not younger than `olderThanMs`, and records the
 * time in the table's properties: catalog commits older than that can no longer be read (a typed
 * CatalogExpiredError), since `orphans` may delete their files. Other branches keep their own metadata.
 * @example await expireSnapshots(catalog, 'iot.gold_device_health', { keep: 5 });
 */
export async function expireSnapshots(
  catalog: Catalog,
  table: TableName,
  options: ExpireOptions,
): Promise<ExpireResult> {
  const branch = options.branch ?? MAIN_BRANCH;
  const now = options.now ?? Date.now();
  const head = await catalog.getBranch(branch);
  const { metadata } = await catalog.loadTable(`${branch}@${head.hash}`, table);
  const current = refSnapshot(metadata);
  const bySequence = [...metadata.snapshots].sort((a, b) => b['sequence-number'] - a['sequence-number']);
  const keep = new Set<number>();
  if (current) keep.add(current['snapshot-id']);
  for (const ref of Object.values(metadata.refs)) keep.add(ref['snapshot-id']);
  for (const s of bySequence.slice(0, Math.max(1, options.keep ?? 1))) keep.add(s['snapshot-id']);
  if (options.olderThanMs !== undefined) {
    for (const s of bySequence) if (now - s['timestamp-ms'] < options.olderThanMs) keep.add(s['snapshot-id']);
  }
  const expired = metadata.snapshots.map((s) => s['snapshot-id']).filter((id) => !keep.has(id));
  const kept = metadata.snapshots.map((s) => s['snapshot-id']).filter((id) => keep.has(id));
  if (expired.length === 0) return { table, branch, expired, kept };
  const result = await catalog.commit({
    branch,
    expectedHash: head.hash,
    message: `expire ${expired.length} snapshots of ${table}`,
    changes: [
      {
        table,
        requirements: [
          { type: 'assert-table-uuid', uuid: metadata['table-uuid'] },
          { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': current?.['snapshot-id'] ?? null },
        ],
        updates: [
          { action: 'remove-snapshots', 'snapshot-ids': expired },
          { action: 'set-properties', updates: { [EXPIRED_BEFORE_PROPERTY]: String(now) } },
        ],
      },
    ],
  });
  return { table, branch, expired, kept, commit: result.branch.hash };
}

/**
 * The store key of every file a table's metadata references: itself, manifest lists, manifests, data files
 * of every snapshot. Keys, not URIs: metadata written before the data directory was moved names the same
 * files under the old path (locationKey).
 */
async function referencedFiles(
  store: ObjectStore,
  metadataLocation: string,
  metadata: TableMetadata,
  into: Set<string>,
) {
  const add = (location: string) => into.add(locationKey(store, location));
  add(metadataLocation);
  // Earlier metadata files stay with the table's history (as Iceberg's own orphan removal keeps them).
  for (const entry of metadata['metadata-log']) add(entry['metadata-file']);
  for (const snapshot of metadata.snapshots as Snapshot[]) {
    const listKey = locationKey(store, snapshot['manifest-list']);
    if (into.has(listKey)) continue;
    into.add(listKey);
    for (const manifest of await readManifestList(store, snapshot['manifest-list'])) {
      // Snapshots share the manifests they carried over: each is read once (a manifest never changes).
      const manifestKey = locationKey(store, manifest.manifestPath);
      if (into.has(manifestKey)) continue;
      into.add(manifestKey);
      for (const entry of await readManifest(store, manifest.manifestPath)) {
        // A DELETED entry only records that a file left the table; a snapshot that still reads it lists it live.
        if (entry.status !== ENTRY_STATUS.DELETED) add(entry.dataFile.filePath);
      }
    }
  }
}

export interface OrphanResult {
  table: TableName;
  /** Files under the table's location that nothing reachable references and that are old enough. */
  orphans: { uri: string; size: number; lastModified: string }[];
  /** Files referenced (kept). */
  referenced: number;
  deleted: boolean;
}

/**
 * Finds (and with `remove`, deletes) files under one table's location that no reachable metadata
 * references. Reachable: the table's metadata at the head of every branch, and at every commit of every
 * branch newer than the table's last expiry. Files younger than `olderThanMs` (default 3 days) are never
 * orphans: a writer may be about to commit them.
 * @example const { orphans } = await findOrphans(catalog, store, 'iot.gold_device_health', { remove: true });
 */
export async function findOrphans(
  catalog: Catalog,
  store: ObjectStore,
  table: TableName,
  options: { olderThanMs?: number; remove?: boolean; now?: number } = {},
): Promise<OrphanResult> {
  const now = options.now ?? Date.now();
  const olderThanMs = options.olderThanMs ?? 3 * 86_400_000;
  const referenced = new Set<string>();
  let location: string | undefined;
  let expiredBefore = 0;
  const visit = async (ref: string) => {
    // Only "no such table at this commit" is skipped: any other failure (an unknown commit, an unreadable
    // metadata file or manifest) must stop the scan, or live files would be taken for orphans.
    const loaded = await catalog.loadTable(ref, table).catch((error: unknown) => {
      if (error instanceof CatalogTableNotFoundError) return undefined;
      throw error;
    });
    if (!loaded) return;
    location ??= loaded.metadata.location;
    expiredBefore = Math.max(expiredBefore, Number(loaded.metadata.properties[EXPIRED_BEFORE_PROPERTY] ?? 0));
    await referencedFiles(store, loaded.metadataLocation, loaded.metadata, referenced);
  };
  // Every commit reachable from a branch head, by both parents (a merge's branch commits too), back to the
  // table's last expiry.
  const branches = await catalog.listBranches();
  for (const b of branches) await visit(b.hash);
  const seen = new Set<string>();
  const todo = branches.map((b) => b.hash);
  while (todo.length > 0) {
    const hash = todo.pop()!;
    if (seen.has(hash)) continue;
    seen.add(hash);
    const [commit] = await catalog.log(hash, { limit: 1 });
    if (!commit || commit.timeMs < expiredBefore) continue;
    if ((await catalog.listTables(hash)).includes(table)) await visit(hash);
    todo.push(...commit.parents);
  }
  const orphans: OrphanResult['orphans'] = [];
  if (location !== undefined) {
    for await (const object of store.list(`${locationKey(store, location)}/`)) {
      if (referenced.has(object.key)) continue;
      if (now - object.lastModified.getTime() < olderThanMs) continue;
      const uri = store.uri(object.key);
      orphans.push({ uri, size: object.size, lastModified: object.lastModified.toISOString() });
    }
  }
  if (options.remove) for (const o of orphans) await store.delete(store.keyOf(o.uri));
  return { table, orphans, referenced: referenced.size, deleted: options.remove === true };
}
