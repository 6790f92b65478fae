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

  it('lands reviews to raw/reviews/ and restores them (newest per anomaly) after the database and the log are gone', async () => {
    const dir = tempDataDir('serving-rebuild-reviews');
    const env = { LAMBDA_IOT_DATA_DIR: dir };
    const config = loadConfig(env);
    const log = await openLog(config);
    const anomaly = {
      device_id: 'device_1',
      timestamp: '2025-04-02T10:00:00Z',
      anomaly_type: 'high_temperature',
      severity: 'critical',
      description: 'x',
      is_confirmed: false,
      confirmed_by: null,
    };
    await log.produce(topicName(config, 'anomalies'), [
      { key: 'device_1', value: JSON.stringify(anomaly), timestamp: Date.parse(anomaly.timestamp) },
    ]);
    const review = (action: string, reviewer: string, reviewed_at: string) => ({
      key: 'device_1',
      value: JSON.stringify({
        device_id: 'device_1',
        timestamp: anomaly.timestamp,
        anomaly_type: anomaly.anomaly_type,
        action,
        reviewer,
        comment: `${reviewer} says ${action}`,
        reviewed_at,
      }),
      timestamp: Date.parse(anomaly.timestamp),
    });
    // the newer review first: the older one, produced later, must not win
    await log.produce(topicName(config, 'anomalyReviews'), [
      review('dismiss', 'bob', '2025-04-02T12:00:00Z'),
      review('confirm', 'alice', '2025-04-02T11:00:00Z'),
    ]);
    await log.close();
    expect((await runCli(['land', '--until-idle'], env)).code).toBe(0);
    const landed = fs.readdirSync(path.join(dir, 'lake', 'raw', 'reviews', 'date=2025-04-02'));
    expect(landed.filter((f) => f.endsWith('.parquet'))).toHaveLength(1);
    expect((await runCli(['serve', '--until-idle'], env)).code).toBe(0);
    // the dismissed anomaly is not pending; the rollup's hour shows it
    const served = async () =>
      JSON.parse(
        (
          await runCli(
            [
              'sql',
              'select r.action, r.reviewer, r.comment, a.total_anomalies, a.pending_anomalies from anomaly_reviews r join anomaly_rollup a on a.device_id = r.device_id',
              '--json',
            ],
            env,
          )
        ).stdout,
      );
    const expected = [
      {
        action: 'dismiss',
        reviewer: 'bob',
        comment: 'bob says dismiss',
        total_anomalies: 1,
        pending_anomalies: 0,
      },
    ];
    expect(await served()).toEqual(expected);
    fs.rmSync(path.join(dir, 'serving'), { recursive: true, force: true });
    fs.rmSync(path.join(dir, 'log'), { recursive: true, force: true });
    const rebuilt = await runCli(['serve', '--rebuild', '--until-idle'], env);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stderr).toMatch(/1 anomalies from the lake, 2 reviews from the lake/);
    expect(await served()).toEqual(expected);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
