import { describe, expect, it } from 'vitest';
import { openLog } from '../../src/bus/openLog.js';
import { loadConfig } from '../../src/config/config.js';
import { runCli, tempDataDir } from '../support/cli.js';

describe('lambda-iot tail', () => {
  it('prints topic/partition/offset and the reason for each bad message and carries on', async () => {
    const dir = tempDataDir('tail-bad');
    const env = { LAMBDA_IOT_DATA_DIR: dir, LAMBDA_IOT_BUS: 'embedded' };
    const log = await openLog(loadConfig(env));
    const good = {
      device_id: 'device_1',
      timestamp: '2025-04-01T00:00:00Z',
      energy_usage: 1.5,
      temperature: 22.1,
      vibration: 0.6,
      signal_strength: 88,
    };
    const bad: [string, RegExp][] = [
      ['{not json', /not JSON/],
      [JSON.stringify({ ...good, vibration: -1 }), /vibration/],
      [JSON.stringify({ ...good, temperature: '22' }), /temperature.*number/],
      [JSON.stringify({ ...good, timestamp: '2025-04-01 00:00:00' }), /timestamp/],
      [JSON.stringify({ ...good, timestamp: '2025-02-30T00:00:00Z' }), /timestamp/],
      [JSON.stringify({ ...good, timestamp: '2999-01-01T00:00:00Z' }), /far in the future/],
      [JSON.stringify({ ...good, extra: 1 }), /extra/],
      [JSON.stringify({ device_id: 'device_1' }), /energy_usage/],
      ['1e999', /not a JSON object/],
    ];
    const key = 'device_1';
    const ts = Date.UTC(2025, 3, 1);
    await log.produce('iot-telemetry', [
      { key, value: JSON.stringify(good), timestamp: ts },
      ...bad.map(([value]) => ({ key, value, timestamp: ts })),
      { key, value: JSON.stringify({ ...good, timestamp: '2025-04-01T00:01:00Z' }), timestamp: ts },
    ]);
    await log.close();

    const result = await runCli(['tail', 'iot-telemetry', '--from-beginning', '--json'], env);
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(bad.length + 2);
    expect(lines[0].value).toEqual(good);
    for (const [i, [, reason]] of bad.entries()) {
      const line = lines[i + 1];
      expect(line).toMatchObject({ topic: 'iot-telemetry', offset: i + 1, key });
      expect(typeof line.partition).toBe('number');
      expect(line.value).toBeUndefined();
      expect(line.error).toMatch(reason);
    }
    expect(lines.at(-1).value.timestamp).toBe('2025-04-01T00:01:00Z');

    const human = await runCli(['tail', 'iot-telemetry', '--from-beginning'], env);
    expect(human.stdout).toMatch(/iot-telemetry\[\d\]@1 device_1 {2}INVALID: not JSON/);
  });

  it('explains an unknown topic', async () => {
    const dir = tempDataDir('tail-unknown');
    const result = await runCli(['tail', 'nope'], { LAMBDA_IOT_DATA_DIR: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/topic not found: nope/);
  });
});
