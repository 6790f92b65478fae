import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedLog, openEmbeddedLog } from '../../src/bus/embedded/embeddedLog.js';
import { GroupBusyError, InvalidArgumentError } from '../../src/errors.js';
import { tempDir } from '../support/tempDirs.js';
import { describeLogContract, readN } from './logContract.js';

function tempFile(): string {
  return path.join(tempDir('lambda-iot-log-'), 'log.sqlite');
}

describeLogContract('embedded', async () => {
  const file = tempFile();
  const log = openEmbeddedLog({ file });
  return { log, reopen: async () => openEmbeddedLog({ file }), close: () => log.close() };
});

describe('embedded log only', () => {
  const T0 = Date.UTC(2025, 3, 1);
  const rec = (n: number, key = 'device_1') => ({ key, value: JSON.stringify({ n }), timestamp: T0 + n });

  it('allows one active member per group: a second gets a clear error or waits', async () => {
    const file = tempFile();
    const a = openEmbeddedLog({ file });
    const b = openEmbeddedLog({ file });
    const first = await a.consumer({ group: 'g', topics: ['t'] });
    const error = await b.consumer({ group: 'g', topics: ['t'] }).catch((e) => e);
    expect(error).toBeInstanceOf(GroupBusyError);
    expect(String(error.message)).toMatch(/group busy: g is held by pid \d+/);
    const waiting = b.consumer({ group: 'g', topics: ['t'], waitForGroupMs: 5_000 });
    setTimeout(() => void first.close(), 300);
    const second = await waiting;
    await second.close();
    await a.close();
    await b.close();
  });

  it('takes a group over when the holder’s session expired, and fences the old member', async () => {
    const file = tempFile();
    let now = T0;
    const clock = () => now;
    const a = openEmbeddedLog({ file, clock, sessionTimeoutMs: 1_000 });
    const b = openEmbeddedLog({ file, clock, sessionTimeoutMs: 1_000 });
    await a.produce('t', [rec(1)]);
    const zombie = await a.consumer({ group: 'g', topics: ['t'], fromBeginning: true });
    now += 5_000; // the holder's lease is stale (its process is alive, but it stopped heartbeating)
    const successor = await b.consumer({ group: 'g', topics: ['t'], fromBeginning: true });
    await expect(zombie.commit([{ topic: 't', partition: 0, offset: 1 }])).rejects.toThrow(/fenced/);
    await successor.commit([{ topic: 't', partition: 0, offset: 1 }]);
    await successor.close();
    await a.close();
    await b.close();
  });

  it('deletes by append age (not event time), keeps offsets, and moves readers to the new start', async () => {
    let now = Date.UTC(2030, 0, 1);
    const log = openEmbeddedLog({
      file: tempFile(),
      clock: () => now,
      retentionMs: 3_600_000,
      maintenanceIntervalMs: Number.POSITIVE_INFINITY,
    });
    // event times far in the past: retention must not care
    await log.produce('t', [rec(1), rec(2), rec(3)]);
    now += 2 * 3_600_000;
    await log.produce('t', [rec(4), rec(5)]);
    const reader = await log.consumer({ topics: ['t'], fromBeginning: true });
    expect(log.maintain().deleted).toBe(3);
    const [p] = (await log.partitionOffsets('t')).filter((x) => x.endOffset > 0);
    expect(p).toMatchObject({ startOffset: 3, endOffset: 5 });
    const got = await readN(reader, 2);
    expect(got.map((r) => r.offset)).toEqual([3, 4]);
    await log.close();
  });

  it('deletes the oldest messages beyond the size limit per partition', async () => {
    const log = openEmbeddedLog({ file: tempFile(), retentionBytes: 1_000 });
    const big = (n: number) => ({ key: 'k', value: 'x'.repeat(99), timestamp: T0 + n }); // 100 bytes each
    await log.produce(
      't',
      Array.from({ length: 25 }, (_, i) => big(i)),
    );
    log.maintain();
    const [p] = (await log.partitionOffsets('t')).filter((x) => x.endOffset > 0);
    expect(p!.endOffset).toBe(25);
    expect(p!.endOffset - p!.startOffset).toBe(10);
    await log.close();
  });

  it('truncates the write-ahead log even while a reader stays open', async () => {
    const file = tempFile();
    const log = openEmbeddedLog({ file });
    const reader = openEmbeddedLog({ file });
    const consumer = await reader.consumer({ topics: ['t'], fromBeginning: true });
    for (let i = 0; i < 20; i++) {
      await log.produce(
        't',
        Array.from({ length: 200 }, (_, j) => rec(i * 200 + j, `d${j % 7}`)),
      );
      await consumer.poll({ maxWaitMs: 0 });
    }
    expect(log.walBytes()).toBeGreaterThan(0);
    log.maintain();
    expect(log.walBytes()).toBe(0);
    await consumer.close();
    await reader.close();
    await log.close();
  });

  it('rejects topic names Kafka would reject', async () => {
    const log = new EmbeddedLog({ file: tempFile() });
    await expect(log.ensureTopic('../etc')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(log.ensureTopic('a b')).rejects.toThrow(/topic name invalid/);
    await log.close();
  });
});

describe('embedded log periodic maintenance', () => {
  it('applies retention from produce once the maintenance interval passed', async () => {
    let now = Date.UTC(2030, 0, 1);
    const file = path.join(tempDir('lambda-iot-log-'), 'log.sqlite');
    const log = openEmbeddedLog({
      file,
      clock: () => now,
      retentionMs: 1_000,
      maintenanceIntervalMs: 60_000,
    });
    await log.produce('t', [{ key: 'k', value: '1', timestamp: 0 }]);
    now += 61_000;
    await log.produce('t', [{ key: 'k', value: '2', timestamp: 0 }]);
    const [p] = (await log.partitionOffsets('t')).filter((x) => x.endOffset > 0);
    expect(p).toMatchObject({ startOffset: 1, endOffset: 2 });
    await log.close();
  });
});
