import { crashPoint } from '../testing/crash.js';
import { yieldToEventLoop } from '../util/yieldToEventLoop.js';
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
  /**
   * Name used in test-hook points: "<name>:after-handle" fires between handling and committing,
   * "<name>:after-batch" after each batch with records was handled (and committed, when due).
   */
  name?: string;
  /**
   * Commit at most this often (ms); handled offsets accumulate in between and are committed when the loop
   * stops. Default 0: after every batch.
   */
  commitIntervalMs?: number;
  /** Runs before each commit (e.g. to checkpoint state that must be durable before offsets move). */
  beforeCommit?: (offsets: TopicPartitionOffset[]) => Promise<void> | void;
  /**
   * Maps the handled offsets (the next offset per partition over the whole run) to the ones that may be
   * committed, for a consumer whose handled records are not all durable yet: e.g. a sink holds a partition
   * at the first offset of a file it has not written. It may add partitions (e.g. one a resume moved) and
   * may make effects durable first (it runs before every commit). Offsets equal to the last committed ones
   * (`committed` at start) are not committed again. Default: every handled offset is committable.
   */
  committable?: (handled: TopicPartitionOffset[]) => Promise<TopicPartitionOffset[]>;
  /** The group's committed offsets at start (with `committable`: those are not committed again). */
  committed?: TopicPartitionOffset[];
  /** Runs after every poll, whether or not it returned records (e.g. time-based flushes, progress). */
  afterPoll?: () => Promise<void> | void;
  /** Runs once when the loop stops, before the last commit (e.g. to write out what is still buffered). */
  beforeStop?: (stoppedBy: ConsumeLoopResult['stoppedBy']) => Promise<void> | void;
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
 * offsets of what was handled (or, with `committable`, of what it says is durable). A crash between
 * handling and committing repeats only what was not committed.
 * @example await runConsumeLoop({ consumer, handle: async (batch) => write(batch), idleMs: 2000 });
 */
export async function runConsumeLoop(options: ConsumeLoopOptions): Promise<ConsumeLoopResult> {
  const { consumer, signal } = options;
  const commit = options.commit ?? true;
  const name = options.name ?? 'consume';
  const interval = options.commitIntervalMs ?? 0;
  const targets = new Map((options.stopAt ?? []).map((p) => [key(p), p.offset]));
  const offsets = new CommitTracker(options);
  let records = 0;
  let batches = 0;
  let idleSince = Date.now();
  // The first handled batch is committed at once, whatever the interval: a crash soon after a start must
  // not repeat everything handled since (for the speed layer, republish every anomaly since the start).
  let lastCommit = Number.NEGATIVE_INFINITY;

  const reachedTargets = () => {
    if (options.stopAt === undefined) return false;
    const positions = new Map(consumer.positions().map((p) => [key(p), p.offset]));
    return options.stopAt.every((t) => (positions.get(key(t)) ?? 0) >= t.offset);
  };
  const flush = async () => {
    const next = await offsets.toCommit();
    if (next === undefined) return;
    lastCommit = Date.now();
    if (next.length === 0) return;
    await options.beforeCommit?.(next);
    crashPoint(`${name}:after-handle`);
    if (commit) await consumer.commit(next);
    offsets.committed(next);
    lastCommit = Date.now();
  };
  const stop = async (stoppedBy: ConsumeLoopResult['stoppedBy']): Promise<ConsumeLoopResult> => {
    await options.beforeStop?.(stoppedBy);
    await flush();
    return { records, batches, stoppedBy };
  };

  for (;;) {
    if (signal?.aborted) return stop('signal');
    if (reachedTargets()) return stop('end');
    if (options.maxRecords !== undefined && records >= options.maxRecords) return stop('max');
    const wait = options.idleMs === undefined ? 500 : Math.max(1, Math.min(500, options.idleMs));
    const polled = await consumer.poll({ maxRecords: options.batchSize ?? 500, maxWaitMs: wait });
    let batch = polled;
    if (polled.length > 0) idleSince = Date.now();
    if (targets.size > 0)
      batch = batch.filter((r) => r.offset < (targets.get(key(r)) ?? Number.POSITIVE_INFINITY));
    if (options.maxRecords !== undefined) batch = batch.slice(0, options.maxRecords - records);
    if (batch.length > 0) {
      await options.handle(batch);
      offsets.handled(batch);
      records += batch.length;
      batches += 1;
    }
    await options.afterPoll?.();
    if (Date.now() - lastCommit >= interval) await flush();
    if (batch.length > 0) crashPoint(`${name}:after-batch`);
    if (polled.length === 0 && options.idleMs !== undefined && Date.now() - idleSince >= options.idleMs)
      return stop('idle');
    // A backlog on the embedded log polls without ever waiting: let a SIGINT/SIGTERM handler run (and
    // abort `signal`) once per batch, so the loop stops within one batch of the signal.
    await yieldToEventLoop();
  }
}

/** What the loop has handled and committed, and what it may commit next. */
class CommitTracker {
  /** Handled batches since the last commit (without a `committable` hook). */
  private pending: LogRecord[] = [];
  /** Next offset per partition over the whole run (with a `committable` hook). */
  private readonly next = new Map<string, TopicPartitionOffset>();
  private readonly last: Map<string, number>;

  constructor(private readonly options: Pick<ConsumeLoopOptions, 'committable' | 'committed'>) {
    this.last = new Map((options.committed ?? []).map((p) => [key(p), p.offset]));
  }

  handled(batch: LogRecord[]): void {
    if (this.options.committable === undefined) {
      this.pending.push(...batch);
      return;
    }
    for (const o of nextOffsets(batch)) {
      const current = this.next.get(key(o));
      if (current === undefined || o.offset > current.offset) this.next.set(key(o), o);
    }
  }

  /** Offsets to commit now ([] when nothing moved), or undefined when there is nothing to look at. */
  async toCommit(): Promise<TopicPartitionOffset[] | undefined> {
    if (this.options.committable === undefined)
      return this.pending.length === 0 ? undefined : nextOffsets(this.pending);
    const mapped = await this.options.committable([...this.next.values()].map((p) => ({ ...p })));
    return mapped.filter((o) => this.last.get(key(o)) !== o.offset);
  }

  /** Records a successful commit. */
  committed(offsets: TopicPartitionOffset[]): void {
    this.pending = [];
    for (const o of offsets) this.last.set(key(o), o.offset);
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
