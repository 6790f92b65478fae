import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors.js';
import { type SimulatedMessage, simulateHistory } from '../../../src/ingest/index.js';
import { compareDeviceIds } from '../../../src/schema/deviceOrder.js';
import {
  forEachHistoryItem,
  type HistoryItem,
  type HistorySource,
  historyFromArrays,
  historyFromMessages,
  historyFromSimulation,
} from '../../../src/speed/tuning/historySource.js';
import { DAY, HOUR, MINUTE, makeFailure, makeReading, T0 } from './fixtures.js';

async function collect(source: HistorySource): Promise<HistoryItem[]> {
  const items: HistoryItem[] = [];
  await forEachHistoryItem(source, (item) => items.push(item));
  return items;
}

const describeItem = (i: HistoryItem) => `${i.ms - T0} ${i.value.device_id} ${i.topic}`;

describe('historyFromArrays', () => {
  it('orders by event time, then device (naturally), then telemetry before events, and drops repeats', async () => {
    const source = historyFromArrays({
      telemetry: [
        makeReading('device_10', T0),
        makeReading('device_2', T0 + MINUTE),
        makeReading('device_2', T0),
        makeReading('device_2', T0), // a repeated delivery
      ],
      events: [makeFailure('device_2', T0), makeFailure('device_1', T0 + MINUTE)],
    });
    expect((await collect(source)).map(describeItem)).toEqual([
      '0 device_2 telemetry',
      '0 device_2 events',
      '0 device_10 telemetry',
      '60000 device_1 events',
      '60000 device_2 telemetry',
    ]);
    expect(source.stats).toMatchObject({ telemetry: 3, events: 2, duplicates: 1, outOfRange: 0 });
  });

  it('keeps only [from, to) and can be replayed', async () => {
    const telemetry = [0, 1, 2, 3].map((h) => makeReading('device_1', T0 + h * HOUR));
    const source = historyFromArrays({ telemetry }, { fromMs: T0 + HOUR, toMs: T0 + 3 * HOUR });
    expect((await collect(source)).map((i) => i.ms)).toEqual([T0 + HOUR, T0 + 2 * HOUR]);
    expect((await collect(source)).length).toBe(2);
    expect(source.stats).toMatchObject({ telemetry: 2, outOfRange: 2 });
  });
});

describe('compareDeviceIds', () => {
  it('sorts numbered devices by number and other ids by code unit', () => {
    expect(['device_10', 'device_2', 'pump', 'device_1', 'a_3'].sort(compareDeviceIds)).toEqual([
      'a_3',
      'device_1',
      'device_2',
      'device_10',
      'pump',
    ]);
  });
});

describe('simulated sources', () => {
  const options = {
    devices: 3,
    seed: 5,
    fromMs: T0,
    toMs: T0 + DAY,
    cadenceMs: 60_000,
    profile: 'degrading' as const,
  };

  it('pass the simulator messages through in replay order, identically on every pass', async () => {
    const source = historyFromSimulation(options);
    const first = await collect(source);
    expect(first).toHaveLength(3 * 1440 + source.stats.events);
    const sorted = [...first].sort((a, b) => a.ms - b.ms);
    expect(first.map((i) => i.ms)).toEqual(sorted.map((i) => i.ms));
    expect((await collect(source)).map(describeItem)).toEqual(first.map(describeItem));
  });

  it('accept a simulateHistory generator and reject messages out of time order', async () => {
    const once = historyFromMessages(simulateHistory(options));
    await collect(once);
    expect(once.stats.telemetry).toBe(3 * 1440);
    const reading = (ms: number): SimulatedMessage => ({
      topic: 'telemetry',
      key: 'device_1',
      timestamp: ms,
      value: makeReading('device_1', ms),
    });
    const backwards = historyFromMessages([reading(T0 + MINUTE), reading(T0)]);
    await expect(collect(backwards)).rejects.toThrow(InvalidArgumentError);
  });
});
