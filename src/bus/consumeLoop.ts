import { crashPoint } from '../testing/crash.js';
import type { Consumer, LogRecord, TopicPartitionOffset } from './port.js';

export interface ConsumeLoopOptions {
  consumer: Consumer;
  /** Handles one batch; when it resolves the batch's effects must be durable (offsets are committed next). */
  handle: (records: LogRecord[]) => Promise<void>;
  /** Commit after each handled batch (needs a group). Default true. */
  commit?: boolean;
  /** Stop once every partition reached these next-offsets (e.g. the end offsets seen at start). */
  stopAt?: TopicPartitionOffset[];
  /** Stop after this many ms without a record. Default: never. */
  idleMs?: number;
  /** Stop after handling this many records (the last batch is cut to fit). */
  maxRecords?: number;
  /** Stop (after the current batch is handled and committed) when aborted, e.g. on SIGTERM. */
  signal?: AbortSignal;
  /** Records per poll. Default 500. */
  batchSize?: number;
  /** Name used in crash-hook points: "<name>:after-handle" fires between handling and committing. */
  name?: string;
}

export interface ConsumeLoopResult {
  records: number;
  batches: number;
  /** Why the loop ended. */
  stoppedBy: 'end' | 'idle' | 'max' | 'signal';
}

const key = (p: { topic: string; partition: number }) => `${p.topic}\u0000${p.partition}`;

/**
 * The at-least-once consume loop every consumer of the kit uses: poll, handle, then commit the next
 * offsets of what was handled. A crash between handling and committing repeats only that batch.
 * @example await runConsumeLoop({ consumer, handle: async (batch) => write(batch), idleMs: 2000 });
 */
export async function runConsumeLoop(options: ConsumeLoopOptions): Promise<ConsumeLoopResult> {
  const { consumer, signal } = options;
  const commit = options.commit ?? true;
  const name = options.name ?? 'consume';
  const targets = new Map((options.stopAt ?? []).map((p) => [key(p), p.offset]));
  let records = 0;
  let batches = 0;
  let idleSince = Date.now();

  const reachedTargets = () => {
    if (options.stopAt === undefined) return false;
    const positions = new Map(consumer.positions().map((p) => [key(p), p.offset]));
    return options.stopAt.every((t) => (positions.get(key(t)) ?? 0) >= t.offset);
  };

  for (;;) {
    if (signal?.aborted) return { records, batches, stoppedBy: 'signal' };
    if (reachedTargets()) return { records, batches, stoppedBy: 'end' };
    if (options.maxRecords !== undefined && records >= options.maxRecords)
      return { records, batches, stoppedBy: 'max' };
    const wait = options.idleMs === undefined ? 500 : Math.max(1, Math.min(500, options.idleMs));
    let batch = await consumer.poll({ maxRecords: options.batchSize ?? 500, maxWaitMs: wait });
    if (batch.length === 0) {
      if (options.idleMs !== undefined && Date.now() - idleSince >= options.idleMs) {
        return { records, batches, stoppedBy: 'idle' };
      }
      continue;
    }
    idleSince = Date.now();
    if (targets.size > 0)
      batch = batch.filter((r) => r.offset < (targets.get(key(r)) ?? Number.POSITIVE_INFINITY));
    if (options.maxRecords !== undefined) batch = batch.slice(0, options.maxRecords - records);
    if (batch.length === 0) continue;
    await options.handle(batch);
    crashPoint(`${name}:after-handle`);
    if (commit) await consumer.commit(nextOffsets(batch));
    records += batch.length;
    batches += 1;
  }
}

/** The next offset to read per partition after a batch: highest handled offset + 1. */
export function nextOffsets(batch: LogRecord[]): TopicPartitionOffset[] {
  const next = new Map<string, TopicPartitionOffset>();
  for (const r of batch) {
    const k = key(r);
    const current = next.get(k);
    if (!current || r.offset + 1 > current.offset)
      next.set(k, { topic: r.topic, partition: r.partition, offset: r.offset + 1 });
  }
  return [...next.values()];
}
