import { describe, expect, it } from 'vitest';
import { MAIN_BRANCH } from '../../src/catalog/port.js';
import { writeAuditPublish } from '../../src/catalog/wap.js';
import { CatalogConflictError, CatalogNotFoundError, InvalidArgumentError } from '../../src/errors.js';
import { addColumnsChange, createTableChange } from '../../src/iceberg/schema.js';
import { scanTable, tableFiles } from '../../src/iceberg/tableReader.js';
import { writeTableData } from '../../src/iceberg/tableWriter.js';
import { createTable, HEALTH, healthRows, readRows, writeRows } from './fixture.js';
import { useLocalCatalogFixtures } from './localFixtures.js';

const localFixture = useLocalCatalogFixtures('catalog');

describe('embedded catalog with Iceberg tables', () => {
  it('keeps a branch invisible to main until it is merged, then main reads the same rows', async () => {
    const f = await localFixture();
    const branch = await f.catalog.createBranch('etl');
    await createTable(f, HEALTH, 'etl');
    await writeRows(
      f,
      HEALTH.name,
      healthRows([
        ['d-1', '2025-04-01', 25.5, [], 'r1'],
        ['d-2', '2025-04-01', 31.25, ['bearing', 'motor'], 'r1'],
        ['d-1', '2025-04-02', null, [], 'r1'],
      ]),
      'append',
      'etl',
    );
    expect(await f.catalog.listTables(MAIN_BRANCH)).toEqual([]);
    await expect(f.catalog.loadTable(MAIN_BRANCH, HEALTH.name)).rejects.toBeInstanceOf(CatalogNotFoundError);
    const onBranch = await readRows(f, 'etl', HEALTH.name);
    expect(onBranch).toEqual([
      { device_id: 'd-1', date: '2025-04-01', max_temp: 25.5, failed_components: [], run_id: 'r1' },
      { device_id: 'd-1', date: '2025-04-02', max_temp: null, failed_components: [], run_id: 'r1' },
      {
        device_id: 'd-2',
        date: '2025-04-01',
        max_temp: 31.25,
        failed_components: ['bearing', 'motor'],
        run_id: 'r1',
      },
    ]);

    const merged = await f.catalog.merge({ from: 'etl', into: MAIN_BRANCH });
    expect(merged.commit?.tables).toEqual([HEALTH.name]);
    expect(merged.commit?.parents).toEqual([branch.hash, (await f.catalog.getBranch('etl')).hash]);
    expect(await readRows(f, MAIN_BRANCH, HEALTH.name)).toEqual(onBranch);
    const log = await f.catalog.log(MAIN_BRANCH);
    expect(log.map((c) => c.message)).toEqual(['merge etl into main', 'catalog created']);
    // A second merge has nothing to bring.
    expect((await f.catalog.merge({ from: 'etl', into: MAIN_BRANCH })).commit).toBeUndefined();
  });

  it('overwrites whole day partitions, keeps snapshots with parents and sequence numbers, and time-travels', async () => {
    const f = await localFixture();
    await createTable(f, HEALTH);
    const first = await writeRows(
      f,
      HEALTH.name,
      healthRows([
        ['d-1', '2025-04-01', 20, [], 'r1'],
        ['d-1', '2025-04-02', 21, [], 'r1'],
      ]),
      'append',
    );
    const second = await writeRows(
      f,
      HEALTH.name,
      healthRows([['d-1', '2025-04-02', 29, ['sensor'], 'r2']]),
      'overwrite-partitions',
    );
    const rows = await readRows(f, MAIN_BRANCH, HEALTH.name);
    expect(rows.map((r) => [r.date, r.max_temp, r.run_id])).toEqual([
      ['2025-04-01', 20, 'r1'],
      ['2025-04-02', 29, 'r2'],
    ]);
    const { metadata } = await f.catalog.loadTable(MAIN_BRANCH, HEALTH.name);
    const [s1, s2] = metadata.snapshots;
    expect(s2!['parent-snapshot-id']).toBe(s1!['snapshot-id']);
    expect([s1!['sequence-number'], s2!['sequence-number']]).toEqual([1, 2]);
    expect(s2!.summary).toMatchObject({
      operation: 'overwrite',
      'added-records': '1',
      'deleted-records': '1',
      'total-records': '2',
      'total-data-files': '2',
    });
    expect(metadata['metadata-log']).toHaveLength(2);
    // Time travel: by commit hash, by time, by snapshot id.
    const old = await readRows(f, first.result.branch.hash, HEALTH.name);
    expect(old.map((r) => r.max_temp)).toEqual([20, 21]);
    const asOf = await readRows(f, { branch: MAIN_BRANCH, asOfMs: first.result.commit!.timeMs }, HEALTH.name);
    expect(asOf.map((r) => r.run_id)).toEqual(['r1', 'r1']);
    const bySnapshot = await scanTable(f.ctx, metadata, { snapshotId: s1!['snapshot-id'] });
    expect(bySnapshot).toHaveLength(2);
    // Partition pruning reads only the asked day.
    expect(
      await tableFiles(f.store, metadata, { fromDate: '2025-04-02', toDate: '2025-04-02' }),
    ).toHaveLength(1);
    expect(second.written.removed).toHaveLength(1);
  });

  it('adds a column without rewriting data: old rows read it as null, new rows carry it', async () => {
    const f = await localFixture();
    await createTable(f, HEALTH);
    await writeRows(f, HEALTH.name, healthRows([['d-1', '2025-04-01', 20, [], 'r1']]), 'append');
    const head = await f.catalog.getBranch(MAIN_BRANCH);
    const loaded = await f.catalog.loadTable(head.hash, HEALTH.name);
    await f.catalog.commit({
      branch: MAIN_BRANCH,
      expectedHash: head.hash,
      message: 'add note',
      changes: [addColumnsChange(HEALTH.name, loaded.metadata, [{ name: 'note', type: 'string' }])],
    });
    await writeRows(
      f,
      HEALTH.name,
      `SELECT 'd-2' AS device_id, DATE '2025-04-01' AS date, 22.0 AS max_temp, []::VARCHAR[] AS failed_components, 'r2' AS run_id, 'new' AS note`,
      'append',
    );
    const rows = await readRows(f, MAIN_BRANCH, HEALTH.name);
    expect(rows.map((r) => [r.device_id, r.note])).toEqual([
      ['d-1', null],
      ['d-2', 'new'],
    ]);
    const { metadata } = await f.catalog.loadTable(MAIN_BRANCH, HEALTH.name);
    expect(metadata.schemas.at(-1)!.fields.at(-1)).toEqual({
      id: 7,
      name: 'note',
      required: false,
      type: 'string',
    });
    expect(metadata['last-column-id']).toBe(7);
    expect(() => addColumnsChange(HEALTH.name, metadata, [{ name: 'note', type: 'string' }])).toThrow(
      InvalidArgumentError,
    );
  });

  it('refuses a merge when the target changed the same table, naming it, and leaves the target as it was', async () => {
    const f = await localFixture();
    await createTable(f, HEALTH);
    await f.catalog.createBranch('a');
    await f.catalog.createBranch('b');
    await writeRows(f, HEALTH.name, healthRows([['d-1', '2025-04-01', 1, [], 'a']]), 'append', 'a');
    await writeRows(f, HEALTH.name, healthRows([['d-1', '2025-04-01', 2, [], 'b']]), 'append', 'b');
    await f.catalog.merge({ from: 'a', into: MAIN_BRANCH });
    const before = await f.catalog.getBranch(MAIN_BRANCH);
    const error = await f.catalog.merge({ from: 'b', into: MAIN_BRANCH }).catch((e) => e);
    expect(error).toBeInstanceOf(CatalogConflictError);
    expect(error.tables).toEqual([HEALTH.name]);
    expect(error.message).toMatch(/main changed iot\.device_health since b branched off/);
    expect((await f.catalog.getBranch(MAIN_BRANCH)).hash).toBe(before.hash);
  });

  it('merges a branch that was synced with main: the sync is the merge base, not a conflict', async () => {
    const f = await localFixture();
    await createTable(f, HEALTH);
    await createTable(f, { ...HEALTH, name: 'iot.other' });
    await f.catalog.createBranch('dev');
    await writeRows(f, HEALTH.name, healthRows([['d-1', '2025-04-01', 1, [], 'main']]), 'append');
    expect((await f.catalog.merge({ from: MAIN_BRANCH, into: 'dev' })).commit?.tables).toEqual([HEALTH.name]);
    await writeRows(f, 'iot.other', healthRows([['d-2', '2025-04-01', 2, [], 'dev']]), 'append', 'dev');
    const merged = await f.catalog.merge({ from: 'dev', into: MAIN_BRANCH });
    expect(merged.commit?.tables).toEqual(['iot.other']);
    expect((await readRows(f, MAIN_BRANCH, 'iot.other')).map((r) => r.run_id)).toEqual(['dev']);
  });

  it('lets a stale writer commit other tables but not one that changed meanwhile (requirements and hashes)', async () => {
    const f = await localFixture();
    await createTable(f, HEALTH);
    await createTable(f, { ...HEALTH, name: 'iot.other' });
    const head = await f.catalog.getBranch(MAIN_BRANCH);
    const loaded = await f.catalog.loadTable(head.hash, HEALTH.name);
    const stale = await writeTableData(
      f.ctx,
      loaded,
      { sql: healthRows([['d-9', '2025-04-01', 9, [], 'stale']]) },
      { mode: 'append' },
    );
    await writeRows(f, 'iot.other', healthRows([['d-1', '2025-04-01', 1, [], 'x']]), 'append');
    // Another table changed since `head`: fine.
    await writeRows(f, HEALTH.name, healthRows([['d-1', '2025-04-01', 1, [], 'y']]), 'append');
    // The same table changed since `head`: conflict, retriable.
    const error = await f.catalog
      .commit({ branch: MAIN_BRANCH, expectedHash: head.hash, message: 'stale', changes: [stale.change] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(CatalogConflictError);
    expect(error.retriable).toBe(true);
    expect(error.tables).toEqual([HEALTH.name]);
    // Committing the stale change against the new head fails on its requirement instead.
    const now = await f.catalog.getBranch(MAIN_BRANCH);
    await expect(
      f.catalog.commit({
        branch: MAIN_BRANCH,
        expectedHash: now.hash,
        message: 'stale',
        changes: [stale.change],
      }),
    ).rejects.toThrow(/ref main is at snapshot \d+, the change was made on none/);
  });

  it('write-audit-publish: a failed audit leaves main unchanged and keeps the branch; a passing run publishes all tables at once', async () => {
    let pause: Promise<void> | undefined;
    let reachedMerge: (() => void) | undefined;
    const f = await localFixture({
      beforeRefUpdate: async (op) => {
        if (op !== 'merge' || pause === undefined) return;
        reachedMerge?.();
        return pause;
      },
    });
    const tables = ['iot.t1', 'iot.t2', 'iot.t3'];
    const create = await f.catalog.getBranch(MAIN_BRANCH);
    await f.catalog.commit({
      branch: MAIN_BRANCH,
      expectedHash: create.hash,
      message: 'create three tables',
      changes: tables.map((name) => createTableChange(f.store, { ...HEALTH, name })),
    });
    const run = (runId: string, bad = false) =>
      writeAuditPublish({
        catalog: f.catalog,
        runId,
        write: async (branch) => {
          const changes = [];
          for (const table of tables) {
            const loaded = await f.catalog.loadTable(branch.hash, table);
            const sql = healthRows([['d-1', '2025-04-01', bad ? -1 : 20, [], runId]]);
            changes.push(
              (await writeTableData(f.ctx, loaded, { sql }, { mode: 'overwrite-partitions' })).change,
            );
          }
          return f.catalog.commit({
            branch: branch.name,
            expectedHash: branch.hash,
            message: `write ${runId}`,
            changes,
          });
        },
        audits: [
          {
            name: 'max_temp is not negative',
            run: async (branch) => {
              const loaded = await f.catalog.loadTable(branch.hash, 'iot.t1');
              const bad = (await scanTable(f.ctx, loaded.metadata)).filter((r) => (r.max_temp as number) < 0);
              return { passed: bad.length === 0, detail: `${bad.length} negative`, offending: bad };
            },
          },
        ],
      });
    const mainBefore = (await f.catalog.getBranch(MAIN_BRANCH)).hash;
    const failed = await run('bad', true);
    expect(failed).toMatchObject({ published: false, branchKept: true, targetHash: mainBefore });
    expect(failed.audits[0]).toMatchObject({ passed: false, detail: '1 negative' });
    expect((await f.catalog.listBranches()).map((b) => b.name)).toContain('run-bad');

    const first = await run('r1');
    expect(first.published).toBe(true);
    // Pause the second publish between writing and moving main: a reader of main sees run 1 only.
    let release!: () => void;
    pause = new Promise((resolve) => {
      release = resolve;
    });
    // A barrier: the second run has written and audited its branch and waits before moving main.
    const atMerge = new Promise<void>((resolve) => {
      reachedMerge = resolve;
    });
    const second = run('r2');
    await atMerge;
    for (const t of tables) expect((await readRows(f, MAIN_BRANCH, t)).map((r) => r.run_id)).toEqual(['r1']);
    release();
    expect((await second).published).toBe(true);
    for (const t of tables) expect((await readRows(f, MAIN_BRANCH, t)).map((r) => r.run_id)).toEqual(['r2']);
    // Every commit of main that touched the tables brought all three, from one run.
    const log = await f.catalog.log(MAIN_BRANCH);
    const publishes = log.filter((c) => c.message.startsWith('publish run'));
    expect(publishes.map((c) => c.message)).toEqual(['publish run r2', 'publish run r1']);
    for (const c of publishes) {
      expect(c.tables).toEqual(tables);
      const runIds = new Set<unknown>();
      for (const t of tables) for (const r of await readRows(f, c.hash, t)) runIds.add(r.run_id);
      expect(runIds.size).toBe(1);
    }
    expect((await f.catalog.listBranches()).map((b) => b.name)).toEqual(['main', 'run-bad']);
  });

  it('writes and reads an unpartitioned table', async () => {
    const f = await localFixture();
    const plain = { ...HEALTH, name: 'iot.plain', partitionByDay: undefined };
    await createTable(f, plain);
    await writeRows(
      f,
      plain.name,
      healthRows([
        ['d-1', '2025-04-01', 1, [], 'a'],
        ['d-2', '2025-04-02', 2, [], 'a'],
      ]),
      'append',
    );
    const { metadata } = await f.catalog.loadTable(MAIN_BRANCH, plain.name);
    expect(metadata['partition-specs'][0]!.fields).toEqual([]);
    const files = await tableFiles(f.store, metadata);
    expect(files).toHaveLength(1);
    expect(files[0]!.filePath).toMatch(/\/warehouse\/iot\/plain\/data\/[^/]+\.parquet$/);
    expect((await readRows(f, MAIN_BRANCH, plain.name)).map((r) => r.device_id)).toEqual(['d-1', 'd-2']);
  });

  it('rejects bad branch and table names before touching anything', async () => {
    const f = await localFixture();
    await expect(f.catalog.createBranch('../x')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(f.catalog.loadTable(MAIN_BRANCH, '../../etc')).rejects.toThrow(/table name rejected/);
    await expect(f.catalog.deleteBranch(MAIN_BRANCH)).rejects.toThrow(/main cannot be deleted/);
    await expect(f.catalog.getBranch('nope')).rejects.toBeInstanceOf(CatalogNotFoundError);
  });
});
