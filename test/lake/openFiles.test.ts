import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../src/bus/port.js';
import { OpenFileBuffer } from '../../src/lake/openFiles.js';
import { RAW_TELEMETRY, type RawDataset } from '../../src/lake/rawSchema.js';

const T0 = Date.UTC(2025, 3, 1, 10);
const DAY = 86_400_000;
const dataset = RAW_TELEMETRY as RawDataset<unknown>;
const value = {
  device_id: 'd-1',
  timestamp: '',
  energy_usage: 1,
  temperature: 20,
  vibration: 0.5,
  signal_strength: 90,
};
const record = (offset: number, partition = 0): LogRecord => ({
  topic: 'iot-telemetry',
  partition,
  offset,
  key: 'd-1',
  value: Buffer.from('{}'),
  timestamp: T0,
});
const offsets = (files: readonly { firstOffset: number; lastOffset: number; date: string }[]) =>
  files.map((f) => `${f.date} ${f.firstOffset}-${f.lastOffset}`);

describe('OpenFileBuffer', () => {
  it('cuts a file at maxRows and at a date change, in order, and holds commits at the open file', () => {
    const buffer = new OpenFileBuffer(3);
    expect(buffer.add(dataset, record(0), value, T0)).toEqual([]);
    expect(buffer.firstOpenOffset('iot-telemetry', 0)).toBe(0);
    expect(buffer.add(dataset, record(1), value, T0)).toEqual([]);
    const full = buffer.add(dataset, record(2), value, T0);
    expect(offsets(full)).toEqual(['2025-04-01 0-2']);
    expect(full[0]!.columns[0]).toEqual(['d-1', 'd-1', 'd-1']);
    expect(buffer.firstOpenOffset('iot-telemetry', 0)).toBeUndefined();

    expect(buffer.add(dataset, record(3), value, T0)).toEqual([]);
    // Offset 4 was dead-lettered: the file still covers it, 3–5, with two rows and one dead letter.
    expect(buffer.addDeadLetter(dataset, record(4), '2030-01-01')).toEqual([]);
    expect(buffer.add(dataset, record(5), value, T0)).toEqual([]);
    const cut = buffer.add(dataset, record(6), value, T0 + DAY);
    expect(offsets(cut)).toEqual(['2025-04-01 3-5']);
    expect(cut[0]).toMatchObject({ rows: 2, deadLettered: 1 });
    expect(buffer.firstOpenOffset('iot-telemetry', 0)).toBe(6);
    expect(buffer.add(dataset, record(7), value, T0 + DAY)).toEqual([]);
    // One row per file: each row is cut at once, whatever its date.
    const single = new OpenFileBuffer(1);
    expect(offsets(single.add(dataset, record(0, 1), value, T0))).toEqual(['2025-04-01 0-0']);
    expect(offsets(single.add(dataset, record(1, 1), value, T0 + DAY))).toEqual(['2025-04-02 1-1']);
  });

  it('keeps one open file per partition and takes aged files or all of them', () => {
    const buffer = new OpenFileBuffer(100);
    buffer.add(dataset, record(0, 0), value, T0);
    buffer.add(dataset, record(10, 1), value, T0);
    const openedAt = Date.now();
    expect(buffer.takeAged(openedAt - 60_000, 1_000)).toEqual([]);
    const aged = buffer.takeAged(openedAt + 60_000, 1_000);
    expect(aged.map((f) => [f.partition, f.firstOffset])).toEqual([
      [0, 0],
      [1, 10],
    ]);
    expect(buffer.takeAll()).toEqual([]);
    buffer.add(dataset, record(11, 1), value, T0);
    expect(buffer.takeAll().map((f) => [f.partition, f.firstOffset, f.rows])).toEqual([[1, 11, 1]]);
    expect(buffer.firstOpenOffset('iot-telemetry', 1)).toBeUndefined();
  });

  it('lands dead letters alone as a file without rows, dated like the partition, and cuts where offsets jump', () => {
    const buffer = new OpenFileBuffer(100);
    buffer.knowDate('iot-telemetry', 0, '2025-03-31');
    expect(buffer.addDeadLetter(dataset, record(10), '2030-01-01')).toEqual([]);
    expect(buffer.addDeadLetter(dataset, record(11), '2030-01-01')).toEqual([]);
    expect(buffer.firstOpenOffset('iot-telemetry', 0)).toBe(10);
    // A row of another date cuts the dead letters' file; a jump in offsets (a range skipped) cuts too.
    const [letters] = buffer.add(dataset, record(12), value, T0);
    expect(letters).toMatchObject({
      date: '2025-03-31',
      firstOffset: 10,
      lastOffset: 11,
      rows: 0,
      deadLettered: 2,
    });
    expect(offsets(buffer.add(dataset, record(20), value, T0))).toEqual(['2025-04-01 12-12']);
    expect(offsets(buffer.addDeadLetter(dataset, record(30), '2030-01-01'))).toEqual(['2025-04-01 20-20']);
    // A partition with no file yet dates its dead letters by the next row, else by the date given.
    buffer.addDeadLetter(dataset, record(0, 1), '2030-01-01');
    expect(buffer.add(dataset, record(1, 1), value, T0 + DAY)).toEqual([]);
    buffer.addDeadLetter(dataset, record(0, 2), '2025-04-05');
    expect(offsets(buffer.takeAll())).toEqual(['2025-04-01 30-30', '2025-04-02 0-1', '2025-04-05 0-0']);
  });
});
