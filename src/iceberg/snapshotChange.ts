import { randomUUID } from 'node:crypto';
import type { ObjectStore } from '../store/objectStore.js';
import { encodeManifestList } from './manifestCodec.js';
import type { WrittenManifests } from './manifestWriter.js';
import type { TableChange } from './tableChange.js';
import type { DataFile, Snapshot } from './types.js';
import type { WriteTarget } from './writeTarget.js';

/**
 * Snapshot change: writes the manifest list, builds the snapshot (its summary counts what was added,
 * deleted and what the table now holds) and the catalog change that publishes it, which requires the
 * same table and the same snapshot and schema it was written on.
 */
export async function writeSnapshotChange(
  store: ObjectStore,
  target: WriteTarget,
  added: DataFile[],
  written: WrittenManifests,
  options: { mode: 'append' | 'overwrite-partitions'; summary?: Record<string, string> },
): Promise<{ snapshot: Snapshot; change: TableChange }> {
  const { parent, snapshotId, sequenceNumber, schema, metadata } = target;
  const { removed, existingFiles, existingRows } = written;
  const rows = added.reduce((n, f) => n + f.recordCount, 0);
  const removedRows = removed.reduce((n, f) => n + f.recordCount, 0);
  const listKey = `${target.tableKey}/metadata/snap-${snapshotId}-${randomUUID()}.avro`;
  await store.put(
    listKey,
    encodeManifestList({
      snapshotId,
      ...(parent ? { parentSnapshotId: parent['snapshot-id'] } : {}),
      sequenceNumber,
      manifests: written.manifests,
    }),
    { contentType: 'application/avro' },
  );
  const snapshot: Snapshot = {
    'snapshot-id': snapshotId,
    ...(parent ? { 'parent-snapshot-id': parent['snapshot-id'] } : {}),
    'sequence-number': sequenceNumber,
    'timestamp-ms': target.nowMs,
    'manifest-list': store.uri(listKey),
    summary: {
      operation: options.mode === 'append' || removed.length === 0 ? 'append' : 'overwrite',
      'added-data-files': String(added.length),
      'added-records': String(rows),
      'deleted-data-files': String(removed.length),
      'deleted-records': String(removedRows),
      'total-data-files': String(existingFiles + added.length),
      'total-records': String(existingRows + rows),
      ...(options.summary ?? {}),
    },
    'schema-id': schema['schema-id'],
  };
  const change: TableChange = {
    table: target.table,
    requirements: [
      { type: 'assert-table-uuid', uuid: metadata['table-uuid'] },
      { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': parent?.['snapshot-id'] ?? null },
      { type: 'assert-current-schema-id', 'current-schema-id': schema['schema-id'] },
    ],
    updates: [
      { action: 'add-snapshot', snapshot },
      { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': snapshotId },
    ],
  };
  return { snapshot, change };
}
