/**
 * The Avro schemas of Iceberg v2 manifests and manifest lists (table spec: "Manifests", "Manifest Lists",
 * Appendix A "Avro"), and the record shapes they describe.
 *
 * The schemas are written as raw JSON objects carrying Iceberg's ids (`field-id` on every record field,
 * `element-id` on lists; maps with int keys are arrays of `k<key-id>_v<value-id>` records with logicalType
 * "map" whose key/value fields carry the ids), and record names follow the Java reference implementation
 * (manifest_entry, r2, r102, manifest_file, r508). avsc drops such custom attributes when it re-exports a
 * schema from a Type, so the container stores the raw JSON (see avroContainer.ts).
 */
import { InvalidArgumentError } from '../errors.js';
import type { IcebergPrimitive, IcebergSchema, PartitionField, PartitionSpec, Transform } from './types.js';

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
export function manifestEntrySchema({ schema, spec }: ManifestContext): AvroRecordSchema {
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
export const MANIFEST_FILE_SCHEMA: AvroRecordSchema = {
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

/** A map<int, T> entry as Avro stores it. */
export interface KeyValue<T> {
  key: number;
  value: T;
}

/** The Avro shape of a manifest entry (snake_case, as the schema names the fields). */
export interface AvroManifestEntry {
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
export interface AvroManifestFile {
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
