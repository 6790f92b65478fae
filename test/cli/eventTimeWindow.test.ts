import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLog } from '../../src/bus/openLog.js';
import { loadConfig } from '../../src/config/config.js';
import { openDuckSession, sqlString } from '../../src/duckdb/duckSession.js';
import { runCli, tempDataDir } from '../support/cli.js';

const POISON = [
  '0000-01-01T00:00:00Z',
  '0001-06-01T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '9999-12-31T23:59:59Z',
];

const reading = (timestamp: string) => ({
  device_id: 'device_1',
  timestamp,
  energy_usage: 1.5,
  temperature: 22.1,
  vibration: 0.6,
  signal_strength: 88,
});

/** Writes one reading as a raw telemetry Parquet file into a date folder, as a hand-dropped file would be. */
async function dropRawFile(dataDir: string, date: string, timestamp: string): Promise<string> {
  const key = `raw/telemetry/date=${date}/manual-poison.parquet`;
  const file = path.join(dataDir, 'lake', key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const duck = await openDuckSession();
  await duck.run(
    `COPY (SELECT 'device_1' AS device_id, TIMESTAMPTZ ${sqlString(timestamp)} AS "timestamp", 1.5 AS energy_usage,
           22.0 AS temperature, 0.5 AS vibration, 90.0 AS signal_strength) TO ${sqlString(file)} (FORMAT PARQUET)`,
  );
  duck.close();
  return key;
}

describe('no poison reading: event times outside the plausible window', () => {
  it('are dead-lettered by land, stream and tail; the batch skips date folders outside the window, naming them', async () => {
    const dataDir = tempDataDir('poison');
    const env = { LAMBDA_IOT_DATA_DIR: dataDir, LAMBDA_IOT_BUS: 'embedded' };
    expect((await runCli(['simulate', '--devices', '2', '--days', '2', '--seed', '4'], env)).code).toBe(0);
    const log = await openLog(loadConfig(env));
    await log.produce(
      'iot-telemetry',
      POISON.map((t) => ({
        key: 'device_1',
        value: JSON.stringify(reading(t)),
        timestamp: Date.UTC(2025, 3, 2),
      })),
    );
    await log.close();

    const tail = await runCli(['tail', 'iot-telemetry', '--from-beginning', '--json'], env);
    const invalid = tail.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => 'error' in l)
      .map((l) => l.error);
    expect(invalid).toEqual([
      'timestamp: before the plausible event-time window: 0000-01-01T00:00:00Z (earlier than 2000-01-01, LAMBDA_IOT_EVENT_TIME_MIN)',
      'timestamp: before the plausible event-time window: 0001-06-01T00:00:00Z (earlier than 2000-01-01, LAMBDA_IOT_EVENT_TIME_MIN)',
      'timestamp: before the plausible event-time window: 1969-12-31T23:59:59Z (earlier than 2000-01-01, LAMBDA_IOT_EVENT_TIME_MIN)',
      'timestamp: far in the future: 9999-12-31T23:59:59Z (more than 24 h past now)',
    ]);

    const land = await runCli(['land', '--until-idle', '1s', '--json'], env);
    expect(land.code, land.stderr).toBe(0);
    expect(JSON.parse(land.stdout).deadLettered).toBe(POISON.length);
    expect(fs.readdirSync(path.join(dataDir, 'lake', 'raw', 'telemetry')).sort()).toEqual([
      'date=2025-04-01',
      'date=2025-04-02',
    ]);
    const stream = await runCli(['stream', '--until-idle', '1s', '--json'], env);
    expect(stream.code, stream.stderr).toBe(0);
    expect(JSON.parse(stream.stdout).deadLettered).toBe(POISON.length);

    // Files landed before the window existed (or dropped by hand) in date folders outside it.
    const dropped = [
      await dropRawFile(dataDir, '0000-01-01', '0000-01-01 00:00:00+00'),
      await dropRawFile(dataDir, '0001-06-01', '0001-06-01 00:00:00+00'),
      await dropRawFile(dataDir, '1969-12-31', '1969-12-31 23:59:59+00'),
      await dropRawFile(dataDir, '9999-12-31', '9999-12-31 23:59:59+00'),
    ];
    const batch = await runCli(['batch', '--json'], env);
    expect(batch.code, batch.stderr).toBe(0);
    const result = JSON.parse(batch.stdout);
    expect(result).toMatchObject({ published: true, range: { from: '2025-04-01', to: '2025-04-02' } });
    expect(result.skipped.map((f: { key: string }) => f.key).sort()).toEqual([...dropped].sort());
    const full = await runCli(['batch', '--full'], env);
    expect(full.code, full.stderr).toBe(0);
    for (const key of dropped) {
      expect(full.stderr).toMatch(
        new RegExp(
          `skipped ${key}: its date \\S+ lies outside the plausible event-time window 2000-01-01 … `,
        ),
      );
    }
    expect(full.stdout).toMatch(/published: main is at/);
  }, 240_000);

  it('LAMBDA_IOT_EVENT_TIME_MIN moves the start of the window', async () => {
    const dataDir = tempDataDir('poison-min');
    const env = { LAMBDA_IOT_DATA_DIR: dataDir, LAMBDA_IOT_BUS: 'embedded' };
    const log = await openLog(loadConfig(env));
    await log.produce('iot-telemetry', [
      { key: 'device_1', value: JSON.stringify(reading('2025-04-01T12:00:00Z')), timestamp: 1 },
      { key: 'device_1', value: JSON.stringify(reading('2025-04-02T12:00:00Z')), timestamp: 2 },
    ]);
    await log.close();
    const tail = await runCli(['tail', 'iot-telemetry', '--from-beginning', '--json'], {
      ...env,
      LAMBDA_IOT_EVENT_TIME_MIN: '2025-04-02',
    });
    const lines = tail.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0].error).toMatch(
      /before the plausible event-time window: 2025-04-01T12:00:00Z \(earlier than 2025-04-02/,
    );
    expect(lines[1].value.timestamp).toBe('2025-04-02T12:00:00Z');
    const bad = await runCli(['tail', 'iot-telemetry'], { ...env, LAMBDA_IOT_EVENT_TIME_MIN: '2025-02-30' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/LAMBDA_IOT_EVENT_TIME_MIN/);
  });
});
