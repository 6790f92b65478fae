import { describe, expect, it } from 'vitest';
import { writeDeadLetters } from '../../src/bus/deadLetters.js';
import { openLog } from '../../src/bus/openLog.js';
import { loadConfig } from '../../src/config/config.js';
import { readN } from '../bus/logContract.js';
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

  it('shows reason and source of every dead letter, however big the rejected message was', async () => {
    const dir = tempDataDir('tail-dlq');
    const env = { LAMBDA_IOT_DATA_DIR: dir, LAMBDA_IOT_BUS: 'embedded' };
    const log = await openLog(loadConfig(env));
    const big = JSON.stringify({ device_id: 'device_1', blob: 'x'.repeat(5 * 1024 * 1024) });
    const quoted = JSON.stringify({ device_id: 'device_2', tags: Array(120_000).fill('ab') });
    await log.produce('iot-telemetry', [
      { key: 'device_1', value: big, timestamp: 1 },
      { key: 'device_2', value: quoted, timestamp: 2 },
    ]);
    const reader = await log.consumer({ topics: ['iot-telemetry'], fromBeginning: true });
    const records = await readN(reader, 2);
    await reader.close();
    const reasons = records.map((r) => `oversized: ${r.value.byteLength} bytes > limit 65536`);
    await writeDeadLetters(
      log,
      'iot-dlq',
      records.map((record, i) => ({ record, reason: reasons[i]! })),
      'lambda_streaming_anomalies',
    );
    // A record in the old form (the whole payload copied) is itself oversized, yet still says where it came from.
    const old = {
      payload: quoted,
      payload_encoding: 'utf8',
      source: { topic: 'iot-telemetry', partition: 0, offset: 9, key: null },
    };
    await log.produce('iot-dlq', [
      { key: null, value: JSON.stringify({ ...old, consumer: 'x', reason: 'old form' }), timestamp: 3 },
    ]);
    const dlq = await log.consumer({ topics: ['iot-dlq'], fromBeginning: true });
    const letters = await readN(dlq, 3);
    await dlq.close();
    await log.close();
    const bounded = letters.filter((l) => l.key !== null).map((l) => l.value.byteLength);
    expect(bounded).toHaveLength(2);
    for (const size of bounded) expect(size).toBeLessThan(8 * 1024);

    const result = await runCli(['tail', 'iot-dlq', '--from-beginning'], env);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const [i, record] of records.entries()) {
      const from = `from iot-telemetry[${record.partition}]@${record.offset} by lambda_streaming_anomalies: ${reasons[i]}`;
      const line = lines.find((l) => l.includes(` ${record.key}  `));
      expect(line).toContain(`DEAD LETTER ${from}; payload ${record.value.byteLength} bytes`);
      expect(line!.length).toBeLessThan(1000);
    }
    expect(lines.find((l) => l.includes('(no key)'))).toMatch(
      /INVALID: oversized: .*; DEAD LETTER from iot-telemetry\[0\]@9 by x: old form$/,
    );
    const json = await runCli(['tail', 'iot-dlq', '--from-beginning', '--json'], env);
    const values = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(values.find((v) => v.key === 'device_1').value).toMatchObject({
      payload_bytes: Buffer.byteLength(big),
      payload_truncated: true,
    });
  });

  it('escapes control characters in text output, so a device id cannot clear the screen or forge a line', async () => {
    const dir = tempDataDir('tail-hostile');
    const env = { LAMBDA_IOT_DATA_DIR: dir, LAMBDA_IOT_BUS: 'embedded' };
    const log = await openLog(loadConfig(env));
    const id = 'dev\u001b[2J\r\n\u0007';
    const reading = {
      device_id: id,
      timestamp: '2025-04-01T00:00:00Z',
      energy_usage: 1.5,
      temperature: 22.1,
      vibration: 0.6,
      signal_strength: 88,
    };
    await log.produce('iot-telemetry', [
      { key: id, value: JSON.stringify(reading), timestamp: 1 },
      { key: id, value: `{"device_id": "${id}"`, timestamp: 2 },
    ]);
    await log.close();
    const text = await runCli(['tail', 'iot-telemetry', '--from-beginning'], env);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toContain(' dev\\x1b[2J\\r\\n\\x07  ');
      expect(line).not.toMatch(/\p{Cc}/u);
    }
    expect(lines[1]).toMatch(/INVALID: not JSON/);
    const json = await runCli(['tail', 'iot-telemetry', '--from-beginning', '--json'], env);
    expect(JSON.parse(json.stdout.split('\n')[0]!)).toMatchObject({ key: id, value: { device_id: id } });
  });

  it('explains an unknown topic', async () => {
    const dir = tempDataDir('tail-unknown');
    const result = await runCli(['tail', 'nope'], { LAMBDA_IOT_DATA_DIR: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/topic not found: nope/);
  });
});
