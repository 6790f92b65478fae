import path from 'node:path';
import { EmbeddedCatalog, type EmbeddedCatalogOptions } from '../../src/catalog/embeddedCatalog.js';
import { type Catalog, MAIN_BRANCH } from '../../src/catalog/port.js';
import { type DuckSession, openDuckSession } from '../../src/duckdb/duckSession.js';
import { createTableChange, type TableDefinition } from '../../src/iceberg/schema.js';
import { scanTable } from '../../src/iceberg/tableReader.js';
import { type IcebergContext, type WriteOptions, writeTableData } from '../../src/iceberg/tableWriter.js';
import type { ObjectStore } from '../../src/store/objectStore.js';

/** A small Gold-like table: one row per device and day, partitioned by day. */
export const HEALTH: TableDefinition = {
  name: 'iot.device_health',
  columns: [
    { name: 'device_id', type: 'string', required: true },
    { name: 'date', type: 'date', required: true },
    { name: 'max_temp', type: 'double' },
    { name: 'failed_components', type: 'list<string>' },
    { name: 'run_id', type: 'string' },
  ],
  partitionByDay: 'date',
  sortBy: ['device_id'],
};

export interface CatalogFixture {
  store: ObjectStore;
  catalog: EmbeddedCatalog;
  duck: DuckSession;
  ctx: IcebergContext;
  close(): Promise<void>;
}

export async function catalogFixture(
  store: ObjectStore,
  dataDir: string,
  options: Partial<EmbeddedCatalogOptions> = {},
): Promise<CatalogFixture> {
  const catalog = new EmbeddedCatalog({
    file: path.join(dataDir, 'catalog', 'catalog.sqlite'),
    store,
    ...options,
  });
  const duck = await openDuckSession();
  return {
    store,
    catalog,
    duck,
    ctx: { duck, store, tmpDir: path.join(dataDir, 'tmp') },
    async close() {
      duck.close();
      await catalog.close();
    },
  };
}

/** Creates a table on a branch (one commit). */
export async function createTable(f: CatalogFixture, definition: TableDefinition, branch = MAIN_BRANCH) {
  const head = await f.catalog.getBranch(branch);
  return f.catalog.commit({
    branch,
    expectedHash: head.hash,
    message: `create ${definition.name}`,
    changes: [createTableChange(f.store, definition)],
  });
}

/** SQL VALUES for health rows: [device, date, max_temp, components, run]. */
export function healthRows(rows: [string, string, number | null, string[], string][]): string {
  const values = rows.map(
    ([d, date, t, c, run]) =>
      `('${d}', DATE '${date}', ${t === null ? 'NULL' : t}, [${c.map((x) => `'${x}'`).join(', ')}]::VARCHAR[], '${run}')`,
  );
  return `SELECT * FROM (VALUES ${values.join(', ')}) v(device_id, date, max_temp, failed_components, run_id)`;
}

/** Writes rows to one table on a branch and commits them. */
export async function writeRows(
  f: CatalogFixture,
  table: string,
  sql: string,
  mode: WriteOptions['mode'],
  branch = MAIN_BRANCH,
  catalog: Catalog = f.catalog,
) {
  const head = await catalog.getBranch(branch);
  const loaded = await catalog.loadTable(head.hash, table);
  const written = await writeTableData(f.ctx, loaded, { sql }, { mode });
  const result = await catalog.commit({
    branch,
    expectedHash: head.hash,
    message: `${mode} ${table}`,
    changes: [written.change],
  });
  return { written, result };
}

/** Rows of a table at a ref, sorted by device and date. */
export async function readRows(f: CatalogFixture, ref: Parameters<Catalog['loadTable']>[0], table: string) {
  const loaded = await f.catalog.loadTable(ref, table);
  return scanTable(f.ctx, loaded.metadata, { orderBy: ['device_id', 'date'] });
}
