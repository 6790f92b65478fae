/**
 * Encoding and decoding of Iceberg v2 manifests and manifest lists: the kit's types (types.ts) to and from
 * the Avro records of manifestSchemas.ts, in Avro container files (avroContainer.ts).
 */
import { InvalidArgumentError } from '../errors.js';
import { asBuffer, readContainer, writeContainer } from './avroContainer.js';
import {
  type AvroManifestEntry,
  type AvroManifestFile,
  type KeyValue,
  MANIFEST_FILE_SCHEMA,
  type ManifestContext,
  manifestEntrySchema,
} from './manifestSchemas.js';
import {
  type DataFile,
  ENTRY_STATUS,
  type EntryStatus,
  type FieldSummary,
  type ManifestEntry,
  type ManifestFile,
} from './types.js';

function toPairs<T, U>(map: Map<number, T>, convert: (value: T) => U): KeyValue<U>[] {
  return [...map].map(([key, value]) => ({ key, value: convert(value) }));
}

function fromPairs<T, U>(pairs: KeyValue<T>[] | null, convert: (value: T) => U): Map<number, U> {
  return new Map((pairs ?? []).map(({ key, value }) => [key, convert(value)]));
}

const same = <T>(value: T): T => value;
/** A standalone copy: decoded bytes would otherwise be views into the whole file. */
const copyBytes = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes);

/**
 * Encodes a v2 data manifest: an Avro object container file (codec null) of `manifest_entry` records
 * whose embedded Avro schema carries the spec's field ids, and whose key-value metadata holds "schema"
 * (the Iceberg schema JSON), "schema-id", "partition-spec" (the spec's fields JSON array),
 * "partition-spec-id", "format-version" = "2" and "content" = "data". Every entry is written with its
 * snapshot_id, sequence_number and file_sequence_number (none is left to inheritance). The partition
 * tuple is read by partition field name; a missing value is written as null. Throws
 * InvalidArgumentError when a partition field name is not a valid Avro name, and naming the entry and
 * field when a value does not fit the schema.
 *
 * @example
 * const bytes = encodeManifest({ schema, spec }, [
 *   { status: ENTRY_STATUS.ADDED, snapshotId, sequenceNumber: 1, fileSequenceNumber: 1, dataFile },
 * ]);
 */
export function encodeManifest(context: ManifestContext, entries: ManifestEntry[]): Buffer {
  const { schema, spec } = context;
  const records = entries.map((entry): AvroManifestEntry => {
    const file = entry.dataFile;
    return {
      status: entry.status,
      snapshot_id: entry.snapshotId,
      sequence_number: entry.sequenceNumber,
      file_sequence_number: entry.fileSequenceNumber,
      data_file: {
        content: file.content,
        file_path: file.filePath,
        file_format: file.fileFormat,
        partition: Object.fromEntries(spec.fields.map((p) => [p.name, file.partition[p.name] ?? null])),
        record_count: file.recordCount,
        file_size_in_bytes: file.fileSizeInBytes,
        column_sizes: null,
        value_counts: toPairs(file.valueCounts, same),
        null_value_counts: toPairs(file.nullValueCounts, same),
        nan_value_counts: null,
        lower_bounds: toPairs(file.lowerBounds, asBuffer),
        upper_bounds: toPairs(file.upperBounds, asBuffer),
        key_metadata: null,
        split_offsets: null,
        equality_ids: null,
        sort_order_id: file.sortOrderId ?? null,
      },
    };
  });
  return writeContainer(
    manifestEntrySchema(context),
    records,
    {
      schema: JSON.stringify(schema),
      'schema-id': String(schema['schema-id']),
      'partition-spec': JSON.stringify(spec.fields),
      'partition-spec-id': String(spec['spec-id']),
      'format-version': '2',
      content: 'data',
    },
    'manifest entry',
  );
}

/** Throws unless `value` is one of `allowed`; narrows it to that union. */
function expectOneOf<T extends string | number>(what: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new InvalidArgumentError(`iceberg ${what}: unsupported value ${String(value)}`);
  }
  return value as T;
}

/** Throws when an inheritable field is null: inheriting from the manifest list is not supported here. */
function explicit(what: string, value: number | null): number {
  if (value === null) {
    throw new InvalidArgumentError(
      `iceberg manifest entry: ${what} is null (inherited values are not supported)`,
    );
  }
  return value;
}

/**
 * Decodes a data manifest written by {@link encodeManifest} (or any v2 data manifest whose entries carry
 * their snapshot id and sequence numbers explicitly). Returns its entries and the file's key-value
 * metadata (the Iceberg keys plus avro.schema and avro.codec). Maps absent from the file decode as empty
 * Maps, bounds as standalone Uint8Array copies. Throws CorruptManifestError naming `location` (the
 * file's URI) when the bytes are not an intact Avro container file with codec null, and
 * InvalidArgumentError for delete files, other formats than PARQUET and entries without a snapshot id or
 * sequence numbers.
 *
 * @example
 * const { entries, metadata } = decodeManifest(bytes);
 * metadata['partition-spec-id']; // '0'
 */
export function decodeManifest(
  bytes: Uint8Array,
  location = '(manifest bytes)',
): {
  entries: ManifestEntry[];
  metadata: Record<string, string>;
} {
  const { records, metadata } = readContainer(bytes, 'manifest', location);
  const entries = (records as AvroManifestEntry[]).map((record): ManifestEntry => {
    const file = record.data_file;
    const dataFile: DataFile = {
      content: expectOneOf('data file content', file.content, [0] as const),
      filePath: file.file_path,
      fileFormat: expectOneOf('data file format', file.file_format, ['PARQUET'] as const),
      partition: { ...file.partition },
      recordCount: file.record_count,
      fileSizeInBytes: file.file_size_in_bytes,
      valueCounts: fromPairs(file.value_counts, same),
      nullValueCounts: fromPairs(file.null_value_counts, same),
      lowerBounds: fromPairs(file.lower_bounds, copyBytes),
      upperBounds: fromPairs(file.upper_bounds, copyBytes),
    };
    if (file.sort_order_id !== null) dataFile.sortOrderId = file.sort_order_id;
    return {
      status: expectOneOf<EntryStatus>('manifest entry status', record.status, Object.values(ENTRY_STATUS)),
      snapshotId: explicit('snapshot_id', record.snapshot_id),
      sequenceNumber: explicit('sequence_number', record.sequence_number),
      fileSequenceNumber: explicit('file_sequence_number', record.file_sequence_number),
      dataFile,
    };
  });
  return { entries, metadata };
}

/**
 * Encodes a v2 manifest list: an Avro object container file (codec null) of `manifest_file` records
 * with key-value metadata "snapshot-id", "parent-snapshot-id" (only when given), "sequence-number" and
 * "format-version" = "2". Field summaries follow the partition spec's field order.
 *
 * @example
 * const bytes = encodeManifestList({ snapshotId, parentSnapshotId, sequenceNumber: 2, manifests });
 */
export function encodeManifestList(list: {
  snapshotId: number;
  parentSnapshotId?: number;
  sequenceNumber: number;
  manifests: ManifestFile[];
}): Buffer {
  const records = list.manifests.map(
    (m): AvroManifestFile => ({
      manifest_path: m.manifestPath,
      manifest_length: m.manifestLength,
      partition_spec_id: m.partitionSpecId,
      content: m.content,
      sequence_number: m.sequenceNumber,
      min_sequence_number: m.minSequenceNumber,
      added_snapshot_id: m.addedSnapshotId,
      added_files_count: m.addedFilesCount,
      existing_files_count: m.existingFilesCount,
      deleted_files_count: m.deletedFilesCount,
      added_rows_count: m.addedRowsCount,
      existing_rows_count: m.existingRowsCount,
      deleted_rows_count: m.deletedRowsCount,
      partitions: m.partitions.map((s) => ({
        contains_null: s.containsNull,
        contains_nan: s.containsNan ?? null,
        lower_bound: s.lowerBound ? asBuffer(s.lowerBound) : null,
        upper_bound: s.upperBound ? asBuffer(s.upperBound) : null,
      })),
      key_metadata: null,
    }),
  );
  const metadata: Record<string, string> = { 'snapshot-id': String(list.snapshotId) };
  if (list.parentSnapshotId !== undefined) metadata['parent-snapshot-id'] = String(list.parentSnapshotId);
  metadata['sequence-number'] = String(list.sequenceNumber);
  metadata['format-version'] = '2';
  return writeContainer(MANIFEST_FILE_SCHEMA, records, metadata, 'manifest list line');
}

/**
 * Decodes a manifest list written by {@link encodeManifestList} (or any v2 manifest list of data
 * manifests). Absent partition summaries decode as an empty array; absent contains_nan and bounds are
 * left out of the summary. Throws CorruptManifestError naming `location` (the file's URI) when the bytes
 * are not an intact Avro container file with codec null, and InvalidArgumentError for delete manifests.
 *
 * @example
 * const manifests = decodeManifestList(bytes);
 * manifests[0]?.manifestPath; // 's3://bucket/table/metadata/….avro'
 */
export function decodeManifestList(bytes: Uint8Array, location = '(manifest list bytes)'): ManifestFile[] {
  const { records } = readContainer(bytes, 'manifest list', location);
  return (records as AvroManifestFile[]).map(
    (m): ManifestFile => ({
      manifestPath: m.manifest_path,
      manifestLength: m.manifest_length,
      partitionSpecId: m.partition_spec_id,
      content: expectOneOf('manifest content', m.content, [0] as const),
      sequenceNumber: m.sequence_number,
      minSequenceNumber: m.min_sequence_number,
      addedSnapshotId: m.added_snapshot_id,
      addedFilesCount: m.added_files_count,
      existingFilesCount: m.existing_files_count,
      deletedFilesCount: m.deleted_files_count,
      addedRowsCount: m.added_rows_count,
      existingRowsCount: m.existing_rows_count,
      deletedRowsCount: m.deleted_rows_count,
      partitions: (m.partitions ?? []).map((s) => {
        const summary: FieldSummary = { containsNull: s.contains_null };
        if (s.contains_nan !== null) summary.containsNan = s.contains_nan;
        if (s.lower_bound !== null) summary.lowerBound = copyBytes(s.lower_bound);
        if (s.upper_bound !== null) summary.upperBound = copyBytes(s.upper_bound);
        return summary;
      }),
    }),
  );
}
