import { CatalogConflictError, CatalogError } from '../errors.js';
import type { IcebergSchema, TableMetadata, TableRequirement, TableUpdate } from './types.js';

/**
 * Applying Iceberg REST commits to table metadata: requirements are checked against the current metadata
 * (undefined = the table does not exist yet), then updates are applied in order. This is what a catalog
 * does on the server side; the kit's embedded catalog runs it, and a Nessie catalog runs its own.
 */

/** Checks every requirement; throws CatalogConflictError naming `table` and the first that fails. */
export function checkRequirements(
  table: string,
  current: TableMetadata | undefined,
  requirements: readonly TableRequirement[],
): void {
  const fail = (why: string): never => {
    throw new CatalogConflictError(`catalog commit conflict on ${table}: ${why}`, [table]);
  };
  for (const r of requirements) {
    if (r.type === 'assert-create') {
      if (current !== undefined) fail('the table already exists (assert-create)');
      continue;
    }
    if (current === undefined) fail(`the table does not exist (${r.type})`);
    const m = current!;
    switch (r.type) {
      case 'assert-table-uuid':
        if (m['table-uuid'] !== r.uuid) fail(`table uuid is ${m['table-uuid']}, expected ${r.uuid}`);
        break;
      case 'assert-ref-snapshot-id': {
        const actual = m.refs[r.ref]?.['snapshot-id'] ?? null;
        if (actual !== r['snapshot-id']) {
          fail(
            `ref ${r.ref} is at snapshot ${actual ?? 'none'}, the change was made on ${r['snapshot-id'] ?? 'none'}`,
          );
        }
        break;
      }
      case 'assert-last-assigned-field-id':
        if (m['last-column-id'] !== r['last-assigned-field-id'])
          fail(`last column id is ${m['last-column-id']}, expected ${r['last-assigned-field-id']}`);
        break;
      case 'assert-current-schema-id':
        if (m['current-schema-id'] !== r['current-schema-id'])
          fail(`current schema is ${m['current-schema-id']}, expected ${r['current-schema-id']}`);
        break;
      case 'assert-last-assigned-partition-id':
        if (m['last-partition-id'] !== r['last-assigned-partition-id'])
          fail(`last partition id is ${m['last-partition-id']}, expected ${r['last-assigned-partition-id']}`);
        break;
      case 'assert-default-spec-id':
        if (m['default-spec-id'] !== r['default-spec-id'])
          fail(`default spec is ${m['default-spec-id']}, expected ${r['default-spec-id']}`);
        break;
      case 'assert-default-sort-order-id':
        if (m['default-sort-order-id'] !== r['default-sort-order-id'])
          fail(`default sort order is ${m['default-sort-order-id']}, expected ${r['default-sort-order-id']}`);
        break;
    }
  }
}

function maxFieldId(schema: IcebergSchema): number {
  let max = 0;
  const visit = (id: number, type: unknown) => {
    max = Math.max(max, id);
    if (typeof type === 'object' && type !== null && (type as { type?: string }).type === 'list') {
      const list = type as { 'element-id': number; element: unknown };
      visit(list['element-id'], list.element);
    }
  };
  for (const f of schema.fields) visit(f.id, f.type);
  return max;
}

/** An empty metadata object for a new table; `assign-uuid`, `add-schema`, … fill it in. */
function emptyMetadata(nowMs: number): TableMetadata {
  return {
    'format-version': 2,
    'table-uuid': '',
    location: '',
    'last-sequence-number': 0,
    'last-updated-ms': nowMs,
    'last-column-id': 0,
    schemas: [],
    'current-schema-id': -1,
    'partition-specs': [],
    'default-spec-id': 0,
    'last-partition-id': 999,
    properties: {},
    'current-snapshot-id': -1,
    snapshots: [],
    'snapshot-log': [],
    'metadata-log': [],
    'sort-orders': [],
    'default-sort-order-id': 0,
    refs: {},
  };
}

/**
 * Applies updates in order to a copy of `base` (undefined = create) and returns the new metadata.
 * `previousFile` (the metadata file `base` was read from) goes into the metadata log. Throws CatalogError
 * for an update that cannot apply (unknown schema id, snapshot out of sequence, …).
 * @example const next = applyUpdates(current, [{ action: 'add-snapshot', snapshot }, { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': snapshot['snapshot-id'] }], { nowMs: Date.now() });
 */
export function applyUpdates(
  base: TableMetadata | undefined,
  updates: readonly TableUpdate[],
  options: { nowMs: number; previousFile?: string; table?: string },
): TableMetadata {
  const m: TableMetadata = base === undefined ? emptyMetadata(options.nowMs) : structuredClone(base);
  const table = options.table ?? 'table';
  const bad = (why: string): never => {
    throw new CatalogError(`catalog cannot apply update to ${table}: ${why}`);
  };
  for (const u of updates) {
    switch (u.action) {
      case 'assign-uuid':
        if (m['table-uuid'] && m['table-uuid'] !== u.uuid) bad('the table already has another uuid');
        m['table-uuid'] = u.uuid;
        break;
      case 'upgrade-format-version':
        if (u['format-version'] !== 2) bad(`format version ${u['format-version']} is not supported`);
        break;
      case 'add-schema': {
        if (m.schemas.some((s) => s['schema-id'] === u.schema['schema-id']))
          bad(`schema ${u.schema['schema-id']} exists`);
        m.schemas.push(u.schema);
        m['last-column-id'] = Math.max(m['last-column-id'], u['last-column-id'] ?? 0, maxFieldId(u.schema));
        break;
      }
      case 'set-current-schema': {
        const id = u['schema-id'] === -1 ? (m.schemas.at(-1)?.['schema-id'] ?? -1) : u['schema-id'];
        if (!m.schemas.some((s) => s['schema-id'] === id)) bad(`no schema ${u['schema-id']}`);
        m['current-schema-id'] = id;
        break;
      }
      case 'add-spec':
        if (m['partition-specs'].some((s) => s['spec-id'] === u.spec['spec-id']))
          bad(`spec ${u.spec['spec-id']} exists`);
        m['partition-specs'].push(u.spec);
        m['last-partition-id'] = Math.max(m['last-partition-id'], ...u.spec.fields.map((f) => f['field-id']));
        break;
      case 'set-default-spec': {
        const id = u['spec-id'] === -1 ? (m['partition-specs'].at(-1)?.['spec-id'] ?? 0) : u['spec-id'];
        if (!m['partition-specs'].some((s) => s['spec-id'] === id)) bad(`no partition spec ${u['spec-id']}`);
        m['default-spec-id'] = id;
        break;
      }
      case 'add-sort-order':
        if (m['sort-orders'].some((s) => s['order-id'] === u['sort-order']['order-id']))
          bad(`sort order ${u['sort-order']['order-id']} exists`);
        m['sort-orders'].push(u['sort-order']);
        break;
      case 'set-default-sort-order': {
        const id =
          u['sort-order-id'] === -1 ? (m['sort-orders'].at(-1)?.['order-id'] ?? 0) : u['sort-order-id'];
        if (!m['sort-orders'].some((s) => s['order-id'] === id)) bad(`no sort order ${u['sort-order-id']}`);
        m['default-sort-order-id'] = id;
        break;
      }
      case 'add-snapshot': {
        const s = u.snapshot;
        if (m.snapshots.some((x) => x['snapshot-id'] === s['snapshot-id']))
          bad(`snapshot ${s['snapshot-id']} exists`);
        if (s['sequence-number'] <= m['last-sequence-number'])
          bad(`snapshot sequence number ${s['sequence-number']} is not after ${m['last-sequence-number']}`);
        if (!m.schemas.some((x) => x['schema-id'] === s['schema-id']))
          bad(`snapshot schema ${s['schema-id']} unknown`);
        m.snapshots.push(s);
        m['last-sequence-number'] = s['sequence-number'];
        break;
      }
      case 'set-snapshot-ref': {
        const { action: _action, 'ref-name': name, ...ref } = u;
        if (!m.snapshots.some((x) => x['snapshot-id'] === ref['snapshot-id']))
          bad(`no snapshot ${ref['snapshot-id']}`);
        m.refs[name] = ref;
        if (name === 'main') {
          m['current-snapshot-id'] = ref['snapshot-id'];
          m['snapshot-log'].push({ 'timestamp-ms': options.nowMs, 'snapshot-id': ref['snapshot-id'] });
        }
        break;
      }
      case 'remove-snapshots': {
        const drop = new Set(u['snapshot-ids']);
        m.snapshots = m.snapshots.filter((s) => !drop.has(s['snapshot-id']));
        m['snapshot-log'] = m['snapshot-log'].filter((s) => !drop.has(s['snapshot-id']));
        for (const [name, ref] of Object.entries(m.refs))
          if (drop.has(ref['snapshot-id'])) delete m.refs[name];
        if (m['current-snapshot-id'] !== undefined && drop.has(m['current-snapshot-id']))
          m['current-snapshot-id'] = -1;
        break;
      }
      case 'remove-snapshot-ref':
        delete m.refs[u['ref-name']];
        if (u['ref-name'] === 'main') m['current-snapshot-id'] = -1;
        break;
      case 'set-location':
        m.location = u.location.replace(/\/+$/, '');
        break;
      case 'set-properties':
        Object.assign(m.properties, u.updates);
        break;
      case 'remove-properties':
        for (const key of u.removals) delete m.properties[key];
        break;
      default:
        bad(`unknown update ${(u as { action: string }).action}`);
    }
  }
  if (!m['table-uuid']) bad('no table uuid (assign-uuid)');
  if (!m.location) bad('no location (set-location)');
  if (m.schemas.length === 0 || m['current-schema-id'] < 0) bad('no current schema');
  if (m['partition-specs'].length === 0) bad('no partition spec');
  if (m['sort-orders'].length === 0) bad('no sort order');
  if (base !== undefined && options.previousFile !== undefined) {
    m['metadata-log'].push({
      'timestamp-ms': base['last-updated-ms'],
      'metadata-file': options.previousFile,
    });
  }
  m['last-updated-ms'] = options.nowMs;
  return m;
}

/** The schema a snapshot was written with, or the current one. */
export function schemaOf(metadata: TableMetadata, schemaId = metadata['current-schema-id']): IcebergSchema {
  const schema = metadata.schemas.find((s) => s['schema-id'] === schemaId);
  if (!schema) throw new CatalogError(`table metadata has no schema ${schemaId}`);
  return schema;
}

/** The snapshot a ref (default main) points at, or undefined for an empty table. */
export function refSnapshot(metadata: TableMetadata, ref = 'main') {
  const id = metadata.refs[ref]?.['snapshot-id'];
  return id === undefined ? undefined : metadata.snapshots.find((s) => s['snapshot-id'] === id);
}
