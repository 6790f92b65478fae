/**
 * Iceberg v2 table metadata and manifest structures, as the table spec (apache/iceberg format/spec.md) and
 * the REST catalog OpenAPI name them. JSON field names keep the spec's kebab-case so metadata files are
 * written and read without translation. Ids and sequence numbers are JS numbers: the kit keeps them below
 * 2^53 (snapshot ids are random 52-bit integers), so they stay exact.
 */

export type IcebergPrimitive =
  | 'boolean'
  | 'int'
  | 'long'
  | 'float'
  | 'double'
  | 'date'
  | 'timestamp'
  | 'timestamptz'
  | 'string'
  | 'binary';

export interface IcebergListType {
  type: 'list';
  'element-id': number;
  element: IcebergType;
  'element-required': boolean;
}

export type IcebergType = IcebergPrimitive | IcebergListType;

export interface IcebergField {
  id: number;
  name: string;
  required: boolean;
  type: IcebergType;
  doc?: string;
}

export interface IcebergSchema {
  type: 'struct';
  'schema-id': number;
  fields: IcebergField[];
}

export type Transform = 'identity' | 'day' | 'month' | 'year' | 'void';

export interface PartitionField {
  'source-id': number;
  /** Partition field ids start at 1000. */
  'field-id': number;
  name: string;
  transform: Transform;
}

export interface PartitionSpec {
  'spec-id': number;
  fields: PartitionField[];
}

export interface SortField {
  transform: Transform;
  'source-id': number;
  direction: 'asc' | 'desc';
  'null-order': 'nulls-first' | 'nulls-last';
}

export interface SortOrder {
  'order-id': number;
  fields: SortField[];
}

export interface Snapshot {
  'snapshot-id': number;
  'parent-snapshot-id'?: number;
  'sequence-number': number;
  'timestamp-ms': number;
  'manifest-list': string;
  /** `operation` (append | overwrite | delete | replace) plus counters, all strings as the spec says. */
  summary: { operation: 'append' | 'overwrite' | 'delete' | 'replace' } & Record<string, string>;
  'schema-id': number;
}

export interface SnapshotRef {
  'snapshot-id': number;
  type: 'branch' | 'tag';
  'max-ref-age-ms'?: number;
  'max-snapshot-age-ms'?: number;
  'min-snapshots-to-keep'?: number;
}

export interface TableMetadata {
  'format-version': 2;
  'table-uuid': string;
  /** Absolute URI: file:///… locally, s3://bucket/… on S3. */
  location: string;
  'last-sequence-number': number;
  'last-updated-ms': number;
  'last-column-id': number;
  schemas: IcebergSchema[];
  'current-schema-id': number;
  'partition-specs': PartitionSpec[];
  'default-spec-id': number;
  'last-partition-id': number;
  properties: Record<string, string>;
  /** -1 or absent when the table has no snapshot yet. */
  'current-snapshot-id'?: number;
  snapshots: Snapshot[];
  'snapshot-log': { 'timestamp-ms': number; 'snapshot-id': number }[];
  'metadata-log': { 'timestamp-ms': number; 'metadata-file': string }[];
  'sort-orders': SortOrder[];
  'default-sort-order-id': number;
  refs: Record<string, SnapshotRef>;
}

/** Table updates, as the Iceberg REST catalog's CommitTableRequest carries them. */
export type TableUpdate =
  | { action: 'assign-uuid'; uuid: string }
  | { action: 'upgrade-format-version'; 'format-version': 2 }
  | { action: 'add-schema'; schema: IcebergSchema; 'last-column-id'?: number }
  | { action: 'set-current-schema'; 'schema-id': number }
  | { action: 'add-spec'; spec: PartitionSpec }
  | { action: 'set-default-spec'; 'spec-id': number }
  | { action: 'add-sort-order'; 'sort-order': SortOrder }
  | { action: 'set-default-sort-order'; 'sort-order-id': number }
  | { action: 'add-snapshot'; snapshot: Snapshot }
  | ({ action: 'set-snapshot-ref'; 'ref-name': string } & SnapshotRef)
  | { action: 'remove-snapshots'; 'snapshot-ids': number[] }
  | { action: 'remove-snapshot-ref'; 'ref-name': string }
  | { action: 'set-location'; location: string }
  | { action: 'set-properties'; updates: Record<string, string> }
  | { action: 'remove-properties'; removals: string[] };

/** Table requirements, as the Iceberg REST catalog's CommitTableRequest carries them. */
export type TableRequirement =
  | { type: 'assert-create' }
  | { type: 'assert-table-uuid'; uuid: string }
  | { type: 'assert-ref-snapshot-id'; ref: string; 'snapshot-id': number | null }
  | { type: 'assert-last-assigned-field-id'; 'last-assigned-field-id': number }
  | { type: 'assert-current-schema-id'; 'current-schema-id': number }
  | { type: 'assert-last-assigned-partition-id'; 'last-assigned-partition-id': number }
  | { type: 'assert-default-spec-id'; 'default-spec-id': number }
  | { type: 'assert-default-sort-order-id'; 'default-sort-order-id': number };

/** A data file as a manifest entry describes it (content 0 = data). Bounds are Iceberg single-value bytes. */
export interface DataFile {
  content: 0;
  /** Absolute URI of the Parquet file. */
  filePath: string;
  fileFormat: 'PARQUET';
  /** Partition values by partition field name (day transform: days since 1970-01-01), null when null. */
  partition: Record<string, number | null>;
  recordCount: number;
  fileSizeInBytes: number;
  /** By field id. */
  valueCounts: Map<number, number>;
  nullValueCounts: Map<number, number>;
  lowerBounds: Map<number, Uint8Array>;
  upperBounds: Map<number, Uint8Array>;
  sortOrderId?: number;
}

/** Manifest entry status. */
export const ENTRY_STATUS = { EXISTING: 0, ADDED: 1, DELETED: 2 } as const;
export type EntryStatus = (typeof ENTRY_STATUS)[keyof typeof ENTRY_STATUS];

export interface ManifestEntry {
  status: EntryStatus;
  snapshotId: number;
  /** Data sequence number; always written explicitly (readers such as icebird require it on EXISTING entries). */
  sequenceNumber: number;
  fileSequenceNumber: number;
  dataFile: DataFile;
}

/** Lower/upper bounds of one partition field over a manifest's files. */
export interface FieldSummary {
  containsNull: boolean;
  containsNan?: boolean;
  lowerBound?: Uint8Array;
  upperBound?: Uint8Array;
}

/** One line of a manifest list. */
export interface ManifestFile {
  manifestPath: string;
  manifestLength: number;
  partitionSpecId: number;
  content: 0;
  sequenceNumber: number;
  minSequenceNumber: number;
  addedSnapshotId: number;
  addedFilesCount: number;
  existingFilesCount: number;
  deletedFilesCount: number;
  addedRowsCount: number;
  existingRowsCount: number;
  deletedRowsCount: number;
  partitions: FieldSummary[];
}
