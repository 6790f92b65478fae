import { describe, expect, it } from 'vitest';
import { MAIN_BRANCH } from '../../src/catalog/port.js';
import { loadConfig } from '../../src/config/config.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { catalogFixture, createTable, HEALTH, healthRows, writeRows } from '../catalog/fixture.js';
import { runCli, tempDataDir } from '../support/cli.js';

const EVENTS = {
  name: 'iot.events_seen',
  columns: [
    { name: 'device_id', type: 'string' as const },
    { name: 'seen_at', type: 'timestamptz' as const },
  ],
  partitionByDay: 'seen_at',
};

describe('lambda-iot catalog and table', () => {
  it('table scan escapes control characters in its text output', async () => {
    const dataDir = tempDataDir('cli-hostile');
    const env = { LAMBDA_IOT_DATA_DIR: dataDir };
    const store = await openObjectStore(loadConfig(env));
    const f = await catalogFixture(store, dataDir);
    await createTable(f, HEALTH);
    const id = `'dev' || chr(27) || '[2J' || chr(13) || chr(10) || chr(7)`;
    await writeRows(
      f,
      HEALTH.name,
      healthRows([['X', '2025-04-01', 20, [], 'r1']]).replace("'X'", id),
      'append',
    );
    await f.close();
    await store.close();
    const text = await runCli(['table', 'scan', 'device_health'], env);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^dev\\x1b\[2J\\r\\n\\x07 +2025-04-01/);
    for (const line of lines) expect(line).not.toMatch(/\p{Cc}/u);
    const json = await runCli(['table', 'scan', 'device_health', '--json'], env);
    expect(JSON.parse(json.stdout)[0].device_id).toBe('dev\u001b[2J\r\n\u0007');
  });

  it('lists, scans, shows history, merges, refuses a conflicting merge and drops branches', async () => {
    const dataDir = tempDataDir('cli-catalog');
    const env = { LAMBDA_IOT_DATA_DIR: dataDir };
    const store = await openObjectStore(loadConfig(env));
    const f = await catalogFixture(store, dataDir);
    await createTable(f, HEALTH);
    await createTable(f, EVENTS);
    await writeRows(f, HEALTH.name, healthRows([['d-1', '2025-04-01', 20, ['motor'], 'r1']]), 'append');
    await writeRows(
      f,
      HEALTH.name,
      healthRows([['d-1', '2025-04-01', 25, [], 'r2']]),
      'overwrite-partitions',
    );
    await writeRows(
      f,
      EVENTS.name,
      `SELECT 'd-1' AS device_id, TIMESTAMPTZ '2025-04-01 20:00:00+00' AS seen_at`,
      'append',
    );
    await f.catalog.createBranch('fix');
    await f.catalog.createBranch('clash');
    await writeRows(f, HEALTH.name, healthRows([['d-2', '2025-04-02', 30, [], 'fix']]), 'append', 'fix');
    await writeRows(f, HEALTH.name, healthRows([['d-3', '2025-04-02', 31, [], 'clash']]), 'append', 'clash');
    await f.close();
    await store.close();

    const ls = await runCli(['table', 'ls', '--json'], env);
    expect(ls.code, ls.stderr).toBe(0);
    expect(JSON.parse(ls.stdout)).toEqual([
      expect.objectContaining({
        table: 'iot.device_health',
        records: 1,
        data_files: 1,
        partitioned_by: 'day(date)',
      }),
      expect.objectContaining({ table: 'iot.events_seen', records: 1, partitioned_by: 'day(seen_at)' }),
    ]);
    const scan = await runCli(['table', 'scan', 'device_health', '--json'], env);
    expect(JSON.parse(scan.stdout)).toEqual([
      { device_id: 'd-1', date: '2025-04-01', max_temp: 25, failed_components: [], run_id: 'r2' },
    ]);
    const events = await runCli(['table', 'scan', 'iot.events_seen', '--json'], env);
    expect(JSON.parse(events.stdout)).toEqual([{ device_id: 'd-1', seen_at: '2025-04-01T20:00:00.000Z' }]);
    const history = await runCli(['table', 'history', 'device_health', '--json'], env);
    const snapshots = JSON.parse(history.stdout);
    expect(snapshots.map((s: { operation: string; current: boolean }) => [s.operation, s.current])).toEqual([
      ['overwrite', true],
      ['append', false],
    ]);
    // Time travel from the command line: the commit before the overwrite.
    const log = JSON.parse((await runCli(['catalog', 'log', '--json'], env)).stdout);
    const beforeOverwrite = log.find(
      (c: { message: string }) => c.message === 'append iot.device_health',
    ).hash;
    const old = await runCli(
      ['table', 'scan', 'device_health', '--ref', `main@${beforeOverwrite.slice(0, 12)}`, '--json'],
      env,
    );
    expect(JSON.parse(old.stdout)[0]).toMatchObject({ max_temp: 20, failed_components: ['motor'] });
    const human = await runCli(['table', 'scan', 'device_health', '--limit', '5'], env);
    expect(human.stdout).toMatch(/device_id\s+date\s+max_temp/);

    const branches = await runCli(['catalog', 'branches'], env);
    expect(branches.stdout).toMatch(/clash[\s\S]*fix[\s\S]*main/);
    const merged = await runCli(['catalog', 'merge', 'fix'], env);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(/^merged fix into main: commit [0-9a-f]{12} \(iot\.device_health\)/);
    const clash = await runCli(['catalog', 'merge', 'clash'], env);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toMatch(
      /catalog merge conflict: main changed iot\.device_health since clash branched off/,
    );
    const drop = await runCli(['catalog', 'drop', 'clash'], env);
    expect(drop.stdout).toMatch(/^dropped branch clash/);
    const after = JSON.parse((await runCli(['catalog', 'branches', '--json'], env)).stdout);
    expect(after.map((b: { branch: string }) => b.branch)).toEqual(['fix', MAIN_BRANCH]);
    const missing = await runCli(['table', 'scan', 'nope'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/catalog table not found: iot\.nope at main/);
  }, 120_000);

  it('names what exists on a ref when a table or branch is not found, and lists the other tables when one metadata.json is truncated', async () => {
    const dataDir = tempDataDir('cli-catalog-errors');
    const env = { LAMBDA_IOT_DATA_DIR: dataDir };
    const store = await openObjectStore(loadConfig(env));
    const f = await catalogFixture(store, dataDir);
    await createTable(f, HEALTH);
    await createTable(f, EVENTS);
    await writeRows(f, HEALTH.name, healthRows([['d-1', '2025-04-01', 20, [], 'r1']]), 'append');
    await f.catalog.createBranch('run-1');
    const { metadataLocation } = await f.catalog.loadTable(MAIN_BRANCH, EVENTS.name);
    const key = store.keyOf(metadataLocation);
    const bytes = await store.get(key);
    await store.put(key, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await f.close();
    await store.close();

    const table = await runCli(['table', 'scan', 'helth'], env);
    expect(table.code).toBe(1);
    expect(table.stderr).toMatch(
      'catalog table not found: iot.helth at main; tables there: iot.device_health, iot.events_seen',
    );
    const branch = await runCli(['table', 'scan', 'device_health', '--ref', 'mian'], env);
    expect(branch.code).toBe(1);
    expect(branch.stderr).toMatch('catalog branch not found: mian; branches: main, run-1');
    const short = await runCli(['catalog', 'log', 'main@3f2'], env);
    expect(short.stderr).toMatch('catalog commit hash too short: 3f2 (give at least 6 hex digits)');

    const broken = await runCli(['table', 'scan', 'events_seen'], env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(
      `catalog table metadata unreadable: iot.events_seen in ${metadataLocation}: `,
    );
    const ls = await runCli(['table', 'ls', '--json'], env);
    expect(ls.code, ls.stderr).toBe(0);
    expect(JSON.parse(ls.stdout)).toEqual([
      expect.objectContaining({ table: 'iot.device_health', records: 1 }),
      {
        table: 'iot.events_seen',
        unreadable: expect.stringMatching(/^catalog table metadata unreadable: iot\.events_seen in /),
      },
    ]);
    const text = await runCli(['table', 'ls'], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/iot\.device_health\s+\d+\s+1\s/);
    expect(text.stdout).toMatch(/iot\.events_seen\s+unreadable\s/);
    expect(text.stdout).toMatch(
      `iot.events_seen is unreadable: catalog table metadata unreadable: iot.events_seen in ${metadataLocation}`,
    );
  }, 120_000);
});
