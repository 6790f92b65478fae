import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDuckSession, sqlString } from '../../src/duckdb/duckSession.js';
import { runCli, tempDataDir } from '../support/cli.js';

describe('lambda-iot batch', () => {
  it('publishes Gold, then refuses a lake with impossible values: exit 1, main unchanged, the rows named', async () => {
    const dataDir = tempDataDir('cli-batch');
    const env = { LAMBDA_IOT_DATA_DIR: dataDir };
    expect((await runCli(['simulate', '--devices', '3', '--days', '5', '--seed', '4'], env)).code).toBe(0);
    expect((await runCli(['land', '--until-idle', '1s'], env)).code).toBe(0);
    const first = await runCli(['batch', '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const published = JSON.parse(first.stdout);
    expect(published).toMatchObject({ published: true, range: { from: '2025-04-01', to: '2025-04-05' } });
    expect(published.audits.every((a: { passed: boolean }) => a.passed)).toBe(true);
    expect(published.quality.predictions).toBeGreaterThan(0);

    const scan = await runCli(['table', 'scan', 'gold_device_health', '--limit', '5', '--json'], env);
    const rows = JSON.parse(scan.stdout);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatchObject({ device_id: 'device_1', date: '2025-04-01' });

    // A file dropped into the lake by hand with a negative vibration.
    const file = path.join(dataDir, 'lake', 'raw', 'telemetry', 'date=2025-04-03', 'manual-bad.parquet');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const duck = await openDuckSession();
    await duck.run(
      `COPY (SELECT 'device_2' AS device_id, TIMESTAMPTZ '2025-04-03 12:00:30+00' AS "timestamp", 1.5 AS energy_usage,
             22.0 AS temperature, -4.0 AS vibration, 90.0 AS signal_strength) TO ${sqlString(file)} (FORMAT PARQUET)`,
    );
    duck.close();
    const refused = await runCli(['batch'], env);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(
      /FAIL {2}silver inputs within contract ranges: 1 reading outside the contract ranges/,
    );
    expect(refused.stdout).toMatch(/"device_id":"device_2".*"vibration":-4/);
    expect(refused.stdout).toMatch(
      /NOT published: main stays at [0-9a-f]{12}; the run's tables are on branch run-/,
    );
    expect(refused.stderr).toMatch(
      /batch: audits failed \(silver inputs within contract ranges\); nothing published/,
    );
    expect(refused.stdout).toContain(published.mainHash.slice(0, 12));
    const log = JSON.parse((await runCli(['catalog', 'log', '--json', '--limit', '1'], env)).stdout);
    expect(log[0].hash).toBe(published.mainHash);
  }, 180_000);

  it('a failed Gold write prints why: the cause chain down to the file-system error (stacks with --debug)', async () => {
    const dataDir = tempDataDir('cli-batch-cause');
    const env = { LAMBDA_IOT_DATA_DIR: dataDir };
    expect((await runCli(['simulate', '--devices', '2', '--days', '2', '--seed', '3'], env)).code).toBe(0);
    expect((await runCli(['land', '--until-idle', '1s'], env)).code).toBe(0);
    // A file where the warehouse folder belongs: every table write fails inside the local store.
    fs.writeFileSync(path.join(dataDir, 'lake', 'warehouse'), 'not a folder');
    const failed = await runCli(['batch'], env);
    expect(failed.code).toBe(1);
    const lines = failed.stderr.trimEnd().split('\n');
    expect(lines.at(-3)).toMatch(
      /^lambda-iot: write-audit-publish \S+: writing failed; branch run-\S+ dropped \(nothing was written on it\)$/,
    );
    expect(lines.at(-2)).toMatch(/^ {2}caused by: lake local put failed: warehouse\/iot\/.*ENOTDIR/);
    expect(lines.at(-1)).toMatch(/^ {2}caused by: ENOTDIR: not a directory, mkdir /);
    const debug = await runCli(['--debug', 'batch'], env);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/ {2}caused by: ENOTDIR: not a directory, mkdir .*\n {4}at /);
    // Two failed attempts, no run branch left behind: nothing was written on them.
    const branches = JSON.parse((await runCli(['catalog', 'branches', '--json'], env)).stdout);
    expect(branches.map((b: { branch: string }) => b.branch)).toEqual(['main']);
  }, 180_000);

  it('reports the run branch a killed batch left, and `catalog drop` removes it', async () => {
    const dataDir = tempDataDir('cli-batch-stale');
    const env = { LAMBDA_IOT_DATA_DIR: dataDir };
    expect((await runCli(['simulate', '--devices', '2', '--days', '2', '--seed', '3'], env)).code).toBe(0);
    expect((await runCli(['land', '--until-idle', '1s'], env)).code).toBe(0);
    const killed = await runCli(['batch'], {
      ...env,
      LAMBDA_IOT_TEST_CRASH_AT: 'catalog:after-metadata-write',
    });
    expect(killed.signal).toBe('SIGKILL');
    const branches = async () =>
      JSON.parse((await runCli(['catalog', 'branches', '--json'], env)).stdout).map(
        (b: { branch: string }) => b.branch,
      ) as string[];
    const stale = (await branches()).filter((name) => name !== 'main');
    expect(stale).toHaveLength(1);
    expect(stale[0]).toMatch(/^run-/);
    const next = await runCli(['batch'], env);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain(`warning  1 run branch(es) left by earlier runs`);
    expect(next.stderr).toContain(`${stale[0]}; look with`);
    expect(next.stdout).toContain(`1 run branch(es) left by earlier runs: ${stale[0]} (drop with`);
    expect((await runCli(['catalog', 'drop', stale[0]!], env)).code).toBe(0);
    const clean = JSON.parse((await runCli(['batch', '--json'], env)).stdout);
    expect(clean.staleBranches).toEqual([]);
    expect(await branches()).toEqual(['main']);
  }, 180_000);

  it('never publishes nothing: --from after --to exits 2, dates without raw data name the dates the lake holds', async () => {
    const dataDir = tempDataDir('cli-batch-empty');
    const env = { LAMBDA_IOT_DATA_DIR: dataDir };
    const reversed = await runCli(['batch', '--from', '2025-04-05', '--to', '2025-04-03'], env);
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toMatch(/--from must be on or before --to/);

    expect((await runCli(['simulate', '--devices', '2', '--days', '2', '--seed', '4'], env)).code).toBe(0);
    expect((await runCli(['land', '--until-idle', '1s'], env)).code).toBe(0);
    const mainBefore = JSON.parse((await runCli(['catalog', 'branches', '--json'], env)).stdout);
    const empty = await runCli(['batch', '--from', '2025-04-05', '--to', '2025-04-07'], env);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toMatch(
      /nothing to do \(no raw telemetry from 2025-04-05 to 2025-04-07; the lake holds telemetry for 2025-04-01 … 2025-04-02\)/,
    );
    const json = JSON.parse(
      (await runCli(['batch', '--from', '2025-04-05', '--to', '2025-04-07', '--json'], env)).stdout,
    );
    expect(json).toMatchObject({ range: null, published: false });
    expect(JSON.parse((await runCli(['catalog', 'branches', '--json'], env)).stdout)).toEqual(mainBefore);
  }, 180_000);
});
