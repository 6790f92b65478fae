import { describe, expect, it } from 'vitest';
import { MAIN_BRANCH } from '../../src/catalog/port.js';
import { readTable } from '../../src/catalog/tableOps.js';
import { CatalogRefNotFoundError, CorruptManifestError } from '../../src/errors.js';
import { createTable, HEALTH, healthRows, writeRows } from './fixture.js';
import { useLocalCatalogFixtures } from './localFixtures.js';

const localFixture = useLocalCatalogFixtures('table-ops');

describe('readTable', () => {
  it('reads [] for a table not created yet on an existing ref, and refuses a misspelled branch', async () => {
    const f = await localFixture();
    await createTable(f, HEALTH);
    await writeRows(f, HEALTH.name, healthRows([['d-1', '2025-04-01', 1, [], 'r1']]), 'append');
    expect((await readTable(f.catalog, f.ctx, MAIN_BRANCH, HEALTH.name)).map((r) => r.run_id)).toEqual([
      'r1',
    ]);
    // Callers (notebook 03, the pipeline's top-risk list) read a table that a first run has not created yet.
    expect(await readTable(f.catalog, f.ctx, MAIN_BRANCH, 'iot.not_yet')).toEqual([]);
    const error = await readTable(f.catalog, f.ctx, 'mian', HEALTH.name).catch((e) => e);
    expect(error).toBeInstanceOf(CatalogRefNotFoundError);
    expect(error.message).toBe('catalog branch not found: mian; branches: main');
  });

  it('raises CorruptManifestError naming the manifest list a truncated file left unreadable', async () => {
    const f = await localFixture();
    await createTable(f, HEALTH);
    await writeRows(f, HEALTH.name, healthRows([['d-1', '2025-04-01', 1, [], 'r1']]), 'append');
    const { metadata } = await f.catalog.loadTable(MAIN_BRANCH, HEALTH.name);
    const list = metadata.snapshots[0]!['manifest-list'];
    const bytes = await f.store.get(f.store.keyOf(list));
    await f.store.put(f.store.keyOf(list), bytes.subarray(0, bytes.length - 10));
    const error = await readTable(f.catalog, f.ctx, MAIN_BRANCH, HEALTH.name).catch((e) => e);
    expect(error).toBeInstanceOf(CorruptManifestError);
    expect(error.file).toBe(list);
    expect(error.message).toBe(`iceberg manifest list unreadable: ${list}: truncated block`);
  });
});
