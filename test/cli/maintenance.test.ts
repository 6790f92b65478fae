import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { catalogFixture, createTable, HEALTH, healthRows, writeRows } from '../catalog/fixture.js';
import { runCli, tempDataDir } from '../support/cli.js';

describe('lambda-iot table expire and orphans', () => {
  it('expires old snapshots, then finds and deletes the files only they and a deleted branch used', async () => {
    const dataDir = tempDataDir('cli-maintenance');
    const env = { LAMBDA_IOT_DATA_DIR: dataDir };
    const store = await openObjectStore(loadConfig(env));
    const f = await catalogFixture(store, dataDir);
    await createTable(f, HEALTH);
    const first = await writeRows(f, HEALTH.name, healthRows([['d-1', '2025-04-01', 1, [], 'a']]), 'append');
    await writeRows(f, HEALTH.name, healthRows([['d-1', '2025-04-01', 2, [], 'b']]), 'overwrite-partitions');
    await writeRows(f, HEALTH.name, healthRows([['d-1', '2025-04-01', 3, [], 'c']]), 'overwrite-partitions');
    await f.catalog.createBranch('tmp');
    await writeRows(f, HEALTH.name, healthRows([['d-2', '2025-04-02', 4, [], 'tmp']]), 'append', 'tmp');
    await f.catalog.deleteBranch('tmp');
    await f.close();
    await store.close();

    const usage = await runCli(['table', 'expire', 'device_health'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/give --keep N or --older-than T/);
    const expire = await runCli(['table', 'expire', 'device_health', '--keep', '1', '--json'], env);
    expect(expire.code, expire.stderr).toBe(0);
    expect(JSON.parse(expire.stdout).expired).toHaveLength(2);
    const listed = JSON.parse(
      (await runCli(['table', 'orphans', 'device_health', '--older-than', '0', '--json'], env)).stdout,
    );
    // Two replaced day files, the deleted branch's data file, and the manifests and lists only they used.
    expect(listed.orphans.filter((o: { uri: string }) => o.uri.endsWith('.parquet'))).toHaveLength(3);
    expect(listed.deleted).toBe(false);
    const deleted = await runCli(['table', 'orphans', 'device_health', '--older-than', '0', '--delete'], env);
    expect(deleted.stdout).toMatch(new RegExp(`^${listed.orphans.length} orphan files .*; deleted`));
    const again = JSON.parse(
      (await runCli(['table', 'orphans', 'device_health', '--older-than', '0', '--json'], env)).stdout,
    );
    expect(again.orphans).toEqual([]);
    const scan = await runCli(['table', 'scan', 'device_health', '--json'], env);
    expect(JSON.parse(scan.stdout).map((r: { run_id: string }) => r.run_id)).toEqual(['c']);
    const old = await runCli(['table', 'scan', 'device_health', '--ref', first.result.branch.hash], env);
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(/older than its last snapshot expiry/);
  }, 120_000);
});
