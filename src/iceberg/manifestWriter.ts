import { randomUUID } from 'node:crypto';
import { InvalidArgumentError } from '../errors.js';
import type { ObjectStore } from '../store/objectStore.js';
import { epochDay } from '../time/utcTime.js';
import { encodeBound } from './bounds.js';
import { encodeManifest } from './manifestCodec.js';
import { partitionRange, readManifest, readManifestList } from './manifestReader.js';
import {
  type DataFile,
  ENTRY_STATUS,
  type FieldSummary,
  type ManifestEntry,
  type ManifestFile,
  type PartitionSpec,
} from './types.js';
import type { WriteTarget } from './writeTarget.js';

/** Most manifests a table's snapshot lists unless a write says otherwise (LAMBDA_IOT_MANIFEST_BOUND). */
export const DEFAULT_MANIFEST_BOUND = 16;

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
 * One manifest of the new snapshot: a parent's manifest listed again as it is (its file, its manifest-list
 * line, its added_snapshot_id), or entries this write has still to put in a new manifest.
 */
type Planned = { carried: ManifestFile } | { entries: ManifestEntry[] };

/** Live files of a manifest-list line (entries ADDED or EXISTING). */
const liveFiles = (m: ManifestFile) => m.addedFilesCount + m.existingFilesCount;
const liveRows = (m: ManifestFile) => m.addedRowsCount + m.existingRowsCount;
/** Files a planned manifest will list (what merging it costs and weighs). */
const sizeOf = (p: Planned) => ('carried' in p ? liveFiles(p.carried) : p.entries.length);

/**
 * Whether a manifest may hold a file of one of the `replaced` partition values, by its partition summary
 * (the first field's lower and upper bound and contains_null); true when the summary cannot tell.
 */
function mayContain(m: ManifestFile, replaced: ReadonlySet<number | null>, spec: PartitionSpec): boolean {
  const range = partitionRange(m);
  if (spec.fields.length === 0 || range === undefined) return true;
  const { low, high, containsNull } = range;
  for (const value of replaced) {
    // No bounds: every value of the field is null (or the manifest has no live file).
    if (
      value === null ? containsNull : low !== undefined && high !== undefined && value >= low && value <= high
    )
      return true;
  }
  return false;
}

/** InvalidArgumentError unless a parent manifest was written with the spec this write uses. */
function assertSameSpec(target: WriteTarget, m: ManifestFile): void {
  if (m.partitionSpecId !== target.spec['spec-id']) {
    throw new InvalidArgumentError(
      `iceberg write to ${target.table}: manifest ${m.manifestPath} has partition spec ${m.partitionSpecId}, ` +
        `the table writes spec ${target.spec['spec-id']} (partition spec evolution is not supported)`,
    );
  }
}

/** A carried manifest's live entries, as a new manifest of this snapshot lists them: EXISTING, ids kept. */
async function existingEntries(store: ObjectStore, m: ManifestFile): Promise<ManifestEntry[]> {
  const entries = await readManifest(store, m.manifestPath);
  return entries
    .filter((e) => e.status !== ENTRY_STATUS.DELETED)
    .map((e) => ({ ...e, status: ENTRY_STATUS.EXISTING }));
}

/**
 * Keeps the snapshot at `bound` manifests or fewer: when there are more, as many of the smallest ones
 * (fewest files; ties: the oldest, then in list order) as it takes are merged into one new manifest. Entries this write made keep
 * their status (ADDED, or DELETED by this snapshot); a carried manifest's live entries become EXISTING
 * with their snapshot id and sequence numbers; entries an earlier snapshot DELETED are dropped (they
 * belong to that snapshot). Merging the smallest keeps the files a write rewrites few: a big manifest of
 * old history is merged only once the small ones have grown as big.
 */
async function mergeToBound(
  store: ObjectStore,
  target: WriteTarget,
  planned: Planned[],
  bound: number,
): Promise<Planned[]> {
  if (planned.length <= bound) return planned;
  const order = planned
    .map((p, index) => ({ p, index, seq: 'carried' in p ? p.carried.sequenceNumber : target.sequenceNumber }))
    .filter(({ p }) => !('carried' in p) || p.carried.partitionSpecId === target.spec['spec-id'])
    .sort((a, b) => sizeOf(a.p) - sizeOf(b.p) || a.seq - b.seq || a.index - b.index);
  const chosen = new Set(order.slice(0, planned.length - bound + 1).map((o) => o.index));
  if (chosen.size < 2) return planned;
  const merged: ManifestEntry[] = [];
  for (const [index, p] of planned.entries()) {
    if (!chosen.has(index)) continue;
    merged.push(...('carried' in p ? await existingEntries(store, p.carried) : p.entries));
  }
  return [...planned.filter((_, index) => !chosen.has(index)), { entries: merged }];
}

/**
 * Manifests of a new snapshot: one of the added files; then the parent's manifests. An append lists them
 * as they are. An overwrite replaces every file of a replaced day (a day the new rows fall in, or one of
 * `replaceDays`): a parent manifest whose partition summary cannot hold a replaced day is listed as it is
 * (same file, same added_snapshot_id: untouched history is never read or rewritten), one that may is read
 * and, when it does hold one, rewritten with those files DELETED (by this snapshot) and its other live files
 * EXISTING (their snapshot ids and sequence numbers kept). A parent manifest without live files (only
 * entries an earlier snapshot deleted) is left out. Then, with `bound`, manifests are merged until the
 * snapshot lists at most `bound` (mergeToBound).
 */
export async function writeManifests(
  store: ObjectStore,
  target: WriteTarget,
  added: DataFile[],
  options: {
    mode: 'append' | 'overwrite-partitions';
    replaceDays?: string[];
    partitions: (number | null)[];
    /** Most manifests the snapshot lists; undefined = no merging. */
    bound?: number;
  },
): Promise<WrittenManifests> {
  const { parent, partField, spec, snapshotId, sequenceNumber } = target;
  let planned: Planned[] = [];
  const removed: DataFile[] = [];
  if (added.length > 0) {
    const entries = added.map((dataFile) => ({
      status: ENTRY_STATUS.ADDED,
      snapshotId,
      sequenceNumber,
      fileSequenceNumber: sequenceNumber,
      dataFile,
    }));
    planned.push({ entries });
  }
  const replaced = new Set<number | null>(
    options.mode === 'append' ? [] : [...options.partitions, ...(options.replaceDays ?? []).map(epochDay)],
  );
  const parentManifests = parent === undefined ? [] : await readManifestList(store, parent['manifest-list']);
  for (const m of parentManifests) {
    if (liveFiles(m) === 0) continue;
    if (replaced.size === 0 || !mayContain(m, replaced, spec)) {
      planned.push({ carried: m });
      continue;
    }
    assertSameSpec(target, m);
    const entries = (await readManifest(store, m.manifestPath)).filter(
      (e) => e.status !== ENTRY_STATUS.DELETED,
    );
    const dayOf = (e: ManifestEntry) => (partField ? (e.dataFile.partition[partField.name] ?? null) : null);
    if (!entries.some((e) => replaced.has(dayOf(e)))) {
      planned.push({ carried: m });
      continue;
    }
    const rewritten = entries.map((entry): ManifestEntry => {
      if (!replaced.has(dayOf(entry))) return { ...entry, status: ENTRY_STATUS.EXISTING };
      removed.push(entry.dataFile);
      return { ...entry, status: ENTRY_STATUS.DELETED, snapshotId };
    });
    planned.push({ entries: rewritten });
  }
  if (options.bound !== undefined) planned = await mergeToBound(store, target, planned, options.bound);
  const manifests: ManifestFile[] = [];
  let existingFiles = 0;
  let existingRows = 0;
  for (const p of planned) {
    const m = 'carried' in p ? p.carried : await writeManifest(store, target, p.entries, manifests.length);
    manifests.push(m);
    existingFiles += liveFiles(m);
    existingRows += liveRows(m);
  }
  // Live files of the table but the ones this snapshot added.
  existingFiles -= added.length;
  existingRows -= added.reduce((n, f) => n + f.recordCount, 0);
  return { manifests, removed, existingFiles, existingRows };
}
