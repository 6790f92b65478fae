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
  /**
   * Commit at most this often (ms); handled offsets accumulate in between and are committed when the loop
   * stops. Default 0: after every batch.
   */
  commitIntervalMs?: number;
  /** Runs before each commit (e.g. to checkpoint state that must be durable before offsets move). */
  beforeCommit?: (offsets: TopicPartitionOffset[]) => Promise<void> | void;
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
  const interval = options.commitIntervalMs ?? 0;
  const targets = new Map((options.stopAt ?? []).map((p) => [key(p), p.offset]));
  let records = 0;
  let batches = 0;
  let idleSince = Date.now();
  let pending: LogRecord[] = [];
  let lastCommit = Date.now();

  const reachedTargets = () => {
    if (options.stopAt === undefined) return false;
    const positions = new Map(consumer.positions().map((p) => [key(p), p.offset]));
    return options.stopAt.every((t) => (positions.get(key(t)) ?? 0) >= t.offset);
  };
  const flush = async () => {
    if (pending.length === 0) return;
    const offsets = nextOffsets(pending);
    await options.beforeCommit?.(offsets);
    crashPoint(`${name}:after-handle`);
    if (commit) await consumer.commit(offsets);
    pending = [];
    lastCommit = Date.now();
  };
  const stop = async (stoppedBy: ConsumeLoopResult['stoppedBy']): Promise<ConsumeLoopResult> => {
    await flush();
    return { records, batches, stoppedBy };
  };

  for (;;) {
    if (signal?.aborted) return stop('signal');
    if (reachedTargets()) return stop('end');
    if (options.maxRecords !== undefined && records >= options.maxRecords) return stop('max');
    const wait = options.idleMs === undefined ? 500 : Math.max(1, Math.min(500, options.idleMs));
    let batch = await consumer.poll({ maxRecords: options.batchSize ?? 500, maxWaitMs: wait });
    if (batch.length === 0) {
      if (Date.now() - lastCommit >= interval) await flush();
      if (options.idleMs !== undefined && Date.now() - idleSince >= options.idleMs) return stop('idle');
      continue;
    }
    idleSince = Date.now();
    if (targets.size > 0)
      batch = batch.filter((r) => r.offset < (targets.get(key(r)) ?? Number.POSITIVE_INFINITY));
    if (options.maxRecords !== undefined) batch = batch.slice(0, options.maxRecords - records);
    if (batch.length === 0) continue;
    await options.handle(batch);
    pending.push(...batch);
    records += batch.length;
    batches += 1;
    if (Date.now() - lastCommit >= interval) await flush();
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
