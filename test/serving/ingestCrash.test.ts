import { describe, expect, it } from 'vitest';
import { openLog } from '../../src/bus/openLog.js';
import { loadConfig } from '../../src/config/config.js';
import { topicName } from '../../src/config/names.js';
import { withStack } from '../../src/pipeline/stack.js';
import { EmbeddedServing } from '../../src/serving/embeddedServing.js';
import { runServingIngest } from '../../src/serving/servingIngest.js';
import { runCli, tempDataDir } from '../support/cli.js';

/** 600 anomalies of 6 devices (each produced twice, as a speed layer that crashed after publishing would). */
function anomalies() {
  const out = [];
  for (let i = 0; i < 300; i++) {
    const device_id = `device_${1 + (i % 6)}`;
    const timestamp = new Date(Date.UTC(2025, 3, 1) + i * 60_000).toISOString().replace('.000Z', 'Z');
    const value = {
      device_id,
      timestamp,
      anomaly_type: i % 2 === 0 ? 'high_vibration' : 'high_temperature',
      severity: i % 5 === 0 ? 'critical' : 'high',
      description: `anomaly ${i}`,
      is_confirmed: i % 3 === 0,
      confirmed_by: i % 3 === 0 ? 'system' : null,
    };
    out.push({ key: device_id, value: JSON.stringify(value), timestamp: Date.parse(timestamp) });
  }
  return [...out, ...out];
}

async function prepare(): Promise<string> {
  const dir = tempDataDir('serving-crash');
  const config = loadConfig({ LAMBDA_IOT_DATA_DIR: dir });
  const log = await openLog(config);
  try {
    // Several produce calls so ingest sees several batches.
    const all = anomalies();
    for (let i = 0; i < all.length; i += 150)
      await log.produce(topicName(config, 'anomalies'), all.slice(i, i + 150));
  } finally {
    await log.close();
  }
  return dir;
}

const servedRows = async (dir: string) => {
  const result = await runCli(['sql', 'select * from anomalies_streaming order by all', '--json'], {
    LAMBDA_IOT_DATA_DIR: dir,
  });
  expect(result.code, result.stderr).toBe(0);
  const rollup = await runCli(['sql', 'select * from anomaly_rollup order by all', '--json'], {
    LAMBDA_IOT_DATA_DIR: dir,
  });
  return { anomalies: JSON.parse(result.stdout), rollup: JSON.parse(rollup.stdout) };
};

describe('serving ingest survives crashes and replays', () => {
  it('a crash between writing rows and committing offsets, then a restart, gives the rows of an uninterrupted run; replaying every topic changes no row', async () => {
    const [crashed, clean] = await Promise.all([prepare(), prepare()]);
    const killed = await runCli(['serve', '--until-idle'], {
      LAMBDA_IOT_DATA_DIR: crashed,
      LAMBDA_IOT_TEST_CRASH_AT: 'serve:after-handle',
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stderr).toContain('crash hook fired: serve:after-handle');
    const restarted = await runCli(['serve', '--until-idle'], { LAMBDA_IOT_DATA_DIR: crashed });
    expect(restarted.code, restarted.stderr).toBe(0);
    const uninterrupted = await runCli(['serve', '--until-idle'], { LAMBDA_IOT_DATA_DIR: clean });
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);

    const expected = await servedRows(clean);
    expect(expected.anomalies).toHaveLength(300);
    expect(await servedRows(crashed)).toEqual(expected);

    await withStack(loadConfig({ LAMBDA_IOT_DATA_DIR: crashed }), async (stack) => {
      const serving = await EmbeddedServing.open(stack);
      try {
        const stats = await runServingIngest({
          log: await stack.log(),
          config: stack.config,
          serving,
          untilEnd: true,
          replay: true,
        });
        expect(stats.anomalies).toBe(600);
        await serving.refresh();
      } finally {
        await serving.close();
      }
    });
    expect(await servedRows(crashed)).toEqual(expected);
  });
});
