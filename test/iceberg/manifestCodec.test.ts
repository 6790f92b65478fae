import avro from 'avsc';
import { avroMetadata, avroRead } from 'icebird';
import { describe, expect, it } from 'vitest';
import { CatalogError, CorruptManifestError, InvalidArgumentError } from '../../src/errors.js';
import { encodeBound } from '../../src/iceberg/bounds.js';
import {
  decodeManifest,
  decodeManifestList,
  encodeManifest,
  encodeManifestList,
} from '../../src/iceberg/manifestCodec.js';
import { type ManifestContext, partitionFieldAvroType } from '../../src/iceberg/manifestSchemas.js';
import {
  ENTRY_STATUS,
  type IcebergSchema,
  type ManifestEntry,
  type ManifestFile,
  type PartitionSpec,
} from '../../src/iceberg/types.js';

const schema: IcebergSchema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'device_id', required: true, type: 'string' },
    { id: 2, name: 'date', required: true, type: 'date' },
    { id: 3, name: 'score', required: false, type: 'double' },
    {
      id: 4,
      name: 'failed_components',
      required: false,
      type: { type: 'list', 'element-id': 5, element: 'string', 'element-required': true },
    },
  ],
};
const spec: PartitionSpec = {
  'spec-id': 0,
  fields: [{ 'source-id': 2, 'field-id': 1000, name: 'date_day', transform: 'day' }],
};
const context: ManifestContext = { schema, spec };

const DAY_1 = 20_179; // 2025-04-01
const DAY_2 = 20_180;
const SNAPSHOT_1 = 8_723_451_190_237_113; // below 2^53, above 2^32: exercises Avro long
const SNAPSHOT_2 = 4_031_224_998_712_345;

const entries: ManifestEntry[] = [
  {
    status: ENTRY_STATUS.ADDED,
    snapshotId: SNAPSHOT_2,
    sequenceNumber: 2,
    fileSequenceNumber: 2,
    dataFile: {
      content: 0,
      filePath: 's3://lake/warehouse/telemetry/data/date_day=2025-04-02/00000-1.parquet',
      fileFormat: 'PARQUET',
      partition: { date_day: DAY_2 },
      recordCount: 1234,
      fileSizeInBytes: 56_789,
      valueCounts: new Map([
        [1, 1234],
        [2, 1234],
        [3, 1234],
        [5, 40],
      ]),
      nullValueCounts: new Map([
        [1, 0],
        [2, 0],
        [3, 17],
      ]),
      lowerBounds: new Map([
        [1, encodeBound('string', 'dev-001')],
        [2, encodeBound('date', DAY_2)],
        [3, encodeBound('double', -1.5)],
      ]),
      upperBounds: new Map([
        [1, encodeBound('string', 'dev-042')],
        [2, encodeBound('date', DAY_2)],
        [3, encodeBound('double', 99.25)],
      ]),
      sortOrderId: 0,
    },
  },
  {
    status: ENTRY_STATUS.EXISTING,
    snapshotId: SNAPSHOT_1,
    sequenceNumber: 1,
    fileSequenceNumber: 1,
    dataFile: {
      content: 0,
      filePath: 's3://lake/warehouse/telemetry/data/date_day=2025-04-01/00000-0.parquet',
      fileFormat: 'PARQUET',
      partition: { date_day: DAY_1 },
      recordCount: 3_000_000_000, // beyond int32
      fileSizeInBytes: 2 ** 40,
      valueCounts: new Map(),
      nullValueCounts: new Map(),
      lowerBounds: new Map(),
      upperBounds: new Map(),
    },
  },
];

const manifests: ManifestFile[] = [
  {
    manifestPath: 's3://lake/warehouse/telemetry/metadata/snap-2-m0.avro',
    manifestLength: 7021,
    partitionSpecId: 0,
    content: 0,
    sequenceNumber: 2,
    minSequenceNumber: 2,
    addedSnapshotId: SNAPSHOT_2,
    addedFilesCount: 1,
    existingFilesCount: 0,
    deletedFilesCount: 0,
    addedRowsCount: 1234,
    existingRowsCount: 0,
    deletedRowsCount: 0,
    partitions: [
      {
        containsNull: false,
        containsNan: false,
        lowerBound: encodeBound('int', DAY_2),
        upperBound: encodeBound('int', DAY_2),
      },
    ],
  },
  {
    manifestPath: 's3://lake/warehouse/telemetry/metadata/snap-1-m0.avro',
    manifestLength: 6540,
    partitionSpecId: 0,
    content: 0,
    sequenceNumber: 1,
    minSequenceNumber: 1,
    addedSnapshotId: SNAPSHOT_1,
    addedFilesCount: 0,
    existingFilesCount: 1,
    deletedFilesCount: 0,
    addedRowsCount: 0,
    existingRowsCount: 3_000_000_000,
    deletedRowsCount: 0,
    partitions: [{ containsNull: true }],
  },
];

const list = { snapshotId: SNAPSHOT_2, parentSnapshotId: SNAPSHOT_1, sequenceNumber: 2, manifests };

/** Reads a container file with avsc's own streaming OCF decoder: the header metadata and the records. */
function readWithAvsc(bytes: Buffer): Promise<{ meta: Record<string, Buffer>; records: unknown[] }> {
  return new Promise((resolve, reject) => {
    const decoder = new avro.streams.BlockDecoder();
    let meta: Record<string, Buffer> = {};
    const records: unknown[] = [];
    decoder.on('metadata', (_type: avro.Type, _codec: string, header: { meta: Record<string, Buffer> }) => {
      meta = header.meta;
    });
    decoder.on('data', (record: unknown) => records.push(record));
    decoder.on('end', () => resolve({ meta, records }));
    decoder.on('error', reject);
    decoder.end(bytes);
  });
}

/** Reads a container file the way icebird's fetchAvroRecords does, from a hyparquet-style DataReader. */
function readWithIcebird(bytes: Buffer): {
  metadata: Record<string, unknown>;
  records: Record<string, unknown>[];
} {
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  const { metadata, syncMarker } = avroMetadata(reader);
  return { metadata, records: avroRead({ reader, metadata, syncMarker }) };
}

/** A node of an Avro schema as parsed from a file header. */
interface SchemaNode {
  type?: unknown;
  name?: string;
  fields?: SchemaNode[];
  items?: unknown;
  default?: unknown;
  'field-id'?: number;
}

/** The embedded Avro schema of a container file, parsed from its header. */
const embeddedSchema = (meta: Record<string, Buffer>): SchemaNode =>
  JSON.parse(meta['avro.schema']?.toString() ?? 'null') as SchemaNode;

/** The record fields of a (possibly optional) record schema by name. */
function fieldsOf(type: unknown): Record<string, SchemaNode> {
  const record = (Array.isArray(type) ? type.find((t) => t !== 'null') : type) as SchemaNode;
  expect(record.type).toBe('record');
  return Object.fromEntries((record.fields ?? []).map((f) => [f.name, f]));
}

/** `field-id` by field name. */
const idsOf = (type: unknown): Record<string, number | undefined> =>
  Object.fromEntries(Object.entries(fieldsOf(type)).map(([name, f]) => [name, f['field-id']]));

/** The non-null branch of an optional field's type. */
function nonNull(field: SchemaNode | undefined): SchemaNode {
  const union = field?.type;
  expect(union).toHaveLength(2);
  return (union as unknown[]).find((t) => t !== 'null') as SchemaNode;
}

/** Every record field in the schema, depth first, as [path, field]. */
function allFields(type: unknown, path = ''): [string, SchemaNode][] {
  if (Array.isArray(type)) return type.flatMap((t) => allFields(t, path));
  if (typeof type !== 'object' || type === null) return [];
  const node = type as SchemaNode;
  if (node.type === 'array') return allFields(node.items, `${path}[]`);
  if (node.type !== 'record') return [];
  return (node.fields ?? []).flatMap((f): [string, SchemaNode][] => [
    [`${path}.${f.name}`, f],
    ...allFields(f.type, `${path}.${f.name}`),
  ]);
}

describe('manifest', () => {
  it('round-trips entries (ADDED and EXISTING) with partition values, counts and bounds', () => {
    const bytes = encodeManifest(context, entries);
    const decoded = decodeManifest(bytes);
    expect(decoded.entries).toEqual(entries);
    expect(decoded.entries[0]?.dataFile.lowerBounds.get(1)).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(decoded.entries[0]?.dataFile.lowerBounds.get(1))).toBe(false);
    expect(decoded.entries[1]?.dataFile).not.toHaveProperty('sortOrderId');
  });

  it('writes the Iceberg key-value metadata and codec null', () => {
    const { metadata } = decodeManifest(encodeManifest(context, entries));
    expect(JSON.parse(metadata.schema ?? '')).toEqual(schema);
    expect(JSON.parse(metadata['partition-spec'] ?? '')).toEqual(spec.fields);
    expect(metadata).toMatchObject({
      'schema-id': '0',
      'partition-spec-id': '0',
      'format-version': '2',
      content: 'data',
      'avro.codec': 'null',
    });
  });

  it('embeds an Avro schema whose fields all carry the spec field ids', async () => {
    const bytes = encodeManifest(context, entries);
    const { meta, records } = await readWithAvsc(bytes);
    expect(records).toHaveLength(2);
    expect(meta['avro.codec']?.toString()).toBe('null');
    const entrySchema = embeddedSchema(meta);
    expect(entrySchema.name).toBe('manifest_entry');
    expect(idsOf(entrySchema)).toEqual({
      status: 0,
      snapshot_id: 1,
      sequence_number: 3,
      file_sequence_number: 4,
      data_file: 2,
    });

    const entryFields = fieldsOf(entrySchema);
    const dataFile = entryFields.data_file!;
    expect(dataFile.type).toMatchObject({ name: 'r2' });
    expect(idsOf(dataFile.type)).toEqual({
      content: 134,
      file_path: 100,
      file_format: 101,
      partition: 102,
      record_count: 103,
      file_size_in_bytes: 104,
      column_sizes: 108,
      value_counts: 109,
      null_value_counts: 110,
      nan_value_counts: 137,
      lower_bounds: 125,
      upper_bounds: 128,
      key_metadata: 131,
      split_offsets: 132,
      equality_ids: 135,
      sort_order_id: 140,
    });

    const dataFileFields = fieldsOf(dataFile.type);
    const partition = dataFileFields.partition!;
    expect(partition.type).toMatchObject({ name: 'r102' });
    expect(idsOf(partition.type)).toEqual({ date_day: 1000 });
    expect(fieldsOf(partition.type).date_day).toMatchObject({ type: ['null', 'int'], default: null });

    const maps: [string, number, number, string][] = [
      ['column_sizes', 117, 118, 'long'],
      ['value_counts', 119, 120, 'long'],
      ['null_value_counts', 121, 122, 'long'],
      ['nan_value_counts', 138, 139, 'long'],
      ['lower_bounds', 126, 127, 'bytes'],
      ['upper_bounds', 129, 130, 'bytes'],
    ];
    for (const [name, keyId, valueId, valueType] of maps) {
      const field = dataFileFields[name]!;
      expect(field.default, name).toBeNull();
      const array = nonNull(field);
      expect(array, name).toMatchObject({ type: 'array', logicalType: 'map' });
      expect(array.items, name).toEqual({
        type: 'record',
        name: `k${keyId}_v${valueId}`,
        fields: [
          { name: 'key', type: 'int', 'field-id': keyId },
          { name: 'value', type: valueType, 'field-id': valueId },
        ],
      });
    }
    expect(nonNull(dataFileFields.split_offsets)).toEqual({
      type: 'array',
      items: 'long',
      'element-id': 133,
    });
    expect(nonNull(dataFileFields.equality_ids)).toEqual({ type: 'array', items: 'int', 'element-id': 136 });

    const fields = allFields(entrySchema);
    expect(fields.length).toBeGreaterThan(30);
    for (const [path, field] of fields) {
      expect(Number.isInteger(field['field-id']), path).toBe(true);
    }
  });

  it('is read by icebird with spec field names, longs and sequence numbers', () => {
    const { metadata, records } = readWithIcebird(encodeManifest(context, entries));
    expect(metadata['avro.codec']).toBe('null');
    expect(metadata.schema).toEqual(schema);
    expect(metadata['format-version']).toBe('2');
    expect(records).toHaveLength(2);
    const [added, existing] = records;
    expect(added).toMatchObject({
      status: 1,
      snapshot_id: BigInt(SNAPSHOT_2),
      sequence_number: 2n,
      file_sequence_number: 2n,
      data_file: {
        content: 0,
        file_path: entries[0]?.dataFile.filePath,
        file_format: 'PARQUET',
        partition: { date_day: DAY_2 },
        record_count: 1234n,
        file_size_in_bytes: 56_789n,
        sort_order_id: 0,
        value_counts: [
          { key: 1, value: 1234n },
          { key: 2, value: 1234n },
          { key: 3, value: 1234n },
          { key: 5, value: 40n },
        ],
        null_value_counts: [
          { key: 1, value: 0n },
          { key: 2, value: 0n },
          { key: 3, value: 17n },
        ],
        lower_bounds: [
          { key: 1, value: encodeBound('string', 'dev-001') },
          { key: 2, value: encodeBound('date', DAY_2) },
          { key: 3, value: encodeBound('double', -1.5) },
        ],
        upper_bounds: [
          { key: 1, value: encodeBound('string', 'dev-042') },
          { key: 2, value: encodeBound('date', DAY_2) },
          { key: 3, value: encodeBound('double', 99.25) },
        ],
      },
    });
    // icebird rejects EXISTING entries without explicit sequence numbers: they must be there.
    expect(existing).toMatchObject({
      status: 0,
      snapshot_id: BigInt(SNAPSHOT_1),
      sequence_number: 1n,
      file_sequence_number: 1n,
      data_file: {
        partition: { date_day: DAY_1 },
        record_count: 3_000_000_000n,
        file_size_in_bytes: 2n ** 40n,
      },
    });
  });

  it('writes an unpartitioned manifest and an empty one', () => {
    const unpartitioned: ManifestContext = { schema, spec: { 'spec-id': 1, fields: [] } };
    const entry = { ...entries[1]!, dataFile: { ...entries[1]!.dataFile, partition: {} } };
    const decoded = decodeManifest(encodeManifest(unpartitioned, [entry]));
    expect(decoded.entries).toEqual([entry]);
    expect(decoded.metadata['partition-spec']).toBe('[]');
    const empty = encodeManifest(context, []);
    expect(decodeManifest(empty).entries).toEqual([]);
    expect(readWithIcebird(empty).records).toEqual([]);
  });

  it('writes null for a partition value the entry lacks', () => {
    const entry = { ...entries[0]!, dataFile: { ...entries[0]!.dataFile, partition: {} } };
    const [decoded] = decodeManifest(encodeManifest(context, [entry])).entries;
    expect(decoded?.dataFile.partition).toEqual({ date_day: null });
  });

  it('names the entry and field of a value that does not fit the schema', () => {
    const bad = { ...entries[0]!, dataFile: { ...entries[0]!.dataFile, recordCount: 1.5 } };
    expect(() => encodeManifest(context, [entries[1]!, bad])).toThrow(InvalidArgumentError);
    expect(() => encodeManifest(context, [entries[1]!, bad])).toThrow(
      /iceberg manifest entry 1: invalid data_file\.record_count=1\.5/,
    );
  });

  it('rejects partition field names that are not Avro names', () => {
    const dashed: ManifestContext = {
      schema,
      spec: {
        'spec-id': 1,
        fields: [{ 'source-id': 2, 'field-id': 1000, name: 'date-day', transform: 'day' }],
      },
    };
    expect(() => encodeManifest(dashed, [])).toThrow(
      /iceberg partition field date-day: not a valid Avro name/,
    );
  });

  it('rejects bytes that are not an intact Avro container file', () => {
    const bytes = encodeManifest(context, entries);
    expect(() => decodeManifest(new TextEncoder().encode('{"not":"avro"}'))).toThrow(/not an Avro file/);
    expect(() => decodeManifest(bytes.subarray(0, bytes.length - 20))).toThrow(/truncated block/);
    const corrupted = Buffer.from(bytes);
    corrupted[corrupted.length - 1] = (corrupted[corrupted.length - 1] ?? 0) ^ 0xff;
    expect(() => decodeManifest(corrupted)).toThrow(/sync marker mismatch/);
  });

  it('raises CorruptManifestError naming the file, whatever part of the file is damaged', () => {
    const manifest = 's3://lake/warehouse/t/metadata/m0.avro';
    const listFile = 's3://lake/warehouse/t/metadata/snap-1.avro';
    const bytes = encodeManifest(context, entries);
    const damaged = [
      bytes.subarray(0, bytes.length - 20),
      bytes.subarray(0, 12),
      // A damaged metadata count: avsc's own header decoding looped for ever on this one.
      Buffer.concat([bytes.subarray(0, 4), Buffer.alloc(64, 0xff)]),
    ];
    for (const broken of damaged) {
      const error = catchError(() => decodeManifest(broken, manifest));
      expect(error).toBeInstanceOf(CorruptManifestError);
      expect(error).toBeInstanceOf(CatalogError);
      expect(error).toMatchObject({ file: manifest });
      expect((error as Error).message).toMatch(
        /^iceberg manifest unreadable: s3:\/\/lake\/warehouse\/t\/metadata\/m0\.avro: /,
      );
    }
    const listBytes = encodeManifestList(list);
    const error = catchError(() => decodeManifestList(listBytes.subarray(0, listBytes.length - 3), listFile));
    expect(error).toBeInstanceOf(CorruptManifestError);
    expect((error as Error).message).toBe(`iceberg manifest list unreadable: ${listFile}: truncated block`);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('partitionFieldAvroType', () => {
  const identity = (sourceId: number) =>
    partitionFieldAvroType(schema, {
      'source-id': sourceId,
      'field-id': 1001,
      name: 'p',
      transform: 'identity',
    });

  it('maps day, month and year to int and identity to the source column type', () => {
    for (const transform of ['day', 'month', 'year'] as const) {
      expect(partitionFieldAvroType(schema, { 'source-id': 2, 'field-id': 1000, name: 'p', transform })).toBe(
        'int',
      );
    }
    expect(identity(1)).toBe('string');
    expect(identity(2)).toEqual({ type: 'int', logicalType: 'date' });
    expect(identity(3)).toBe('double');
    const withTimestamp: IcebergSchema = {
      ...schema,
      fields: [{ id: 9, name: 'ts', required: true, type: 'timestamptz' }],
    };
    expect(
      partitionFieldAvroType(withTimestamp, {
        'source-id': 9,
        'field-id': 1000,
        name: 'ts',
        transform: 'identity',
      }),
    ).toEqual({ type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': true });
  });

  it('rejects a missing or non-primitive source column', () => {
    expect(() => identity(42)).toThrow(/source-id 42 is not a primitive column/);
    expect(() => identity(4)).toThrow(InvalidArgumentError);
  });
});

describe('manifest list', () => {
  it('round-trips manifests with partition field summaries', () => {
    expect(decodeManifestList(encodeManifestList(list))).toEqual(manifests);
  });

  it('writes the snapshot metadata, and parent-snapshot-id only when given', async () => {
    const { meta } = await readWithAvsc(encodeManifestList(list));
    const text = Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, v.toString()]));
    expect(text).toMatchObject({
      'snapshot-id': String(SNAPSHOT_2),
      'parent-snapshot-id': String(SNAPSHOT_1),
      'sequence-number': '2',
      'format-version': '2',
      'avro.codec': 'null',
    });
    const first = await readWithAvsc(
      encodeManifestList({ snapshotId: SNAPSHOT_1, sequenceNumber: 1, manifests }),
    );
    expect(first.meta).not.toHaveProperty('parent-snapshot-id');
    expect(first.records).toHaveLength(2);
  });

  it('embeds an Avro schema with the manifest_file field ids', async () => {
    const { meta } = await readWithAvsc(encodeManifestList(list));
    const fileSchema = embeddedSchema(meta);
    expect(fileSchema.name).toBe('manifest_file');
    expect(idsOf(fileSchema)).toEqual({
      manifest_path: 500,
      manifest_length: 501,
      partition_spec_id: 502,
      content: 517,
      sequence_number: 515,
      min_sequence_number: 516,
      added_snapshot_id: 503,
      added_files_count: 504,
      existing_files_count: 505,
      deleted_files_count: 506,
      added_rows_count: 512,
      existing_rows_count: 513,
      deleted_rows_count: 514,
      partitions: 507,
      key_metadata: 519,
    });
    const partitions = nonNull(fieldsOf(fileSchema).partitions);
    expect(partitions).toMatchObject({ type: 'array', 'element-id': 508, items: { name: 'r508' } });
    expect(idsOf(partitions.items)).toEqual({
      contains_null: 509,
      contains_nan: 518,
      lower_bound: 510,
      upper_bound: 511,
    });
    for (const [path, field] of allFields(fileSchema)) {
      expect(Number.isInteger(field['field-id']), path).toBe(true);
    }
  });

  it('is read by icebird', () => {
    const { metadata, records } = readWithIcebird(encodeManifestList(list));
    expect(metadata['snapshot-id']).toBe(String(SNAPSHOT_2));
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      manifest_path: manifests[0]?.manifestPath,
      manifest_length: 7021n,
      partition_spec_id: 0,
      content: 0,
      sequence_number: 2n,
      min_sequence_number: 2n,
      added_snapshot_id: BigInt(SNAPSHOT_2),
      added_files_count: 1,
      added_rows_count: 1234n,
      partitions: [
        {
          contains_null: false,
          contains_nan: false,
          lower_bound: encodeBound('int', DAY_2),
          upper_bound: encodeBound('int', DAY_2),
        },
      ],
    });
    // Absent optional values read as undefined (the null branch of the union).
    expect(records[1]).toMatchObject({
      existing_rows_count: 3_000_000_000n,
      partitions: [
        { contains_null: true, contains_nan: undefined, lower_bound: undefined, upper_bound: undefined },
      ],
    });
  });

  it('round-trips an empty manifest list', () => {
    const bytes = encodeManifestList({ snapshotId: SNAPSHOT_1, sequenceNumber: 1, manifests: [] });
    expect(decodeManifestList(bytes)).toEqual([]);
    expect(readWithIcebird(bytes).records).toEqual([]);
  });
});
