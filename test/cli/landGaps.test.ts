import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLog } from '../../src/bus/openLog.js';
import { loadConfig } from '../../src/config/config.js';
import { topicName } from '../../src/config/names.js';
import { listRawFiles, openLakeReader } from '../../src/lake/lakeReader.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { runCli, tempDataDir } from '../support/cli.js';

async function telemetryFiles(dataDir: string) {
  const store = await openObjectStore(loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir }));
  try {
    return await listRawFiles(store, 'telemetry');
  } finally {
    await store.close();
  }
}

describe('lambda-iot land and batch: no gaps the lake cannot see', () => {
  it('a landed file deleted from the middle fails the publish, named; land --ignore-committed refills it; junk named like a landed file is re-landed', async () => {
    const dataDir = tempDataDir('land-gaps');
    const env = { LAMBDA_IOT_DATA_DIR: dataDir, LAMBDA_IOT_LAND_FILE_ROWS: '400' };
    const simulated = await runCli(
      ['simulate', '--devices', '3', '--days', '3', '--seed', '5', '--json'],
      env,
    );
    expect(simulated.code, simulated.stderr).toBe(0);
    const produced = JSON.parse(simulated.stdout).produced.telemetry as number;
    expect((await runCli(['land', '--until-idle', '1s'], env)).code).toBe(0);
    expect((await runCli(['batch'], env)).code).toBe(0);

    // A file from the middle of a partition disappears.
    const files = await telemetryFiles(dataDir);
    const highest = new Map<number, number>();
    for (const f of files)
      highest.set(
        f.landed!.partition,
        Math.max(highest.get(f.landed!.partition) ?? -1, f.landed!.lastOffset),
      );
    const middle = files.find(
      (f) => f.landed!.lastOffset < highest.get(f.landed!.partition)! && f.landed!.firstOffset > 0,
    )!;
    const { partition, firstOffset, lastOffset } = middle.landed!;
    fs.rmSync(path.join(dataDir, 'lake', middle.key));

    const refused = await runCli(['batch', '--full'], env);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      `FAIL  raw landed offsets contiguous: 1 gap(s) in the landed offsets, in no raw file and not recorded as lost: ` +
        `iot-telemetry partition ${partition} offsets ${firstOffset}–${lastOffset}.`,
    );
    expect(refused.stderr).toMatch(/audits failed \(raw landed offsets contiguous\); nothing published/);

    // A plain land does not look below the committed offsets; --ignore-committed lands the gap again.
    const refill = await runCli(['land', '--until-idle', '1s', '--ignore-committed', '--json'], env);
    expect(refill.code, refill.stderr).toBe(0);
    expect(JSON.parse(refill.stdout).telemetry.rows).toBe(lastOffset - firstOffset + 1);
    expect(fs.existsSync(path.join(dataDir, 'lake', middle.key))).toBe(true);
    const published = await runCli(['batch', '--full', '--json'], env);
    expect(published.code, published.stderr).toBe(0);
    expect(JSON.parse(published.stdout).audits).toContainEqual(
      expect.objectContaining({ name: 'raw landed offsets contiguous', passed: true }),
    );

    // Junk named like a landed file, past everything landed: land rejects it and lands what follows.
    const next = highest.get(partition)! + 1;
    const junk = path.join(
      dataDir,
      'lake',
      'raw',
      'telemetry',
      'date=2025-04-01',
      `iot-telemetry-${partition}-${next}-${next + 2000}.parquet`,
    );
    fs.writeFileSync(junk, 'junk from another client');
    const config = loadConfig(env);
    const log = await openLog(config);
    try {
      const ms = Date.UTC(2025, 3, 4, 12);
      await log.produce(
        topicName(config, 'telemetry'),
        Array.from({ length: 40 }, (_, i) => ({
          key: `late-${i}`,
          value: JSON.stringify({
            device_id: `late-${i}`,
            timestamp: new Date(ms).toISOString().replace('.000Z', 'Z'),
            energy_usage: 1,
            temperature: 22,
            vibration: 0.5,
            signal_strength: 90,
          }),
          timestamp: ms,
        })),
      );
    } finally {
      await log.close();
    }
    const landed = await runCli(['land', '--until-idle', '1s', '--json'], env);
    expect(landed.code, landed.stderr).toBe(0);
    expect(landed.stderr).toMatch(
      /warning: raw file rejected: raw\/telemetry\/date=2025-04-01\/iot-telemetry-\d+-\d+-\d+\.parquet not a readable Parquet file/,
    );
    expect(JSON.parse(landed.stdout).telemetry.rows).toBe(40);
    expect(fs.existsSync(junk)).toBe(false);
    const store = await openObjectStore(config);
    const lake = await openLakeReader(store, { dataDir });
    try {
      const [count] = await lake.query<{ rows: number; distinct: number }>(
        'SELECT count(*) AS rows, count(DISTINCT (source_partition, source_offset)) AS distinct FROM raw_telemetry',
      );
      expect(count).toEqual({ rows: produced + 40, distinct: produced + 40 });
    } finally {
      lake.close();
      await store.close();
    }
  }, 300_000);
});
