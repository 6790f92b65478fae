import type { TableName } from './tableName.js';
import type { TableMetadata, TableRequirement, TableUpdate } from './types.js';

/**
 * The change to one table in a catalog commit: the Iceberg REST requirements and updates (the shape an
 * Iceberg REST catalog takes in `transactions/commit`); the catalog applies them and writes metadata.json.
 */
export interface TableChange {
  table: TableName;
  requirements: TableRequirement[];
  updates: TableUpdate[];
}

/** A table as read from the catalog at a commit: its metadata and where that metadata lives. */
export interface LoadedTable {
  table: TableName;
  /** The commit read. */
  hash: string;
  metadataLocation: string;
  metadata: TableMetadata;
}
