import type { DuckDBValue } from '@duckdb/node-api';
import { CatalogTableNotFoundError } from '../errors.js';
import { createTableChange, type TableDefinition } from '../iceberg/schema.js';
import type { TableName } from '../iceberg/tableName.js';
import { type ScanOptions, scanTable } from '../iceberg/tableReader.js';
import {
  type IcebergContext,
  type WriteOptions,
  type WriteResult,
  writeTableData,
} from '../iceberg/tableWriter.js';
import type { Catalog, CommitResult, RefSpec } from './port.js';

/**
 * Creates the table on the branch unless it exists there (one commit when it creates).
 * @example await ensureTable(catalog, store, 'main', { name: 'iot.daily', columns, partitionByDay: 'date' });
 */
export async function ensureTable(
  catalog: Catalog,
  store: IcebergContext['store'],
  branch: string,
  definition: TableDefinition,
): Promise<'created' | 'exists'> {
  const head = await catalog.getBranch(branch);
  if ((await catalog.listTables(head.hash)).includes(definition.name)) return 'exists';
  await catalog.commit({
    branch,
    expectedHash: head.hash,
    message: `create table ${definition.name}`,
    changes: [createTableChange(store, definition)],
  });
  return 'created';
}

/**
 * Writes rows from a DuckDB query into a table on a branch and commits them there (one commit).
 * @example await writeToBranch(catalog, ctx, 'run-1', 'iot.daily', { sql: 'SELECT …' }, { mode: 'overwrite-partitions' });
 */
export async function writeToBranch(
  catalog: Catalog,
  ctx: IcebergContext,
  branch: string,
  table: TableName,
  source: { sql: string; params?: DuckDBValue[] },
  options: WriteOptions & { message?: string },
): Promise<{ write: WriteResult; commit: CommitResult }> {
  const head = await catalog.getBranch(branch);
  const loaded = await catalog.loadTable(`${branch}@${head.hash}`, table);
  const write = await writeTableData(ctx, loaded, source, options);
  const commit = await catalog.commit({
    branch,
    expectedHash: head.hash,
    message: options.message ?? `${options.mode} ${table}: ${write.rows} rows`,
    changes: [write.change],
  });
  return { write, commit };
}

/**
 * The rows of a table at a ref (branch, branch@hash, hash, or a branch as of a time), or [] when the table
 * does not exist there (yet): a ref that does not exist (a misspelled branch) throws CatalogRefNotFoundError.
 * @example const rows = await readTable(catalog, ctx, 'main', 'iot.daily', { limit: 10 });
 */
export async function readTable(
  catalog: Catalog,
  ctx: IcebergContext,
  ref: RefSpec,
  table: TableName,
  options: ScanOptions & { limit?: number; orderBy?: string[] } = {},
): Promise<Record<string, unknown>[]> {
  try {
    const { metadata } = await catalog.loadTable(ref, table);
    return await scanTable(ctx, metadata, options);
  } catch (error) {
    if (error instanceof CatalogTableNotFoundError) return [];
    throw error;
  }
}
