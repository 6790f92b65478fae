import { CorruptMetadataError, ObjectNotFoundError } from '../errors.js';
import { refSnapshot } from '../iceberg/metadata.js';
import type { TableName } from '../iceberg/tableName.js';
import type { TableMetadata } from '../iceberg/types.js';
import type { Catalog, RefSpec } from './port.js';

/** A table as `table ls` shows it. */
export interface TableSummary {
  table: TableName;
  /** Iceberg snapshot ids are 64-bit: shown as strings. */
  snapshot_id: string | null;
  records: number;
  data_files: number;
  columns: number;
  partitioned_by: string | null;
  location: string;
}

/** One snapshot as `table history` shows it, newest first. */
export interface SnapshotSummary {
  /** Iceberg snapshot ids are 64-bit: shown as strings. */
  snapshot_id: string;
  parent_id: string | null;
  sequence: number;
  committed_at: string;
  operation: string;
  added_records: number;
  deleted_records: number;
  total_records: number;
  current: boolean;
  run_id: string | null;
}

/** A table whose metadata file cannot be read, as `table ls` shows it among the others. */
export interface UnreadableTableSummary {
  table: TableName;
  /** Why: the error message, naming the file. */
  unreadable: string;
}

/**
 * Summaries of every table at a ref. A table whose metadata.json is not valid JSON or is missing does not
 * hide the others: it is listed with `unreadable` saying why.
 */
export async function summarizeTables(
  catalog: Catalog,
  ref: RefSpec,
): Promise<(TableSummary | UnreadableTableSummary)[]> {
  const out: (TableSummary | UnreadableTableSummary)[] = [];
  for (const table of await catalog.listTables(ref)) {
    try {
      const { metadata } = await catalog.loadTable(ref, table);
      out.push(summarizeTable(table, metadata));
    } catch (error) {
      if (!(error instanceof CorruptMetadataError || error instanceof ObjectNotFoundError)) throw error;
      out.push({ table, unreadable: error.message });
    }
  }
  return out;
}

export function summarizeTable(table: TableName, metadata: TableMetadata): TableSummary {
  const snapshot = refSnapshot(metadata);
  const schema = metadata.schemas.find((s) => s['schema-id'] === metadata['current-schema-id']);
  const spec = metadata['partition-specs'].find((s) => s['spec-id'] === metadata['default-spec-id']);
  const part = spec?.fields[0];
  return {
    table,
    snapshot_id: snapshot === undefined ? null : String(snapshot['snapshot-id']),
    records: Number(snapshot?.summary['total-records'] ?? 0),
    data_files: Number(snapshot?.summary['total-data-files'] ?? 0),
    columns: schema?.fields.length ?? 0,
    partitioned_by: part
      ? `${part.transform}(${schema?.fields.find((f) => f.id === part['source-id'])?.name ?? part['source-id']})`
      : null,
    location: metadata.location,
  };
}

/** The table's snapshots, newest first. */
export function tableHistory(metadata: TableMetadata): SnapshotSummary[] {
  const current = refSnapshot(metadata)?.['snapshot-id'];
  return [...metadata.snapshots]
    .sort((a, b) => b['sequence-number'] - a['sequence-number'])
    .map((s) => ({
      snapshot_id: String(s['snapshot-id']),
      parent_id: s['parent-snapshot-id'] === undefined ? null : String(s['parent-snapshot-id']),
      sequence: s['sequence-number'],
      committed_at: new Date(s['timestamp-ms']).toISOString(),
      operation: s.summary.operation,
      added_records: Number(s.summary['added-records'] ?? 0),
      deleted_records: Number(s.summary['deleted-records'] ?? 0),
      total_records: Number(s.summary['total-records'] ?? 0),
      current: s['snapshot-id'] === current,
      run_id: s.summary['lambda-iot.run-id'] ?? null,
    }));
}

/** `gold_device_health` → `iot.gold_device_health`; a qualified name stays as it is. */
export function qualifyTable(name: string, namespace = 'iot'): TableName {
  return name.includes('.') ? name : `${namespace}.${name}`;
}
