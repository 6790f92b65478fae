import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGroupLag } from '../../src/bus/lag.js';
import { partitionForKey } from '../../src/bus/partitioner.js';
import type { Log, LogRecord, ProduceRecord } from '../../src/bus/port.js';
import { randomPrefix } from '../support/services.js';

export interface LogFixture {
  log: Log;
  /** Opens a second, independent handle on the same log (another client / connection). */
  reopen(): Promise<Log>;
  close(): Promise<void>;
}

const T0 = Date.UTC(2025, 3, 1);

function records(n: number, keys: string[], start = 0): ProduceRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    key: keys[(start + i) % keys.length]!,
    value: JSON.stringify({ n: start + i }),
    timestamp: T0 + (start + i) * 1000,
  }));
}

/** Reads until `count` records arrived (or fails after a bounded number of polls). */
export async function readN(
  consumer: Awaited<ReturnType<Log['consumer']>>,
  count: number,
): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for (let i = 0; i < 200 && out.length < count; i++) out.push(...(await consumer.poll({ maxWaitMs: 200 })));
  return out;
}

const sequenceOf = (r: LogRecord) => JSON.parse(r.value.toString()).n as number;

/**
 * The log port's contract: every adapter runs this same suite (the embedded log here, Kafka on the
 * librdkafka mock cluster).
 */
export function describeLogContract(name: string, open: () => Promise<LogFixture | undefined>): void {
  describe(`log contract: ${name}`, () => {
    let fixture: LogFixture | undefined;
    let prefix: string;
    beforeAll(async () => {
      fixture = await open();
    });
    afterAll(async () => {
      await fixture?.close();
    });
    const topic = (t: string) => `${prefix}${t}`;
    const setup = () => {
      prefix = randomPrefix();
      return fixture!.log;
    };

    it('produces keyed records to Kafka-compatible partitions and reports end offsets', async () => {
      const log = setup();
      await log.ensureTopic(topic('a'));
      const keys = ['device_1', 'device_2', 'device_3', 'device_10'];
      const acks = await log.produce(topic('a'), records(40, keys));
      expect(acks).toHaveLength(40);
      for (const [i, ack] of acks.entries()) expect(ack.partition).toBe(partitionForKey(keys[i % 4]!, 4));
      const offsets = await log.partitionOffsets(topic('a'));
      expect(offsets.map((p) => p.partition)).toEqual([0, 1, 2, 3]);
      expect(offsets.reduce((s, p) => s + p.endOffset - p.startOffset, 0)).toBe(40);
      // offsets within a partition are consecutive from 0
      const perPartition = new Map<number, number[]>();
      for (const a of acks)
        perPartition.set(a.partition, [...(perPartition.get(a.partition) ?? []), a.offset]);
      for (const list of perPartition.values()) expect(list).toEqual(list.map((_, i) => i));
      expect(await log.listTopics()).toContain(topic('a'));
    });

    it('reads everything from the beginning in offset order per partition, keys, values and event times intact', async () => {
      const log = setup();
      const produced = records(30, ['k1', 'k2', 'k3']);
      produced.push({ key: null, value: Buffer.from([0xff, 0x00, 0xfe]), timestamp: T0 });
      await log.produce(topic('b'), produced);
      const consumer = await log.consumer({ topics: [topic('b')], fromBeginning: true });
      const got = await readN(consumer, 31);
      await consumer.close();
      expect(got).toHaveLength(31);
      const binary = got.find((r) => r.key === null)!;
      expect([...binary.value]).toEqual([0xff, 0x00, 0xfe]);
      const json = got.filter((r) => r.key !== null);
      expect(json.map(sequenceOf).sort((a, b) => a - b)).toEqual([...Array(30).keys()]);
      for (const r of json) expect(r.timestamp).toBe(T0 + sequenceOf(r) * 1000);
      for (const p of [0, 1, 2, 3]) {
        const offsets = got.filter((r) => r.partition === p).map((r) => r.offset);
        expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
      }
    });

    it('resumes a group after its last commit; lag counts what is left', async () => {
      const log = setup();
      const group = topic('group');
      await log.produce(topic('c'), records(20, ['a', 'b', 'c', 'd']));
      const first = await log.consumer({ group, topics: [topic('c')], fromBeginning: true });
      const seen = await readN(first, 20);
      expect(seen).toHaveLength(20);
      // commit only the first half of each partition
      const commits = new Map<number, number>();
      for (const r of seen) {
        const inPartition = seen.filter((x) => x.partition === r.partition).map((x) => x.offset);
        const half = Math.floor(inPartition.length / 2);
        commits.set(r.partition, half);
      }
      await first.commit(
        [...commits].map(([partition, offset]) => ({ topic: topic('c'), partition, offset })),
      );
      await first.close();
      const committed = await log.committedOffsets(group, topic('c'));
      expect(Object.fromEntries(committed)).toEqual(Object.fromEntries(commits));
      const expectedLeft = 20 - [...commits.values()].reduce((s, x) => s + x, 0);
      expect((await readGroupLag(log, group, topic('c'))).lag).toBe(expectedLeft);
      expect(await log.listGroups(topic('c'))).toContain(group);

      const second = await log.consumer({ group, topics: [topic('c')], fromBeginning: true });
      const rest = await readN(second, expectedLeft);
      await second.close();
      expect(rest).toHaveLength(expectedLeft);
      for (const r of rest) expect(r.offset).toBeGreaterThanOrEqual(commits.get(r.partition)!);
    });

    it('starts at the end without a committed offset unless fromBeginning', async () => {
      const log = setup();
      await log.produce(topic('d'), records(8, ['x', 'y']));
      const consumer = await log.consumer({ topics: [topic('d')] });
      expect(await consumer.poll({ maxWaitMs: 300 })).toEqual([]);
      await log.produce(topic('d'), records(4, ['x', 'y'], 100));
      const got = await readN(consumer, 4);
      await consumer.close();
      expect(got.map(sequenceOf).sort((a, b) => a - b)).toEqual([100, 101, 102, 103]);
    });

    it('seeks a partition back', async () => {
      const log = setup();
      const acks = await log.produce(topic('e'), records(6, ['only-key']));
      const partition = acks[0]!.partition;
      const consumer = await log.consumer({ topics: [topic('e')], fromBeginning: true });
      expect(await readN(consumer, 6)).toHaveLength(6);
      consumer.seek({ topic: topic('e'), partition, offset: 4 });
      const again = await readN(consumer, 2);
      await consumer.close();
      expect(again.map((r) => r.offset)).toEqual([4, 5]);
    });

    it('lets a second client see what the first produced and committed', async () => {
      const log = setup();
      const other = await fixture!.reopen();
      try {
        await log.produce(topic('f'), records(5, ['p']));
        const group = topic('g2');
        const consumer = await other.consumer({ group, topics: [topic('f')], fromBeginning: true });
        const got = await readN(consumer, 5);
        await consumer.commit([{ topic: topic('f'), partition: got[0]!.partition, offset: 5 }]);
        await consumer.close();
        expect(got).toHaveLength(5);
        expect((await log.committedOffsets(group, topic('f'))).get(got[0]!.partition)).toBe(5);
      } finally {
        await other.close();
      }
    });

    it('says which log it is: the same identity through every handle on it', async () => {
      const log = setup();
      const identity = await log.identity();
      expect(identity).toEqual({ kind: log.kind, id: expect.stringMatching(/^\S+$/) });
      const other = await fixture!.reopen();
      try {
        expect(await other.identity()).toEqual(identity);
      } finally {
        await other.close();
      }
    });

    it('refuses to commit without a group', async () => {
      const log = setup();
      await log.ensureTopic(topic('h'));
      const consumer = await log.consumer({ topics: [topic('h')] });
      await expect(consumer.commit([{ topic: topic('h'), partition: 0, offset: 1 }])).rejects.toThrow(
        /no group/,
      );
      await consumer.close();
    });
  });
}
