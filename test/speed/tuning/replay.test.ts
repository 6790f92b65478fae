import { afterEach, describe, expect, it } from 'vitest';
import { openLog } from '../../../src/bus/openLog.js';
import type { Log } from '../../../src/bus/port.js';
import { type Config, loadConfig } from '../../../src/config/config.js';
import { forEachHistoryItem, type HistoryItem } from '../../../src/speed/tuning/historySource.js';
import { historyFromLog, replayLog } from '../../../src/speed/tuning/replay.js';
import { tempDataDir } from '../../support/cli.js';
import { HOUR, MINUTE, makeFailure, makeReading, T0 } from './fixtures.js';

let log: Log | undefined;
afterEach(async () => {
  await log?.close();
  log = undefined;
});

async function openTestLog(prefix = ''): Promise<{ log: Log; config: Config }> {
  const config = loadConfig({ LAMBDA_IOT_DATA_DIR: tempDataDir('replay'), LAMBDA_IOT_NAME_PREFIX: prefix });
  log = await openLog(config);
  return { log, config };
}

const json = (value: unknown) => JSON.stringify(value);

describe('replayLog', () => {
  it('reads both topics from the beginning, validates, orders by event time and commits nothing', async () => {
    const { log, config } = await openTestLog('t1-');
    await log.produce('t1-iot-telemetry', [
      { key: 'device_2', value: json(makeReading('device_2', T0 + 2 * MINUTE)), timestamp: T0 + 2 * MINUTE },
      { key: 'device_1', value: json(makeReading('device_1', T0 + MINUTE)), timestamp: T0 + MINUTE },
      { key: 'device_1', value: '{not json', timestamp: T0 },
      { key: 'device_1', value: json({ ...makeReading('device_1', T0), vibration: -1 }), timestamp: T0 },
      { key: 'device_1', value: json(makeReading('device_1', T0)), timestamp: T0 },
      // at-least-once: the same reading delivered twice
      { key: 'device_1', value: json(makeReading('device_1', T0 + MINUTE)), timestamp: T0 + MINUTE },
      { key: 'device_1', value: json(makeReading('device_1', T0 + 5 * HOUR)), timestamp: T0 + 5 * HOUR },
    ]);
    await log.produce('t1-iot-events', [
      { key: 'device_1', value: json(makeFailure('device_1', T0 + MINUTE)), timestamp: T0 + MINUTE },
      { key: 'device_2', value: json({ event_type: 'failure' }), timestamp: T0 },
    ]);
    const { items, stats } = await replayLog(log, config, { toMs: T0 + HOUR });
    expect(items.map((i: HistoryItem) => `${(i.ms - T0) / MINUTE} ${i.value.device_id} ${i.topic}`)).toEqual([
      '0 device_1 telemetry',
      '1 device_1 telemetry',
      '1 device_1 events',
      '2 device_2 telemetry',
    ]);
    expect(stats).toEqual({ telemetry: 3, events: 1, invalid: 3, duplicates: 1, outOfRange: 1 });
    expect(await log.listGroups('t1-iot-telemetry')).toEqual([]);
    expect(await log.listGroups('t1-iot-events')).toEqual([]);
  });

  it('reads nothing and creates no topic when the topics do not exist yet', async () => {
    const { log, config } = await openTestLog();
    expect(await replayLog(log, config)).toEqual({
      items: [],
      stats: { telemetry: 0, events: 0, invalid: 0, duplicates: 0, outOfRange: 0 },
    });
    expect(await log.listTopics()).toEqual([]);
    await log.produce('iot-telemetry', [
      { key: 'device_1', value: json(makeReading('device_1', T0)), timestamp: T0 },
    ]);
    const source = historyFromLog(log, config);
    let seen = 0;
    await forEachHistoryItem(source, () => seen++);
    expect(seen).toBe(1);
    expect(source.stats.telemetry).toBe(1);
    expect(source.label).toMatch(/^log embedded /);
  });
});
