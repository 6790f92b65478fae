import { randomUUID } from 'node:crypto';
import type { ObjectStore } from '../store/objectStore.js';
import { epochDay } from '../time/utcTime.js';
import { encodeBound } from './bounds.js';
import { encodeManifest } from './manifestCodec.js';
import { liveEntries, readManifestList } from './manifestReader.js';
import {
  type DataFile,
  ENTRY_STATUS,
  type FieldSummary,
  type ManifestEntry,
  type ManifestFile,
  type PartitionSpec,
} from './types.js';
import type { WriteTarget } from './writeTarget.js';

/** The manifests of a new snapshot and what they say about the table. */
export interface WrittenManifests {
  manifests: ManifestFile[];
  /** Data files the overwrite removed (marked DELETED). */
  removed: DataFile[];
  /** Live files and rows carried over from the parent snapshot. */
  existingFiles: number;
  existingRows: number;
}

/** Per partition field: whether a live entry has no value, and the lowest and highest value (as int bounds). */
function summarize(spec: PartitionSpec, entries: readonly ManifestEntry[]): FieldSummary[] {
  return spec.fields.map((field) => {
    const values = entries.map((e) => e.dataFile.partition[field.name] ?? null);
    const present = values.filter((v): v is number => v !== null);
    return {
      containsNull: present.length < values.length,
      ...(present.length > 0
        ? {
            lowerBound: encodeBound('int', Math.min(...present)),
            upperBound: encodeBound('int', Math.max(...present)),
          }
        : {}),
    };
  });
}

/** Writes one manifest of `entries` and returns its manifest-list line. */
async function writeManifest(
  store: ObjectStore,
  target: WriteTarget,
  entries: ManifestEntry[],
  index: number,
): Promise<ManifestFile> {
  const { schema, spec, snapshotId, sequenceNumber } = target;
  const bytes = encodeManifest({ schema, spec }, entries);
  const key = `${target.tableKey}/metadata/${randomUUID()}-m${index}.avro`;
  await store.put(key, bytes, { contentType: 'application/avro' });
  const withStatus = (s: number) => entries.filter((e) => e.status === s);
  const rows = (s: number) => withStatus(s).reduce((n, e) => n + e.dataFile.recordCount, 0);
  return {
    manifestPath: store.uri(key),
    manifestLength: bytes.byteLength,
    partitionSpecId: spec['spec-id'],
    content: 0,
    sequenceNumber,
    minSequenceNumber: Math.min(...entries.map((e) => e.sequenceNumber)),
    addedSnapshotId: snapshotId,
    addedFilesCount: withStatus(ENTRY_STATUS.ADDED).length,
    existingFilesCount: withStatus(ENTRY_STATUS.EXISTING).length,
    deletedFilesCount: withStatus(ENTRY_STATUS.DELETED).length,
    addedRowsCount: rows(ENTRY_STATUS.ADDED),
    existingRowsCount: rows(ENTRY_STATUS.EXISTING),
    deletedRowsCount: rows(ENTRY_STATUS.DELETED),
    partitions: summarize(
      spec,
      entries.filter((e) => e.status !== ENTRY_STATUS.DELETED),
    ),
  };
}

/**
 * Manifests: the added files in one; then for an append the parent's manifests as they are, for an
 * overwrite one manifest of the parent's live files with every file of a replaced day (a day the new rows
 * fall in, or one of `replaceDays`) marked DELETED and the others EXISTING.
 */
export async function writeManifests(
  store: ObjectStore,
  target: WriteTarget,
  added: DataFile[],
  options: { mode: 'append' | 'overwrite-partitions'; replaceDays?: string[]; partitions: (number | null)[] },
): Promise<WrittenManifests> {
  const { parent, partField, snapshotId, sequenceNumber } = target;
  const manifests: ManifestFile[] = [];
  const removed: DataFile[] = [];
  let existingFiles = 0;
  let existingRows = 0;
  if (added.length > 0) {
    const entries = added.map((dataFile) => ({
      status: ENTRY_STATUS.ADDED,
      snapshotId,
      sequenceNumber,
      fileSequenceNumber: sequenceNumber,
      dataFile,
    }));
    manifests.push(await writeManifest(store, target, entries, manifests.length));
  }
  if (parent === undefined) return { manifests, removed, existingFiles, existingRows };
  if (options.mode === 'append') {
    const list = await readManifestList(store, parent['manifest-list']);
    manifests.push(...list);
    for (const m of list) {
      existingFiles += m.addedFilesCount + m.existingFilesCount;
      existingRows += m.addedRowsCount + m.existingRowsCount;
    }
    return { manifests, removed, existingFiles, existingRows };
  }
  const replaced = new Set<number | null>([
    ...options.partitions,
    ...(options.replaceDays ?? []).map(epochDay),
  ]);
  const kept: ManifestEntry[] = [];
  for (const entry of await liveEntries(store, parent)) {
    const value = partField ? (entry.dataFile.partition[partField.name] ?? null) : null;
    if (replaced.has(value)) {
      removed.push(entry.dataFile);
      kept.push({ ...entry, status: ENTRY_STATUS.DELETED, snapshotId });
    } else {
      existingFiles++;
      existingRows += entry.dataFile.recordCount;
      kept.push({ ...entry, status: ENTRY_STATUS.EXISTING });
    }
  }
  if (kept.length > 0) manifests.push(await writeManifest(store, target, kept, manifests.length));
  return { manifests, removed, existingFiles, existingRows };
}
