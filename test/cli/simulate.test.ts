import { describe, expect, it } from 'vitest';
import { openLog } from '../../src/bus/openLog.js';
import { loadConfig } from '../../src/config/config.js';
import { runCli, tempDataDir } from '../support/cli.js';

const env = (dataDir: string, extra: Record<string, string> = {}) => ({
  LAMBDA_IOT_DATA_DIR: dataDir,
  LAMBDA_IOT_BUS: 'embedded',
  ...extra,
});

async function tailAll(dataDir: string, topic: string): Promise<string> {
  const result = await runCli(['tail', topic, '--from-beginning', '--json'], env(dataDir));
  expect(result.code).toBe(0);
  return result.stdout;
}

describe('lambda-iot simulate', () => {
  it('gives identical tail --json output for the same seed in two fresh data directories; another seed differs', async () => {
    const [a, b, c] = [tempDataDir('det-a'), tempDataDir('det-b'), tempDataDir('det-c')];
    for (const [dir, seed] of [
      [a, '7'],
      [b, '7'],
      [c, '8'],
    ] as const) {
      const r = await runCli(['simulate', '--devices', '5', '--days', '1', '--seed', seed], env(dir));
      expect(r.code, r.stderr).toBe(0);
    }
    for (const topic of ['iot-telemetry', 'iot-events']) {
      const [ta, tb, tc] = await Promise.all([tailAll(a, topic), tailAll(b, topic), tailAll(c, topic)]);
      expect(ta).toBe(tb);
      if (topic === 'iot-telemetry') {
        expect(ta).not.toBe(tc);
        expect(ta.trim().split('\n')).toHaveLength(5 * 1440);
      }
      if (ta.length === 0) continue;
      // only JSON on stdout, one object per line, in (partition, offset) order
      const lines = ta
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      const order = lines.map((l) => [l.partition, l.offset]);
      expect(order).toEqual([...order].sort((x, y) => x[0] - y[0] || x[1] - y[1]));
    }
  });

  it('is idempotent: a second identical run produces nothing; --again produces a second copy', async () => {
    const dir = tempDataDir('idem');
    const args = ['simulate', '--devices', '2', '--days', '1', '--seed', '3', '--json'];
    const first = JSON.parse((await runCli(args, env(dir))).stdout);
    expect(first.action).toBe('produced');
    const second = JSON.parse((await runCli(args, env(dir))).stdout);
    expect(second.action).toBe('skipped');
    const count = async () => {
      const log = await openLog(loadConfig(env(dir)));
      const total = (await log.partitionOffsets('iot-telemetry')).reduce((s, p) => s + p.endOffset, 0);
      await log.close();
      return total;
    };
    expect(await count()).toBe(2 * 1440);
    const third = JSON.parse((await runCli([...args, '--again'], env(dir))).stdout);
    expect(third.action).toBe('produced');
    expect(await count()).toBe(2 * 2 * 1440);
  });

  it('resumes a run that crashed after producing a batch, losing nothing', async () => {
    const dir = tempDataDir('sim-crash');
    const args = ['simulate', '--devices', '3', '--days', '1', '--seed', '5', '--json'];
    const crashed = await runCli(
      args,
      env(dir, { LAMBDA_IOT_TEST_CRASH_AT: 'simulate:after-produce', LAMBDA_IOT_TEST_CRASH_AFTER: '2' }),
    );
    expect(crashed.signal).toBe('SIGKILL');
    expect(crashed.stderr).toContain('crash hook fired: simulate:after-produce');
    const resumed = JSON.parse((await runCli(args, env(dir))).stdout);
    expect(resumed.action).toBe('resumed');
    expect(resumed.produced.telemetry).toBe(3 * 1440);
    const out = await tailAll(dir, 'iot-telemetry');
    const values = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).value);
    const distinct = new Set(values.map((v) => `${v.device_id}|${v.timestamp}`));
    expect(distinct.size).toBe(3 * 1440); // nothing lost
    // at-least-once: the batch acknowledged but not yet checkpointed is produced again (≤ one batch of 2000)
    expect(values.length - distinct.size).toBeLessThanOrEqual(2000);
  });

  it('rejects contradictory or invalid options with a clear message', async () => {
    const dir = tempDataDir('sim-bad');
    const both = await runCli(['simulate', '--days', '1', '--to', '2025-04-03'], env(dir));
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either --days or --to/);
    const badDate = await runCli(['simulate', '--from', 'yesterday'], env(dir));
    expect(badDate.code).not.toBe(0);
    expect(badDate.stderr).toMatch(/--from/);
    const badEnv = await runCli(['topics'], env(dir, { LAMBDA_IOT_BUS: 'rabbit' }));
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toMatch(/LAMBDA_IOT_BUS.*embedded.*kafka/s);
  });
});
