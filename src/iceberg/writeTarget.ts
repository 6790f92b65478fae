import { randomInt } from 'node:crypto';
import type { DuckSession } from '../duckdb/duckSession.js';
import type { ObjectStore } from '../store/objectStore.js';
import { locationKey } from './locationKey.js';
import { refSnapshot, schemaOf } from './metadata.js';
import type { LoadedTable } from './tableChange.js';
import type {
  IcebergField,
  IcebergSchema,
  PartitionField,
  PartitionSpec,
  Snapshot,
  SortOrder,
  TableMetadata,
} from './types.js';

/** What writing Iceberg data needs: a DuckDB session (UTC), the store, and a local scratch folder. */
export interface IcebergContext {
  duck: DuckSession;
  store: ObjectStore;
  tmpDir: string;
  now?: () => number;
}

/** Everything one write derives from the table as loaded: schema, spec, parent snapshot, the new ids. */
export interface WriteTarget {
  table: LoadedTable['table'];
  metadata: TableMetadata;
  schema: IcebergSchema;
  spec: PartitionSpec;
  order: SortOrder | undefined;
  /** The day partition field (the kit's tables have at most one) and the column it is computed from. */
  partField: PartitionField | undefined;
  partSource: IcebergField | undefined;
  /** The snapshot the write builds on (undefined for an empty table). */
  parent: Snapshot | undefined;
  snapshotId: number;
  sequenceNumber: number;
  nowMs: number;
  /** The table location as an object-store key. */
  tableKey: string;
}

/** A snapshot id: random, positive, below 2^52 so it is exact as a JS number and as an Avro long. */
export function newSnapshotId(): number {
  return randomInt(1, 2 ** 47) * 32 + randomInt(0, 32);
}

/** The target of a write into `loaded`, with a fresh snapshot id and the next sequence number. */
export function planWrite(ctx: IcebergContext, loaded: LoadedTable): WriteTarget {
  const metadata = loaded.metadata;
  const schema = schemaOf(metadata);
  const spec = metadata['partition-specs'].find((s) => s['spec-id'] === metadata['default-spec-id'])!;
  const partField = spec.fields[0];
  return {
    table: loaded.table,
    metadata,
    schema,
    spec,
    order: metadata['sort-orders'].find((o) => o['order-id'] === metadata['default-sort-order-id']),
    partField,
    partSource: partField ? schema.fields.find((f) => f.id === partField['source-id']) : undefined,
    parent: refSnapshot(metadata),
    snapshotId: newSnapshotId(),
    sequenceNumber: metadata['last-sequence-number'] + 1,
    nowMs: (ctx.now ?? Date.now)(),
    tableKey: locationKey(ctx.store, metadata.location),
  };
}
