import { describe, expect, it } from 'vitest';
import { expireSnapshots, findOrphans } from '../../src/catalog/maintenance.js';
import { MAIN_BRANCH } from '../../src/catalog/port.js';
import { writeAuditPublish } from '../../src/catalog/wap.js';
import { CatalogExpiredError, CatalogTableNotFoundError, CorruptManifestError } from '../../src/errors.js';
import { readManifestList } from '../../src/iceberg/manifestReader.js';
import { scanTable } from '../../src/iceberg/tableReader.js';
import { createTable, HEALTH, healthRows, readRows, writeRows } from './fixture.js';
import { useLocalCatalogFixtures } from './localFixtures.js';

const localFixture = useLocalCatalogFixtures('maintenance');

describe('table maintenance: expire snapshots, then remove orphan files', () => {
  it('drops a deleted branch’s files, keeps what a kept branch and every remaining snapshot need', async () => {
    const f = await localFixture();
    const store = f.store;
    await createTable(f, HEALTH);
    // Three snapshots on main: three days, then a rewrite of the first day.
    const first = await writeRows(f, HEALTH.name, healthRows([['d-1', '2025-04-01', 1, [], 's1']]), 'append');
    await writeRows(f, HEALTH.name, healthRows([['d-1', '2025-04-02', 2, [], 's2']]), 'append');
    await writeRows(f, HEALTH.name, healthRows([['d-1', '2025-04-01', 3, [], 's3']]), 'overwrite-partitions');
    // A branch that writes, then is deleted without being merged.
    await f.catalog.createBranch('scratch');
    const scratch = await writeRows(
      f,
      HEALTH.name,
      healthRows([['d-9', '2025-04-05', 9, [], 'scratch']]),
      'append',
      'scratch',
    );
    await f.catalog.deleteBranch('scratch');
    // A run whose audit fails: its branch is kept for inspection.
    const failed = await writeAuditPublish({
      catalog: f.catalog,
      runId: 'bad',
      write: (branch) =>
        writeRows(f, HEALTH.name, healthRows([['d-1', '2025-04-03', -5, [], 'bad']]), 'append', branch.name),
      audits: [{ name: 'never passes', run: async () => ({ passed: false, detail: 'on purpose' }) }],
    });
    expect(failed.branchKept).toBe(true);

    const expired = await expireSnapshots(f.catalog, HEALTH.name, { keep: 1 });
    expect(expired.expired).toHaveLength(2);
    await expect(f.catalog.loadTable(first.result.branch.hash, HEALTH.name)).rejects.toBeInstanceOf(
      CatalogExpiredError,
    );

    // Nothing is old enough with the default 3 days: a writer might be about to commit those files.
    expect((await findOrphans(f.catalog, store, HEALTH.name)).orphans).toEqual([]);
    const result = await findOrphans(f.catalog, store, HEALTH.name, { olderThanMs: 0, remove: true });
    const removed = result.orphans.map((o) => o.uri);
    for (const file of scratch.written.added) expect(removed).toContain(file.filePath);
    expect(removed.some((u) => u.endsWith('.metadata.json'))).toBe(true);
    for (const o of result.orphans) expect(await store.head(store.keyOf(o.uri))).toBeUndefined();

    // Main reads its current state; the kept branch reads, and so does every snapshot each branch still has.
    expect((await readRows(f, MAIN_BRANCH, HEALTH.name)).map((r) => r.run_id)).toEqual(['s3', 's2']);
    expect((await readRows(f, failed.branch, HEALTH.name)).map((r) => r.run_id).sort()).toEqual([
      'bad',
      's2',
      's3',
    ]);
    for (const branch of await f.catalog.listBranches()) {
      const { metadata } = await f.catalog.loadTable(branch.name, HEALTH.name);
      for (const snapshot of metadata.snapshots) {
        await expect(
          scanTable(f.ctx, metadata, { snapshotId: snapshot['snapshot-id'] }),
        ).resolves.toBeDefined();
      }
    }
  });

  it('keeps a manifest an expired snapshot wrote while a kept snapshot still lists it (carried, not rewritten)', async () => {
    const f = await localFixture();
    const store = f.store;
    await createTable(f, HEALTH);
    await writeRows(f, HEALTH.name, healthRows([['d-1', '2025-04-01', 1, [], 's1']]), 'append');
    const second = await writeRows(
      f,
      HEALTH.name,
      healthRows([['d-1', '2025-04-02', 2, [], 's2']]),
      'append',
    );
    await writeRows(f, HEALTH.name, healthRows([['d-1', '2025-04-02', 3, [], 's3']]), 'overwrite-partitions');
    const { metadata } = await f.catalog.loadTable(MAIN_BRANCH, HEALTH.name);
    const lists = await Promise.all(
      metadata.snapshots.map((s) => readManifestList(store, s['manifest-list'])),
    );
    // The overwrite of day 2 lists the first snapshot's manifest (day 1) again, by reference.
    const [firstManifest] = lists[0]!;
    expect(lists[2]!.map((m) => m.manifestPath)).toContain(firstManifest!.manifestPath);
    const [secondOnly] = lists[1]!.filter((m) => m.manifestPath !== firstManifest!.manifestPath);

    expect((await expireSnapshots(f.catalog, HEALTH.name, { keep: 1 })).expired).toHaveLength(2);
    const { orphans } = await findOrphans(f.catalog, store, HEALTH.name, { olderThanMs: 0, remove: true });
    const removed = orphans.map((o) => o.uri);
    expect(removed).toContain(secondOnly!.manifestPath);
    expect(removed).toContain(second.written.added[0]!.filePath);
    expect(removed).not.toContain(firstManifest!.manifestPath);
    expect(await store.head(store.keyOf(firstManifest!.manifestPath))).toBeDefined();
    expect((await readRows(f, MAIN_BRANCH, HEALTH.name)).map((r) => r.run_id)).toEqual(['s1', 's3']);
  });

  it('an expiry on another branch also makes that branch’s older commits unreadable, with the typed error', async () => {
    const f = await localFixture();
    const store = f.store;
    await createTable(f, HEALTH);
    await f.catalog.createBranch('dev');
    const old = await writeRows(
      f,
      HEALTH.name,
      healthRows([['d-1', '2025-04-01', 1, [], 'a']]),
      'append',
      'dev',
    );
    await writeRows(
      f,
      HEALTH.name,
      healthRows([['d-1', '2025-04-01', 2, [], 'b']]),
      'overwrite-partitions',
      'dev',
    );
    expect((await expireSnapshots(f.catalog, HEALTH.name, { keep: 1, branch: 'dev' })).expired).toHaveLength(
      1,
    );
    await findOrphans(f.catalog, store, HEALTH.name, { olderThanMs: 0, remove: true });
    await expect(f.catalog.loadTable(old.result.branch.hash, HEALTH.name)).rejects.toBeInstanceOf(
      CatalogExpiredError,
    );
    expect((await readRows(f, 'dev', HEALTH.name)).map((r) => r.run_id)).toEqual(['b']);
  });

  it('stops, naming the file, when a manifest list is unreadable, and deletes nothing; names the tables of a missing one', async () => {
    const f = await localFixture();
    const store = f.store;
    await createTable(f, HEALTH);
    await writeRows(f, HEALTH.name, healthRows([['d-1', '2025-04-01', 1, [], 'a']]), 'append');
    const { metadata } = await f.catalog.loadTable(MAIN_BRANCH, HEALTH.name);
    const list = metadata.snapshots[0]!['manifest-list'];
    await store.put(store.keyOf(list), Buffer.from('not avro'));
    const error = await findOrphans(f.catalog, store, HEALTH.name, { olderThanMs: 0, remove: true }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(CorruptManifestError);
    expect(error.message).toBe(`iceberg manifest list unreadable: ${list}: not an Avro file`);
    for (const file of metadata.snapshots)
      expect(await store.head(store.keyOf(file['manifest-list']))).toBeDefined();
    const missing = await expireSnapshots(f.catalog, 'iot.helth', { keep: 1 }).catch((e) => e);
    expect(missing).toBeInstanceOf(CatalogTableNotFoundError);
    expect(missing.message).toMatch(
      /^catalog table not found: iot\.helth at main@[0-9a-f]{12}; tables there: iot\.device_health$/,
    );
  });
});
