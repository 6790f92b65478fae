import { afterEach, describe, expect, it } from 'vitest';
import { MAIN_BRANCH } from '../../src/catalog/port.js';
import { loadConfig } from '../../src/config/config.js';
import { readManifest, readManifestList } from '../../src/iceberg/manifestReader.js';
import { refSnapshot } from '../../src/iceberg/metadata.js';
import { tableFiles } from '../../src/iceberg/tableReader.js';
import { type WriteOptions, writeTableData } from '../../src/iceberg/tableWriter.js';
import { ENTRY_STATUS, type ManifestFile } from '../../src/iceberg/types.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import {
  type CatalogFixture,
  catalogFixture,
  createTable,
  HEALTH,
  healthRows,
  readRows,
} from '../catalog/fixture.js';
import { tempDataDir } from '../support/cli.js';
import { countManifestReads, type ManifestCountingStore } from '../support/manifestReads.js';

const fixtures: CatalogFixture[] = [];
afterEach(async () => {
  for (const f of fixtures.splice(0)) {
    await f.close();
    await f.store.close();
  }
});

async function fixture(): Promise<CatalogFixture & { store: ManifestCountingStore }> {
  const dataDir = tempDataDir('manifest-bound');
  const store = countManifestReads(await openObjectStore(loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir })));
  const f = await catalogFixture(store, dataDir);
  fixtures.push(f);
  await createTable(f, HEALTH);
  return f as CatalogFixture & { store: ManifestCountingStore };
}

/** One write to the table on main, committed; returns the new snapshot's id. */
async function write(
  f: CatalogFixture,
  rows: Parameters<typeof healthRows>[0],
  options: Omit<WriteOptions, 'summary'>,
): Promise<number> {
  const head = await f.catalog.getBranch(MAIN_BRANCH);
  const loaded = await f.catalog.loadTable(head.hash, HEALTH.name);
  const { change, snapshot } = await writeTableData(f.ctx, loaded, { sql: healthRows(rows) }, options);
  await f.catalog.commit({
    branch: MAIN_BRANCH,
    expectedHash: head.hash,
    message: 'write',
    changes: [change],
  });
  return snapshot['snapshot-id'];
}

/** The manifest list of main's current snapshot of the table. */
async function manifests(f: CatalogFixture): Promise<ManifestFile[]> {
  const { metadata } = await f.catalog.loadTable(MAIN_BRANCH, HEALTH.name);
  return readManifestList(f.store, refSnapshot(metadata)!['manifest-list']);
}

describe('manifests of an overwrite: untouched history is carried, not rewritten', () => {
  it('rewrites only the manifest holding the replaced day; the others are listed again as they are', async () => {
    const f = await fixture();
    const first = await write(f, [['d-1', '2025-04-01', 1, [], 'a']], { mode: 'append' });
    // One manifest with two days: rewriting it keeps the other day's entry, EXISTING with its first ids.
    const second = await write(
      f,
      [
        ['d-1', '2025-04-02', 2, [], 'a'],
        ['d-1', '2025-04-03', 3, [], 'a'],
      ],
      { mode: 'append' },
    );
    await write(f, [['d-1', '2025-04-04', 4, [], 'a']], { mode: 'append' });
    const before = await manifests(f);
    expect(before).toHaveLength(3);

    f.store.resetReads();
    const overwrite = await write(f, [['d-1', '2025-04-03', 30, [], 'b']], { mode: 'overwrite-partitions' });
    const twoDays = before.find((m) => m.addedSnapshotId === second)!;
    // Only the manifest whose partition summary covers 2025-04-03 was read.
    expect(f.store.manifestReads.map((k) => f.store.uri(k))).toEqual([twoDays.manifestPath]);
    const after = await manifests(f);
    const untouched = before.filter((m) => m !== twoDays);
    for (const m of untouched) expect(after).toContainEqual(m);
    expect(after.map((m) => m.manifestPath)).not.toContain(twoDays.manifestPath);
    const fresh = after.filter((m) => m.addedSnapshotId === overwrite);
    expect(fresh).toHaveLength(2);
    const added = fresh.find((m) => m.addedFilesCount === 1)!;
    expect(added).toMatchObject({ existingFilesCount: 0, deletedFilesCount: 0, addedRowsCount: 1 });
    const rewritten = fresh.find((m) => m !== added)!;
    expect(rewritten).toMatchObject({
      addedFilesCount: 0,
      existingFilesCount: 1,
      deletedFilesCount: 1,
      existingRowsCount: 1,
      deletedRowsCount: 1,
    });
    const entries = await readManifest(f.store, rewritten.manifestPath);
    const { metadata } = await f.catalog.loadTable(MAIN_BRANCH, HEALTH.name);
    const seq = (id: number) => metadata.snapshots.find((s) => s['snapshot-id'] === id)!['sequence-number'];
    expect(rewritten.sequenceNumber).toBe(seq(overwrite));
    expect(rewritten.minSequenceNumber).toBe(seq(second));
    expect(
      entries.map((e) => ({ status: e.status, snapshotId: e.snapshotId, seq: e.sequenceNumber })),
    ).toEqual([
      { status: ENTRY_STATUS.EXISTING, snapshotId: second, seq: seq(second) },
      { status: ENTRY_STATUS.DELETED, snapshotId: overwrite, seq: seq(second) },
    ]);
    expect(refSnapshot(metadata)!.summary).toMatchObject({
      operation: 'overwrite',
      'deleted-data-files': '1',
      'total-data-files': '4',
      'total-records': '4',
    });
    expect((await readRows(f, MAIN_BRANCH, HEALTH.name)).map((r) => r.max_temp)).toEqual([1, 2, 30, 4]);

    // Rewritten again, the manifest drops the entry the earlier snapshot deleted and records only this
    // snapshot's deletion; the next commit leaves it out (it holds no live file).
    const again = await write(f, [['d-1', '2025-04-02', 20, [], 'c']], { mode: 'overwrite-partitions' });
    const onlyDeleted = (await manifests(f)).filter(
      (m) => m.addedSnapshotId === again && m.addedFilesCount + m.existingFilesCount === 0,
    );
    expect(onlyDeleted).toHaveLength(1);
    expect(
      (await readManifest(f.store, onlyDeleted[0]!.manifestPath)).map((e) => [e.status, e.snapshotId]),
    ).toEqual([[ENTRY_STATUS.DELETED, again]]);
    await write(f, [['d-1', '2025-04-05', 5, [], 'c']], { mode: 'append' });
    const latest = await manifests(f);
    expect(latest.map((m) => m.manifestPath)).not.toContain(onlyDeleted[0]!.manifestPath);
    expect(latest.some((m) => m.addedSnapshotId === first)).toBe(true);
    expect(latest.every((m) => m.addedFilesCount + m.existingFilesCount > 0)).toBe(true);
    expect((await readRows(f, MAIN_BRANCH, HEALTH.name)).map((r) => r.max_temp)).toEqual([1, 20, 30, 4, 5]);
  });

  it('a date-range scan reads only the manifests whose days overlap the range', async () => {
    const f = await fixture();
    for (const day of ['2025-04-01', '2025-04-02', '2025-04-03'])
      await write(f, [['d-1', day, 1, [], 'a']], { mode: 'append' });
    const { metadata } = await f.catalog.loadTable(MAIN_BRANCH, HEALTH.name);
    f.store.resetReads();
    const files = await tableFiles(f.store, metadata, { fromDate: '2025-04-02', toDate: '2025-04-02' });
    expect(files).toHaveLength(1);
    expect(f.store.manifestReads).toHaveLength(1);
  });
});

describe('manifest bound', () => {
  it('keeps at most the bound manifests by merging the smallest, and the rows stay the same', async () => {
    const f = await fixture();
    const bound = 3;
    const big = await write(
      f,
      ['01', '02', '03', '04', '05', '06'].map((d): [string, string, number, string[], string] => [
        'd-1',
        `2025-04-${d}`,
        1,
        [],
        'a',
      ]),
      { mode: 'append', manifestBound: bound },
    );
    const expected = [1, 1, 1, 1, 1, 1];
    for (let day = 7; day <= 14; day++) {
      const date = `2025-04-${String(day).padStart(2, '0')}`;
      await write(f, [['d-1', date, day, [], 'b']], { mode: 'overwrite-partitions', manifestBound: bound });
      expected.push(day);
      const list = await manifests(f);
      expect(list.length).toBeLessThanOrEqual(bound);
      // The big manifest of the first six days is never merged: smaller ones are.
      expect(list.some((m) => m.addedSnapshotId === big)).toBe(true);
      f.store.resetReads();
      const rows = await readRows(f, MAIN_BRANCH, HEALTH.name);
      expect(f.store.manifestReads.length).toBeLessThanOrEqual(bound);
      expect(rows.map((r) => r.max_temp)).toEqual(expected);
    }
    // Merged manifests keep each file's snapshot id and sequence numbers (EXISTING), and their counts add up.
    const { metadata } = await f.catalog.loadTable(MAIN_BRANCH, HEALTH.name);
    const current = refSnapshot(metadata)!;
    const list = await manifests(f);
    expect(list.reduce((n, m) => n + m.addedFilesCount + m.existingFilesCount, 0)).toBe(14);
    expect(current.summary['total-data-files']).toBe('14');
    for (const m of list) {
      const entries = await readManifest(f.store, m.manifestPath);
      expect(entries.filter((e) => e.status === ENTRY_STATUS.ADDED).length).toBe(m.addedFilesCount);
      expect(entries.filter((e) => e.status === ENTRY_STATUS.EXISTING).length).toBe(m.existingFilesCount);
      for (const e of entries) {
        const writer = metadata.snapshots.find((s) => s['snapshot-id'] === e.snapshotId)!;
        expect(e.sequenceNumber).toBe(writer['sequence-number']);
        if (e.status === ENTRY_STATUS.ADDED) expect(e.snapshotId).toBe(m.addedSnapshotId);
      }
      expect(m.minSequenceNumber).toBe(Math.min(...entries.map((e) => e.sequenceNumber)));
    }
  });
});
