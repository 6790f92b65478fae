import { randomUUID } from 'node:crypto';
import { InvalidArgumentError } from '../errors.js';
import type { ObjectStore } from '../store/objectStore.js';
import type { TableChange } from './tableChange.js';
import type { TableName } from './tableName.js';
import { tableKey } from './tableName.js';
import type {
  IcebergField,
  IcebergPrimitive,
  IcebergSchema,
  IcebergType,
  PartitionSpec,
  SortOrder,
  TableMetadata,
} from './types.js';

/** A column as a table definition states it; field ids are assigned by `createTableChange`. */
export interface ColumnDefinition {
  name: string;
  /** A primitive, or `list<primitive>` for a list column. */
  type: IcebergPrimitive | `list<${IcebergPrimitive}>`;
  required?: boolean;
  doc?: string;
}

export interface TableDefinition {
  name: TableName;
  columns: ColumnDefinition[];
  /** Partition by the day of this date or timestamp column (Gold tables: their date column). */
  partitionByDay?: string;
  /** Sort order of rows within data files. */
  sortBy?: string[];
  properties?: Record<string, string>;
}

const COLUMN = /^[a-z_][a-z0-9_]{0,63}$/;

/** The DuckDB type of an Iceberg type. */
export function duckType(type: IcebergType): string {
  if (typeof type !== 'string') return `${duckType(type.element)}[]`;
  const map: Record<IcebergPrimitive, string> = {
    boolean: 'BOOLEAN',
    int: 'INTEGER',
    long: 'BIGINT',
    float: 'FLOAT',
    double: 'DOUBLE',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
    timestamptz: 'TIMESTAMPTZ',
    string: 'VARCHAR',
    binary: 'BLOB',
  };
  return map[type];
}

/** Builds schema fields from column definitions, ids from `nextId` on (list elements get the id after). */
export function buildFields(
  columns: readonly ColumnDefinition[],
  nextId: number,
): { fields: IcebergField[]; lastId: number } {
  let id = nextId;
  const fields = columns.map((c): IcebergField => {
    if (!COLUMN.test(c.name)) throw new InvalidArgumentError(`iceberg column name rejected: '${c.name}'`);
    const fieldId = id++;
    const list = /^list<(\w+)>$/.exec(c.type);
    const type: IcebergType = list
      ? { type: 'list', 'element-id': id++, element: list[1] as IcebergPrimitive, 'element-required': false }
      : (c.type as IcebergPrimitive);
    return {
      id: fieldId,
      name: c.name,
      required: c.required ?? false,
      type,
      ...(c.doc ? { doc: c.doc } : {}),
    };
  });
  return { fields, lastId: id - 1 };
}

/**
 * The catalog change that creates a table: field ids 1…n, a day partition spec (field id 1000) when
 * asked, a sort order, and the location `warehouse/<namespace>/<table>` in the store as an absolute URI.
 * @example await catalog.commit({ branch, expectedHash, message: 'create', changes: [createTableChange(store, definition)] });
 */
export function createTableChange(store: ObjectStore, definition: TableDefinition): TableChange {
  const { fields, lastId } = buildFields(definition.columns, 1);
  const schema: IcebergSchema = { type: 'struct', 'schema-id': 0, fields };
  const byName = new Map(fields.map((f) => [f.name, f]));
  const source = (name: string) => {
    const f = byName.get(name);
    if (!f) throw new InvalidArgumentError(`iceberg table ${definition.name}: no column ${name}`);
    return f;
  };
  const spec: PartitionSpec = { 'spec-id': 0, fields: [] };
  if (definition.partitionByDay !== undefined) {
    const f = source(definition.partitionByDay);
    if (f.type !== 'date' && f.type !== 'timestamptz' && f.type !== 'timestamp') {
      throw new InvalidArgumentError(
        `iceberg table ${definition.name}: day partition needs a date or timestamp column`,
      );
    }
    spec.fields.push({ 'source-id': f.id, 'field-id': 1000, name: `${f.name}_day`, transform: 'day' });
  }
  const order: SortOrder = {
    'order-id': definition.sortBy?.length ? 1 : 0,
    fields: (definition.sortBy ?? []).map((name) => ({
      transform: 'identity',
      'source-id': source(name).id,
      direction: 'asc',
      'null-order': 'nulls-first',
    })),
  };
  return {
    table: definition.name,
    requirements: [{ type: 'assert-create' }],
    updates: [
      { action: 'assign-uuid', uuid: randomUUID() },
      { action: 'upgrade-format-version', 'format-version': 2 },
      { action: 'add-schema', schema, 'last-column-id': lastId },
      { action: 'set-current-schema', 'schema-id': -1 },
      { action: 'add-spec', spec },
      { action: 'set-default-spec', 'spec-id': -1 },
      { action: 'add-sort-order', 'sort-order': order },
      { action: 'set-default-sort-order', 'sort-order-id': -1 },
      { action: 'set-location', location: store.uri(tableKey(definition.name)) },
      {
        action: 'set-properties',
        updates: { 'write.format.default': 'parquet', ...(definition.properties ?? {}) },
      },
    ],
  };
}

/**
 * The change that adds columns to a table (new field ids after the last one; existing data files are not
 * rewritten: their rows read the new columns as null).
 * @example changes.push(addColumnsChange(loaded.table, loaded.metadata, [{ name: 'run_note', type: 'string' }]));
 */
export function addColumnsChange(
  table: TableName,
  metadata: TableMetadata,
  columns: ColumnDefinition[],
): TableChange {
  const current = metadata.schemas.find((s) => s['schema-id'] === metadata['current-schema-id'])!;
  for (const c of columns) {
    if (current.fields.some((f) => f.name === c.name)) {
      throw new InvalidArgumentError(`iceberg table ${table}: column ${c.name} exists`);
    }
  }
  const { fields, lastId } = buildFields(columns, metadata['last-column-id'] + 1);
  const schemaId = Math.max(...metadata.schemas.map((s) => s['schema-id'])) + 1;
  return {
    table,
    requirements: [
      { type: 'assert-table-uuid', uuid: metadata['table-uuid'] },
      { type: 'assert-current-schema-id', 'current-schema-id': metadata['current-schema-id'] },
      { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': metadata['last-column-id'] },
    ],
    updates: [
      {
        action: 'add-schema',
        schema: { type: 'struct', 'schema-id': schemaId, fields: [...current.fields, ...fields] },
        'last-column-id': lastId,
      },
      { action: 'set-current-schema', 'schema-id': schemaId },
    ],
  };
}

/** DuckDB `FIELD_IDS { … }` for COPY … (FORMAT PARQUET): each column (and list element) with its id. */
export function fieldIdsClause(schema: IcebergSchema): string {
  const parts = schema.fields.map((f) =>
    typeof f.type === 'string'
      ? `"${f.name}": ${f.id}`
      : `"${f.name}": {__duckdb_field_id: ${f.id}, element: ${f.type['element-id']}}`,
  );
  return `{${parts.join(', ')}}`;
}
