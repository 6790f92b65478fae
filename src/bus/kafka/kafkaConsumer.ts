import type { Consumer as KafkaJsConsumer } from 'kafkajs';
import { InvalidArgumentError, LogError } from '../../errors.js';
import type { Consumer, LogRecord, PollOptions, TopicPartitionOffset } from '../port.js';

const positionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;
/** Records buffered ahead of poll() before the fetch loop waits (backpressure). */
const BUFFER_LIMIT = 5_000;

/**
 * Pull-style consumer over kafkajs's push-style `eachBatch`: batches are buffered and handed out by
 * poll(); the fetch loop waits (heartbeating) while the buffer is full. Offsets are committed only
 * through commit(), never automatically.
 */
export class KafkaConsumer implements Consumer {
  private buffer: LogRecord[] = [];
  private readonly positionMap = new Map<string, TopicPartitionOffset>();
  /** Next offset expected from the fetch loop per partition (records below it are re-deliveries). */
  private readonly fetchedUpTo = new Map<string, number>();
  private readonly waiters = new Set<() => void>();
  private drained: (() => void) | undefined;
  private failure: Error | undefined;
  private closed = false;

  constructor(
    private readonly consumer: KafkaJsConsumer,
    private readonly hasGroup: boolean,
    private readonly onClose: () => Promise<void>,
  ) {}

  /** Sets the starting positions of the assigned partitions (after the group join). */
  assign(positions: TopicPartitionOffset[]): void {
    for (const p of positions) {
      this.positionMap.set(positionKey(p.topic, p.partition), { ...p });
      this.fetchedUpTo.set(positionKey(p.topic, p.partition), p.offset);
    }
  }

  /** The eachBatch handler: buffers a fetched batch, then waits while the buffer is over its limit. */
  async accept(
    records: LogRecord[],
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<void> {
    for (const r of records) {
      const key = positionKey(r.topic, r.partition);
      if (r.offset < (this.fetchedUpTo.get(key) ?? 0)) continue; // re-delivered after a rejoin or seek
      this.fetchedUpTo.set(key, r.offset + 1);
      this.buffer.push(r);
    }
    for (const wake of this.waiters) wake();
    while (this.buffer.length > BUFFER_LIMIT && isRunning() && !this.closed) {
      await new Promise<void>((resolve) => {
        this.drained = resolve;
        setTimeout(resolve, 1_000);
      });
      await heartbeat().catch(() => undefined);
    }
  }

  /** Records a fatal error of the fetch loop; the next poll throws it. */
  fail(error: Error): void {
    this.failure = error;
    for (const wake of this.waiters) wake();
  }

  async poll(options: PollOptions = {}): Promise<LogRecord[]> {
    if (this.closed) throw new LogError('log consumer closed');
    const maxRecords = options.maxRecords ?? 500;
    const deadline = Date.now() + (options.maxWaitMs ?? 1000);
    while (this.buffer.length === 0 && !this.failure && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.max(1, deadline - Date.now()));
        this.waiters.add(wake);
      });
    }
    if (this.failure)
      throw new LogError(`kafka consumer failed: ${this.failure.message}`, { cause: this.failure });
    const out = this.buffer.splice(0, maxRecords);
    for (const r of out) {
      const key = positionKey(r.topic, r.partition);
      const position = this.positionMap.get(key);
      if (position) position.offset = Math.max(position.offset, r.offset + 1);
      else this.positionMap.set(key, { topic: r.topic, partition: r.partition, offset: r.offset + 1 });
    }
    if (this.buffer.length <= BUFFER_LIMIT) this.drained?.();
    return out;
  }

  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    if (!this.hasGroup)
      throw new InvalidArgumentError('log commit: this consumer has no group; pass options.group');
    if (offsets.length === 0) return;
    try {
      await this.consumer.commitOffsets(
        offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) })),
      );
    } catch (error) {
      throw new LogError(`kafka commit failed: ${(error as Error).message}`, {
        cause: error,
        retriable: true,
      });
    }
  }

  positions(): TopicPartitionOffset[] {
    return [...this.positionMap.values()].map((p) => ({ ...p }));
  }

  seek(position: TopicPartitionOffset): void {
    if (!Number.isInteger(position.offset) || position.offset < 0) {
      throw new InvalidArgumentError(`log seek: offset must be a non-negative integer: ${position.offset}`);
    }
    this.buffer = this.buffer.filter(
      (r) => !(r.topic === position.topic && r.partition === position.partition),
    );
    this.positionMap.set(positionKey(position.topic, position.partition), { ...position });
    this.fetchedUpTo.set(positionKey(position.topic, position.partition), position.offset);
    this.consumer.seek({
      topic: position.topic,
      partition: position.partition,
      offset: String(position.offset),
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.drained?.();
    await this.onClose();
  }
}
