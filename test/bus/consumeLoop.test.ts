import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runConsumeLoop } from '../../src/bus/consumeLoop.js';
import { openEmbeddedLog } from '../../src/bus/embedded/embeddedLog.js';
import type { Consumer, Log, TopicPartitionOffset } from '../../src/bus/port.js';
import { tempDir } from '../support/tempDirs.js';

const T0 = Date.UTC(2025, 3, 1);
const logs: Log[] = [];
afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
});

/** An embedded log (one partition per topic) holding `n` records on topic t. */
async function logWith(n: number): Promise<Log> {
  const dir = tempDir('lambda-iot-loop-');
  const log = openEmbeddedLog({ file: path.join(dir, 'log.sqlite'), partitions: 1 });
  logs.push(log);
  await log.produce(
    't',
    Array.from({ length: n }, (_, i) => ({ key: 'k', value: JSON.stringify({ i }), timestamp: T0 + i })),
  );
  return log;
}

/** The consumer, with every commit it was asked for recorded. */
function recordingCommits(consumer: Consumer): { consumer: Consumer; commits: TopicPartitionOffset[][] } {
  const commits: TopicPartitionOffset[][] = [];
  const wrapped: Consumer = {
    poll: (o) => consumer.poll(o),
    positions: () => consumer.positions(),
    seek: (p) => consumer.seek(p),
    close: () => consumer.close(),
    commit: async (offsets) => {
      commits.push(offsets.map((o) => ({ ...o })));
      await consumer.commit(offsets);
    },
  };
  return { consumer: wrapped, commits };
}

const committedOf = async (log: Log) => (await log.committedOffsets('g', 't')).get(0);

describe('runConsumeLoop', () => {
  it('commits the next offset of each handled batch', async () => {
    const log = await logWith(10);
    const { consumer, commits } = recordingCommits(
      await log.consumer({ group: 'g', topics: ['t'], fromBeginning: true }),
    );
    const result = await runConsumeLoop({
      consumer,
      handle: async () => {},
      batchSize: 4,
      stopAt: [{ topic: 't', partition: 0, offset: 10 }],
    });
    await consumer.close();
    expect(result).toEqual({ records: 10, batches: 3, stoppedBy: 'end' });
    expect(commits.map((c) => c.map((o) => o.offset))).toEqual([[4], [8], [10]]);
    expect(await committedOf(log)).toBe(10);
  });

  it('with a commit interval, commits the first batch at once, then at most once per interval, and at the stop', async () => {
    const log = await logWith(10);
    const { consumer, commits } = recordingCommits(
      await log.consumer({ group: 'g', topics: ['t'], fromBeginning: true }),
    );
    const result = await runConsumeLoop({
      consumer,
      handle: async () => {},
      batchSize: 4,
      commitIntervalMs: 3_600_000,
      stopAt: [{ topic: 't', partition: 0, offset: 10 }],
    });
    await consumer.close();
    expect(result.batches).toBe(3);
    expect(commits.map((c) => c.map((o) => o.offset))).toEqual([[4], [10]]);
  });

  it('commits only what `committable` allows, never the same offset twice, and stops after `beforeStop`', async () => {
    const log = await logWith(10);
    const { consumer, commits } = recordingCommits(
      await log.consumer({ group: 'g', topics: ['t'], fromBeginning: true }),
    );
    // A sink holding everything from offset 6 on in an open buffer until the loop stops.
    let held: number | undefined = 6;
    const seen: number[][] = [];
    const events: string[] = [];
    const result = await runConsumeLoop({
      consumer,
      handle: async (batch) => {
        events.push(`handle ${batch[0]!.offset}`);
      },
      batchSize: 3,
      stopAt: [{ topic: 't', partition: 0, offset: 10 }],
      committed: [{ topic: 't', partition: 0, offset: 0 }],
      committable: async (handled) => {
        seen.push(handled.map((h) => h.offset));
        return handled.map((h) => ({ ...h, offset: Math.min(h.offset, held ?? h.offset) }));
      },
      afterPoll: () => {
        events.push('poll');
      },
      beforeStop: (stoppedBy) => {
        events.push(`stop ${stoppedBy}`);
        held = undefined;
      },
    });
    await consumer.close();
    expect(result.stoppedBy).toBe('end');
    // Handled offsets accumulate over the run; the hook maps them before every commit.
    expect(seen).toEqual([[3], [6], [9], [10], [10]]);
    // 6 is committed once although the hook returned it twice; the rest only after beforeStop released it.
    expect(commits.map((c) => c.map((o) => o.offset))).toEqual([[3], [6], [10]]);
    expect(events).toEqual([
      'handle 0',
      'poll',
      'handle 3',
      'poll',
      'handle 6',
      'poll',
      'handle 9',
      'poll',
      'stop end',
    ]);
    expect(await committedOf(log)).toBe(10);
  });

  it('with `committable`, commits a partition that handled nothing when the hook moves it', async () => {
    const log = await logWith(5);
    const { consumer, commits } = recordingCommits(
      await log.consumer({ group: 'g', topics: ['t'], fromBeginning: true }),
    );
    consumer.seek({ topic: 't', partition: 0, offset: 5 });
    const result = await runConsumeLoop({
      consumer,
      handle: async () => {},
      idleMs: 1,
      committed: [{ topic: 't', partition: 0, offset: 0 }],
      committable: async () => [{ topic: 't', partition: 0, offset: 5 }],
    });
    await consumer.close();
    expect(result).toMatchObject({ records: 0, stoppedBy: 'idle' });
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: 5 }]]);
    expect(await committedOf(log)).toBe(5);
  });

  it('commits nothing when `committable` holds everything back, and what was handled is read again', async () => {
    const log = await logWith(5);
    const first = await log.consumer({ group: 'g', topics: ['t'], fromBeginning: true });
    await runConsumeLoop({
      consumer: first,
      handle: async () => {},
      stopAt: [{ topic: 't', partition: 0, offset: 5 }],
      committed: [{ topic: 't', partition: 0, offset: 0 }],
      committable: async (handled) => handled.map((h) => ({ ...h, offset: 0 })),
    });
    await first.close();
    expect(await committedOf(log)).toBeUndefined();
    const second = await log.consumer({ group: 'g', topics: ['t'], fromBeginning: true });
    const again = await runConsumeLoop({
      consumer: second,
      handle: async () => {},
      stopAt: [{ topic: 't', partition: 0, offset: 5 }],
    });
    await second.close();
    expect(again.records).toBe(5);
  });
});
