import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLog } from '../../src/bus/openLog.js';
import { loadConfig } from '../../src/config/config.js';
import { topicName } from '../../src/config/names.js';
import { runCli, tempDataDir } from '../support/cli.js';

describe('serve --rebuild', () => {
  it('restores served anomalies from the lake after the serving database and the log are gone', async () => {
    const dir = tempDataDir('serving-rebuild');
    const env = { LAMBDA_IOT_DATA_DIR: dir };
    const config = loadConfig(env);
    const log = await openLog(config);
    const records = Array.from({ length: 40 }, (_, i) => {
      const timestamp = `2025-04-0${1 + (i % 3)}T0${i % 10}:00:00Z`;
      const value = {
        device_id: `device_${i % 4}`,
        timestamp,
        anomaly_type: i % 2 ? 'high_vibration' : 'high_temperature',
        severity: 'high',
        description: 'x',
        is_confirmed: false,
        confirmed_by: null,
      };
      return { key: value.device_id, value: JSON.stringify(value), timestamp: Date.parse(timestamp) };
    });
    await log.produce(topicName(config, 'anomalies'), records);
    await log.close();
    const distinct = new Set(records.map((r) => r.value)).size;
    expect((await runCli(['land', '--until-idle'], env)).code).toBe(0);
    expect((await runCli(['serve', '--until-idle'], env)).code).toBe(0);
    const count = async () =>
      JSON.parse(
        (await runCli(['sql', 'select count(*) as n from anomalies_streaming', '--json'], env)).stdout,
      )[0].n;
    expect(await count()).toBe(distinct);

    // The serving database is deleted and the log's messages are gone (e.g. past retention).
    fs.rmSync(path.join(dir, 'serving'), { recursive: true, force: true });
    fs.rmSync(path.join(dir, 'log'), { recursive: true, force: true });
    const rebuilt = await runCli(['serve', '--rebuild', '--until-idle'], env);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stderr).toMatch(/rebuilt: 40 anomalies from the lake/);
    expect(await count()).toBe(distinct);
    const rollup = JSON.parse(
      (await runCli(['sql', 'select sum(total_anomalies) as n from anomaly_rollup', '--json'], env)).stdout,
    );
    expect(rollup).toEqual([{ n: distinct }]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
