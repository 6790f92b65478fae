import { describe, expect, it } from 'vitest';
import { runCli, tempDataDir } from '../support/cli.js';

/** One plant per data directory (issue 14 item 5) and an at-least-once repeat that leaves Gold alone (issue 15 item 4). */

type Row = Record<string, unknown>;

async function cli(args: string[], env: Record<string, string>, code = 0) {
  const r = await runCli(args, env, 240_000);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code);
  return r;
}

async function gold(env: Record<string, string>, table: string): Promise<Row[]> {
  return JSON.parse((await cli(['table', 'scan', table, '--json'], env)).stdout);
}

async function messages(env: Record<string, string>): Promise<number> {
  const topics = JSON.parse((await cli(['topics', '--json'], env)).stdout) as {
    topic: string;
    partitions: { endOffset: number }[];
  }[];
  const telemetry = topics.find((t) => t.topic === 'iot-telemetry')!;
  return telemetry.partitions.reduce((n, p) => n + p.endOffset, 0);
}

const byKey = (rows: Row[]) =>
  [...rows].sort((x, y) =>
    `${x.device_id}|${x.date ?? x.prediction_date}`.localeCompare(
      `${y.device_id}|${y.date ?? y.prediction_date}`,
    ),
  );

describe('one plant per data directory, and Gold never double-counts', () => {
  it('a second plant is refused (exit 2); with --again its copies are deduplicated and counted, Gold unchanged', async () => {
    const env = { LAMBDA_IOT_DATA_DIR: tempDataDir('one-plant'), LAMBDA_IOT_BUS: 'embedded' };
    const plant = ['--devices', '3', '--days', '2'];
    const first = JSON.parse((await cli(['run', ...plant, '--json'], env)).stdout);
    const health = async () =>
      (await gold(env, 'gold_device_health')).find(
        (r) => r.device_id === 'device_1' && r.date === '2025-04-02',
      )!;
    const single = await health();
    const before = await messages(env);
    expect(before).toBe(first.simulation.telemetry);

    for (const command of ['run', 'simulate']) {
      const refused = await cli([command, ...plant, '--seed', '7'], env, 2);
      expect(refused.stderr).toMatch(/already holds another plant on overlapping dates/);
      expect(refused.stderr).toMatch(/seed 42/);
      expect(refused.stderr).toMatch(/LAMBDA_IOT_DATA_DIR.*--again/s);
    }
    expect(await messages(env)).toBe(before); // nothing produced
    // the same plant again, fewer devices and days: not refused (its readings are the same readings)
    const same = JSON.parse((await cli(['simulate', '--devices', '2', '--days', '1', '--json'], env)).stdout);
    expect(same.action).toBe('produced');

    const again = JSON.parse((await cli(['run', ...plant, '--seed', '7', '--again', '--json'], env)).stdout);
    expect(again.simulation.action).toBe('produced');
    expect(again.batch.published).toBe(true);
    // every lake row is a silver row or a dropped copy; the same plant's readings produced again are all
    // dropped copies with the same values, most of the second plant's share an identity (same devices,
    // same minutes; a device under repair sends nothing) and differ
    const dup = again.batch.duplicates.telemetry;
    const silver = (await gold(env, 'gold_device_health')).reduce((n, r) => n + Number(r.readings), 0);
    expect(dup.dropped).toBe(again.lake.telemetry.rows - silver);
    expect(again.lake.telemetry.rows).toBe(before + same.produced.telemetry + again.simulation.telemetry);
    expect(dup.dropped).toBeGreaterThan(same.produced.telemetry + 0.9 * again.simulation.telemetry);
    expect(dup.differing).toBeGreaterThan(0.9 * again.simulation.telemetry);
    expect(dup.differing).toBeLessThanOrEqual(dup.dropped - same.produced.telemetry);
    const after = await health();
    expect(after.temp_anomalies).toBe(single.temp_anomalies);
    expect(after.readings).toBe(single.readings);
    expect(after.max_temp).toBe(single.max_temp);

    const text = await cli(['batch', '--full'], env);
    const count = (n: number) => n.toLocaleString('en-US');
    expect(text.stdout).toContain(
      `duplicates: ${count(dup.dropped)} duplicate readings dropped (${count(dup.differing)} with other values)`,
    );
  }, 600_000);

  it('a simulate killed after producing a batch repeats it on resume; Gold equals a clean run', async () => {
    const plant = ['--devices', '3', '--days', '1', '--seed', '5'];
    const clean = { LAMBDA_IOT_DATA_DIR: tempDataDir('clean'), LAMBDA_IOT_BUS: 'embedded' };
    const repeated = { LAMBDA_IOT_DATA_DIR: tempDataDir('repeated'), LAMBDA_IOT_BUS: 'embedded' };
    const crashed = await runCli(['simulate', ...plant], {
      ...repeated,
      LAMBDA_IOT_TEST_CRASH_AT: 'simulate:after-produce',
      LAMBDA_IOT_TEST_CRASH_AFTER: '2',
    });
    expect(crashed.signal).toBe('SIGKILL');
    for (const env of [clean, repeated]) {
      await cli(['simulate', ...plant], env);
      await cli(['land', '--until-idle'], env);
    }
    const repeats = (await messages(repeated)) - (await messages(clean));
    expect(repeats).toBeGreaterThan(0); // the batch acknowledged but not checkpointed went in twice
    const [cleanRun, repeatedRun] = await Promise.all(
      [clean, repeated].map(async (env) => JSON.parse((await cli(['batch', '--json'], env)).stdout)),
    );
    expect(cleanRun.duplicates.telemetry).toEqual({ dropped: 0, differing: 0 });
    expect(repeatedRun.duplicates.telemetry).toEqual({ dropped: repeats, differing: 0 });
    for (const table of ['gold_device_health', 'gold_failure_predictions', 'gold_maintenance_schedule']) {
      expect(byKey(await gold(repeated, table)), table).toEqual(byKey(await gold(clean, table)));
    }
  }, 600_000);
});
