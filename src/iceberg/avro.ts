/**
 * Avro encoding of Iceberg v2 manifests and manifest lists (table spec: "Manifests", "Manifest Lists",
 * Appendix A "Avro"). Files are Avro object container files with codec "null" and a single data block.
 *
 * The Avro schemas are written as raw JSON objects carrying Iceberg's ids (`field-id` on every record
 * field, `element-id` on lists; maps with int keys are arrays of `k<key-id>_v<value-id>` records with
 * logicalType "map" whose key/value fields carry the ids), and record names follow the Java reference
 * implementation (manifest_entry, r2, r102, manifest_file, r508). avsc drops such custom attributes when
 * it re-exports a schema from a Type, so the header stores the raw JSON, and each Type is built from it.
 */
import { randomBytes } from 'node:crypto';
import avro from 'avsc';
import { InvalidArgumentError } from '../errors.js';
import {
  type DataFile,
  ENTRY_STATUS,
  type EntryStatus,
  type FieldSummary,
  type IcebergPrimitive,
  type IcebergSchema,
  type ManifestEntry,
  type ManifestFile,
  type PartitionField,
  type PartitionSpec,
  type Transform,
} from './types.js';

/** An Avro record field with its Iceberg field id; optional fields are ["null", T] unions defaulting to null. */
export interface AvroField {
  name: string;
  type: AvroSchema;
  'field-id': number;
  default?: null;
}

/** An Avro record: an Iceberg struct. */
export interface AvroRecordSchema {
  type: 'record';
  name: string;
  fields: AvroField[];
}

/** An Avro array: an Iceberg list (with `element-id`) or, with logicalType "map", an int-keyed map. */
export interface AvroArraySchema {
  type: 'array';
  items: AvroSchema;
  'element-id'?: number;
  logicalType?: 'map';
}

/** A primitive with a logical type annotation (date, timestamp-micros with Iceberg's adjust-to-utc). */
export interface AvroLogicalSchema {
  type: 'int' | 'long';
  logicalType: 'date' | 'timestamp-micros';
  'adjust-to-utc'?: boolean;
}

/** An Avro schema as JSON, the subset Iceberg manifests use. */
export type AvroSchema =
  | 'null'
  | 'boolean'
  | 'int'
  | 'long'
  | 'float'
  | 'double'
  | 'bytes'
  | 'string'
  | AvroRecordSchema
  | AvroArraySchema
  | AvroLogicalSchema
  | AvroSchema[];

/** What a manifest's Avro schema and key-value metadata are derived from. */
export interface ManifestContext {
  schema: IcebergSchema;
  spec: PartitionSpec;
}

const field = (id: number, name: string, type: AvroSchema): AvroField => ({ name, type, 'field-id': id });

const optional = (id: number, name: string, type: AvroSchema): AvroField => ({
  name,
  type: ['null', type],
  default: null,
  'field-id': id,
});

const list = (elementId: number, items: AvroSchema): AvroArraySchema => ({
  type: 'array',
  items,
  'element-id': elementId,
});

/** An Iceberg map<int, value> in Avro: an array of key/value records with logicalType "map". */
const intKeyedMap = (keyId: number, valueId: number, value: AvroSchema): AvroArraySchema => ({
  type: 'array',
  logicalType: 'map',
  items: {
    type: 'record',
    name: `k${keyId}_v${valueId}`,
    fields: [field(keyId, 'key', 'int'), field(valueId, 'value', value)],
  },
});

const PRIMITIVE_AVRO: Record<IcebergPrimitive, AvroSchema> = {
  boolean: 'boolean',
  int: 'int',
  long: 'long',
  float: 'float',
  double: 'double',
  date: { type: 'int', logicalType: 'date' },
  timestamp: { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': false },
  timestamptz: { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': true },
  string: 'string',
  binary: 'bytes',
};

const TEMPORAL_TRANSFORMS: readonly Transform[] = ['day', 'month', 'year'];

/**
 * The Avro type of a partition field's values in the manifest's partition struct: `int` for the day,
 * month and year transforms (days, months or years since 1970), the source column's Avro type for
 * identity and void. The struct field itself is optional (["null", T]) with the partition field's id.
 *
 * @example
 * partitionFieldAvroType(schema, { 'source-id': 2, 'field-id': 1000, name: 'date_day', transform: 'day' }); // 'int'
 */
export function partitionFieldAvroType(schema: IcebergSchema, partitionField: PartitionField): AvroSchema {
  const source = schema.fields.find((f) => f.id === partitionField['source-id']);
  if (!source || typeof source.type !== 'string') {
    throw new InvalidArgumentError(
      `iceberg partition field ${partitionField.name}: source-id ${partitionField['source-id']} is not a primitive column of schema ${schema['schema-id']}`,
      { context: { partitionField } },
    );
  }
  return TEMPORAL_TRANSFORMS.includes(partitionField.transform) ? 'int' : PRIMITIVE_AVRO[source.type];
}

/** Avro field names: partition field names become the partition struct's Avro field names. */
const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The manifest_entry schema of a v2 data manifest for one partition spec. */
function manifestEntrySchema({ schema, spec }: ManifestContext): AvroRecordSchema {
  for (const p of spec.fields) {
    if (!AVRO_NAME.test(p.name)) {
      throw new InvalidArgumentError(
        `iceberg partition field ${p.name}: not a valid Avro name (letters, digits and _, not starting with a digit)`,
        { context: { partitionField: p } },
      );
    }
  }
  const partition: AvroRecordSchema = {
    type: 'record',
    name: 'r102',
    fields: spec.fields.map((p) => optional(p['field-id'], p.name, partitionFieldAvroType(schema, p))),
  };
  const dataFile: AvroRecordSchema = {
    type: 'record',
    name: 'r2',
    fields: [
      field(134, 'content', 'int'),
      field(100, 'file_path', 'string'),
      field(101, 'file_format', 'string'),
      field(102, 'partition', partition),
      field(103, 'record_count', 'long'),
      field(104, 'file_size_in_bytes', 'long'),
      optional(108, 'column_sizes', intKeyedMap(117, 118, 'long')),
      optional(109, 'value_counts', intKeyedMap(119, 120, 'long')),
      optional(110, 'null_value_counts', intKeyedMap(121, 122, 'long')),
      optional(137, 'nan_value_counts', intKeyedMap(138, 139, 'long')),
      optional(125, 'lower_bounds', intKeyedMap(126, 127, 'bytes')),
      optional(128, 'upper_bounds', intKeyedMap(129, 130, 'bytes')),
      optional(131, 'key_metadata', 'bytes'),
      optional(132, 'split_offsets', list(133, 'long')),
      optional(135, 'equality_ids', list(136, 'int')),
      optional(140, 'sort_order_id', 'int'),
    ],
  };
  return {
    type: 'record',
    name: 'manifest_entry',
    fields: [
      field(0, 'status', 'int'),
      optional(1, 'snapshot_id', 'long'),
      optional(3, 'sequence_number', 'long'),
      optional(4, 'file_sequence_number', 'long'),
      field(2, 'data_file', dataFile),
    ],
  };
}

/** The manifest_file schema of a v2 manifest list. */
const MANIFEST_FILE_SCHEMA: AvroRecordSchema = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    field(500, 'manifest_path', 'string'),
    field(501, 'manifest_length', 'long'),
    field(502, 'partition_spec_id', 'int'),
    field(517, 'content', 'int'),
    field(515, 'sequence_number', 'long'),
    field(516, 'min_sequence_number', 'long'),
    field(503, 'added_snapshot_id', 'long'),
    field(504, 'added_files_count', 'int'),
    field(505, 'existing_files_count', 'int'),
    field(506, 'deleted_files_count', 'int'),
    field(512, 'added_rows_count', 'long'),
    field(513, 'existing_rows_count', 'long'),
    field(514, 'deleted_rows_count', 'long'),
    optional(
      507,
      'partitions',
      list(508, {
        type: 'record',
        name: 'r508',
        fields: [
          field(509, 'contains_null', 'boolean'),
          optional(518, 'contains_nan', 'boolean'),
          optional(510, 'lower_bound', 'bytes'),
          optional(511, 'upper_bound', 'bytes'),
        ],
      }),
    ),
    optional(519, 'key_metadata', 'bytes'),
  ],
};

/** avsc's schema parameter type (its typings do not export the name). */
type AvscSchema = Parameters<typeof avro.Type.forSchema>[0];

/** Builds an avsc Type from a raw JSON schema (never from another Type: that would drop the Iceberg ids). */
const typeOf = (schema: unknown): avro.Type => avro.Type.forSchema(schema as AvscSchema);

const MAGIC = Buffer.from('Obj\x01', 'latin1');
const SYNC_SIZE = 16;
const HEADER_TYPE = typeOf({
  type: 'record',
  name: 'org.apache.avro.file.Header',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: MAGIC.length } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: SYNC_SIZE } },
  ],
});
const LONG_TYPE = typeOf('long');

/** A map<int, T> entry as Avro stores it. */
interface KeyValue<T> {
  key: number;
  value: T;
}

/** The Avro shape of a manifest entry (snake_case, as the schema names the fields). */
interface AvroManifestEntry {
  status: number;
  snapshot_id: number | null;
  sequence_number: number | null;
  file_sequence_number: number | null;
  data_file: {
    content: number;
    file_path: string;
    file_format: string;
    partition: Record<string, number | null>;
    record_count: number;
    file_size_in_bytes: number;
    column_sizes: KeyValue<number>[] | null;
    value_counts: KeyValue<number>[] | null;
    null_value_counts: KeyValue<number>[] | null;
    nan_value_counts: KeyValue<number>[] | null;
    lower_bounds: KeyValue<Uint8Array>[] | null;
    upper_bounds: KeyValue<Uint8Array>[] | null;
    key_metadata: Uint8Array | null;
    split_offsets: number[] | null;
    equality_ids: number[] | null;
    sort_order_id: number | null;
  };
}

/** The Avro shape of a manifest list line. */
interface AvroManifestFile {
  manifest_path: string;
  manifest_length: number;
  partition_spec_id: number;
  content: number;
  sequence_number: number;
  min_sequence_number: number;
  added_snapshot_id: number;
  added_files_count: number;
  existing_files_count: number;
  deleted_files_count: number;
  added_rows_count: number;
  existing_rows_count: number;
  deleted_rows_count: number;
  partitions:
    | {
        contains_null: boolean;
        contains_nan: boolean | null;
        lower_bound: Uint8Array | null;
        upper_bound: Uint8Array | null;
      }[]
    | null;
  key_metadata: Uint8Array | null;
}

/** avsc writes `bytes` from Buffers only: a view over the same memory. */
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

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
 * An Avro object container file, codec "null": header (magic, metadata with `avro.schema` as the raw JSON
 * and `avro.codec`, sync marker), then one block with all records, or none when there are no records.
 */
function writeContainer(
  schema: AvroRecordSchema,
  records: unknown[],
  metadata: Record<string, string>,
  what: string,
): Buffer {
  const type = typeOf(schema);
  const data = records.map((record, index) => {
    const problems: string[] = [];
    const errorHook = (path: string[], value: unknown): void => {
      problems.push(`${path.join('.')}=${String(value)}`);
    };
    if (!type.isValid(record, { errorHook })) {
      throw new InvalidArgumentError(`iceberg ${what} ${index}: invalid ${problems.join(', ')}`, {
        context: { index, problems },
      });
    }
    return type.toBuffer(record);
  });
  const meta: Record<string, Buffer> = {};
  for (const [key, value] of Object.entries(metadata)) meta[key] = Buffer.from(value, 'utf8');
  meta['avro.schema'] = Buffer.from(JSON.stringify(schema), 'utf8');
  meta['avro.codec'] = Buffer.from('null', 'utf8');
  const sync = randomBytes(SYNC_SIZE);
  const parts = [HEADER_TYPE.toBuffer({ magic: MAGIC, meta, sync })];
  if (data.length > 0) {
    const block = Buffer.concat(data);
    parts.push(LONG_TYPE.toBuffer(data.length), LONG_TYPE.toBuffer(block.length), block, sync);
  }
  return Buffer.concat(parts);
}

function unreadable(what: string, reason: string): never {
  throw new InvalidArgumentError(`iceberg ${what} unreadable: ${reason}`);
}

/**
 * Decodes an Avro object container file (codec "null") with the schema embedded in its header. Longs
 * decode to numbers (avsc throws on values beyond 2^53). Returns the records and the header's key-value
 * metadata as UTF-8 strings.
 */
function readContainer(
  bytes: Uint8Array,
  what: string,
): { records: unknown[]; metadata: Record<string, string> } {
  const fail = (reason: string): never => unreadable(what, reason);
  const buf = asBuffer(bytes);
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) fail('not an Avro file');
  const header = HEADER_TYPE.decode(buf, 0);
  if (header.offset < 0) fail('truncated header');
  const { meta, sync } = header.value as { meta: Record<string, Buffer>; sync: Buffer };
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(meta)) metadata[key] = value.toString('utf8');
  const codec = metadata['avro.codec'] ?? 'null';
  if (codec !== 'null') fail(`unsupported codec ${codec}`);
  const type = typeOf(JSON.parse(metadata['avro.schema'] ?? fail('no avro.schema')));

  const records: unknown[] = [];
  let offset = header.offset;
  while (offset < buf.length) {
    const count = LONG_TYPE.decode(buf, offset);
    if (count.offset < 0) fail('truncated block');
    const size = LONG_TYPE.decode(buf, count.offset);
    const start = size.offset;
    const end = start + (size.value as number);
    if (start < 0 || end + SYNC_SIZE > buf.length) fail('truncated block');
    if (!buf.subarray(end, end + SYNC_SIZE).equals(sync)) fail('sync marker mismatch');
    let position = start;
    for (let i = 0; i < (count.value as number); i++) {
      const record = type.decode(buf, position);
      if (record.offset < 0 || record.offset > end) fail('record overruns its block');
      records.push(record.value);
      position = record.offset;
    }
    offset = end + SYNC_SIZE;
  }
  return { records, metadata };
}

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
 * Maps, bounds as standalone Uint8Array copies. Throws InvalidArgumentError for other codecs than null,
 * delete files, other formats than PARQUET and entries without a snapshot id or sequence numbers.
 *
 * @example
 * const { entries, metadata } = decodeManifest(bytes);
 * metadata['partition-spec-id']; // '0'
 */
export function decodeManifest(bytes: Uint8Array): {
  entries: ManifestEntry[];
  metadata: Record<string, string>;
} {
  const { records, metadata } = readContainer(bytes, 'manifest');
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
 * left out of the summary. Throws InvalidArgumentError for delete manifests and other codecs than null.
 *
 * @example
 * const manifests = decodeManifestList(bytes);
 * manifests[0]?.manifestPath; // 's3://bucket/table/metadata/….avro'
 */
export function decodeManifestList(bytes: Uint8Array): ManifestFile[] {
  const { records } = readContainer(bytes, 'manifest list');
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
