import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { InvalidArgumentError, LogError, UnknownTopicError } from '../../errors.js';
import { sqliteFileError } from '../../store/sqliteFile.js';
import { partitionForKey } from '../partitioner.js';
import type {
  Consumer,
  ConsumerOptions,
  Log,
  LogIdentity,
  PartitionOffsets,
  ProduceRecord,
  TopicPartitionOffset,
} from '../port.js';
import { EmbeddedConsumer } from './consumer.js';
import { openLogDatabase } from './database.js';
import { GroupMembership } from './membership.js';
import { enforceRetention, type RetentionResult } from './retention.js';

export interface EmbeddedLogOptions {
  /** SQLite file of the log. */
  file: string;
  /**
   * Only reads will be made: in a folder this user may only read, a private copy is read (see
   * openSqliteForReading). Default false.
   */
  readOnly?: boolean;
  /** Partitions of auto-created topics. Default 4. */
  partitions?: number;
  /** Group session timeout in ms. Default 30000. */
  sessionTimeoutMs?: number;
  /** Delete messages appended longer ago than this. Default 7 days. */
  retentionMs?: number;
  /** Per-partition size limit in bytes. Default 1 GiB. */
  retentionBytes?: number;
  /** How often produce runs retention and a WAL checkpoint, in ms of append time. Default 60000. */
  maintenanceIntervalMs?: number;
  /** Wall clock for append times and leases (tests pass a fake). Default Date.now. */
  clock?: () => number;
}

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

function assertTopicName(topic: string): void {
  if (!TOPIC_NAME.test(topic)) {
    throw new InvalidArgumentError(
      `log topic name invalid: ${JSON.stringify(topic)} (1–249 letters, digits, ".", "_" or "-", as Kafka requires)`,
    );
  }
}

/**
 * The embedded log: Kafka's model (topics, key-partitioned messages, offsets, consumer groups) in one
 * SQLite file, safe for several processes. Retention counts from each message's append time.
 * @example const log = openEmbeddedLog({ file: 'data/log/log.sqlite' }); await log.produce('iot-telemetry', records);
 */
export class EmbeddedLog implements Log {
  readonly kind = 'embedded';
  private readonly db: Database.Database;
  private readonly partitions: number;
  private readonly sessionTimeoutMs: number;
  private readonly retentionMs: number;
  private readonly retentionBytes: number;
  private readonly maintenanceIntervalMs: number;
  private readonly clock: () => number;
  private lastMaintenance: number;
  private roundRobin = 0;
  private readonly consumers = new Set<Consumer>();
  private closed = false;

  constructor(readonly options: EmbeddedLogOptions) {
    this.db = openLogDatabase(options.file, { readOnly: options.readOnly });
    this.partitions = options.partitions ?? 4;
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 30_000;
    this.retentionMs = options.retentionMs ?? 7 * 24 * 3_600_000;
    this.retentionBytes = options.retentionBytes ?? 1024 ** 3;
    this.maintenanceIntervalMs = options.maintenanceIntervalMs ?? 60_000;
    this.clock = options.clock ?? Date.now;
    this.lastMaintenance = this.clock();
  }

  async ensureTopic(topic: string, options: { partitions?: number } = {}): Promise<void> {
    this.createTopic(topic, options.partitions ?? this.partitions);
  }

  /** Creates the topic if missing; returns its partition count. */
  private createTopic(topic: string, partitions: number): number {
    assertTopicName(topic);
    const existing = this.db.prepare('select partitions from topics where name = ?').get(topic) as
      | { partitions: number }
      | undefined;
    if (existing) return existing.partitions;
    this.db
      .transaction(() => {
        const insert = this.db
          .prepare('insert or ignore into topics (name, partitions, created_at) values (?, ?, ?)')
          .run(topic, partitions, this.clock());
        if (insert.changes === 0) return;
        const add = this.db.prepare('insert into partitions (topic, partition) values (?, ?)');
        for (let p = 0; p < partitions; p++) add.run(topic, p);
      })
      .immediate();
    return this.topicPartitions(topic);
  }

  private topicPartitions(topic: string): number {
    const row = this.db.prepare('select partitions from topics where name = ?').get(topic) as
      | { partitions: number }
      | undefined;
    if (!row) throw new UnknownTopicError(topic);
    return row.partitions;
  }

  async produce(topic: string, records: ProduceRecord[]): Promise<TopicPartitionOffset[]> {
    this.assertOpen();
    if (records.length === 0) return [];
    const partitions = this.createTopic(topic, this.partitions);
    const now = this.clock();
    const readEnd = this.db.prepare('select end_offset from partitions where topic = ? and partition = ?');
    const insert = this.db.prepare(
      'insert into messages (topic, partition, offset, key, value, event_time, append_time) values (?, ?, ?, ?, ?, ?, ?)',
    );
    const advance = this.db.prepare(
      'update partitions set end_offset = ?, size_bytes = size_bytes + ? where topic = ? and partition = ?',
    );
    const write = this.db.transaction(() => {
      const ends = new Map<number, { end: number; bytes: number }>();
      const offsets: TopicPartitionOffset[] = [];
      for (const record of records) {
        if (!Number.isFinite(record.timestamp)) {
          throw new InvalidArgumentError(`log produce: timestamp must be epoch ms, got ${record.timestamp}`);
        }
        const partition =
          record.key === null ? this.roundRobin++ % partitions : partitionForKey(record.key, partitions);
        let state = ends.get(partition);
        if (!state) {
          state = { end: (readEnd.get(topic, partition) as { end_offset: number }).end_offset, bytes: 0 };
          ends.set(partition, state);
        }
        const value = typeof record.value === 'string' ? Buffer.from(record.value, 'utf8') : record.value;
        insert.run(topic, partition, state.end, record.key, value, Math.trunc(record.timestamp), now);
        offsets.push({ topic, partition, offset: state.end });
        state.end += 1;
        state.bytes += value.byteLength + (record.key === null ? 0 : Buffer.byteLength(record.key));
      }
      for (const [partition, state] of ends) advance.run(state.end, state.bytes, topic, partition);
      return offsets;
    });
    let result: TopicPartitionOffset[];
    try {
      result = write.immediate();
    } catch (error) {
      // a full disk or a damaged file names the file (sqliteFileError); other errors pass unchanged
      throw sqliteFileError('embedded log', this.options.file, error);
    }
    if (now - this.lastMaintenance >= this.maintenanceIntervalMs) this.maintain();
    return result;
  }

  /** The log id: 16 random hex digits, created once with the log (the first time it is asked for). */
  async identity(): Promise<LogIdentity> {
    this.assertOpen();
    this.db
      .prepare("insert or ignore into log_meta (key, value) values ('log_id', lower(hex(randomblob(8))))")
      .run();
    const row = this.db.prepare("select value from log_meta where key = 'log_id'").get() as { value: string };
    return { kind: this.kind, id: row.value };
  }

  async listTopics(): Promise<string[]> {
    return (this.db.prepare('select name from topics order by name').all() as { name: string }[]).map(
      (r) => r.name,
    );
  }

  async partitionOffsets(topic: string): Promise<PartitionOffsets[]> {
    this.topicPartitions(topic);
    return (
      this.db
        .prepare(
          'select partition, start_offset, end_offset from partitions where topic = ? order by partition',
        )
        .all(topic) as { partition: number; start_offset: number; end_offset: number }[]
    ).map((r) => ({ partition: r.partition, startOffset: r.start_offset, endOffset: r.end_offset }));
  }

  async listGroups(topic: string): Promise<string[]> {
    return (
      this.db
        .prepare('select distinct group_id from group_offsets where topic = ? order by group_id')
        .all(topic) as { group_id: string }[]
    ).map((r) => r.group_id);
  }

  async committedOffsets(group: string, topic: string): Promise<Map<number, number>> {
    const rows = this.db
      .prepare('select partition, next_offset from group_offsets where group_id = ? and topic = ?')
      .all(group, topic) as { partition: number; next_offset: number }[];
    return new Map(rows.map((r) => [r.partition, r.next_offset]));
  }

  async consumer(options: ConsumerOptions): Promise<Consumer> {
    this.assertOpen();
    if (options.topics.length === 0) throw new InvalidArgumentError('log consumer: no topics given');
    let membership: GroupMembership | undefined;
    if (options.group !== undefined) {
      if (options.group.length === 0) throw new InvalidArgumentError('log consumer: group name is empty');
      membership = new GroupMembership(this.db, options.group, this.sessionTimeoutMs, this.clock);
      await membership.join(options.waitForGroupMs ?? 0);
    }
    const initial: TopicPartitionOffset[] = [];
    for (const topic of options.topics) {
      this.createTopic(topic, this.partitions);
      const committed = options.group ? await this.committedOffsets(options.group, topic) : new Map();
      for (const p of await this.partitionOffsets(topic)) {
        const start = options.fromBeginning ? p.startOffset : p.endOffset;
        initial.push({ topic, partition: p.partition, offset: committed.get(p.partition) ?? start });
      }
    }
    const consumer = new EmbeddedConsumer(this.db, initial, membership);
    this.consumers.add(consumer);
    return consumer;
  }

  /** Applies retention (age from append time, size per partition) and truncates the WAL. */
  maintain(): RetentionResult {
    this.lastMaintenance = this.clock();
    const result = enforceRetention(this.db, {
      cutoffAppendTime: this.clock() - this.retentionMs,
      maxBytesPerPartition: this.retentionBytes,
    });
    this.checkpoint();
    return result;
  }

  /** Moves the WAL into the database file and truncates it (readers that never pause would let it grow). */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Size of the write-ahead log file in bytes (0 after a full checkpoint). */
  walBytes(): number {
    try {
      return fs.statSync(`${this.options.file}-wal`).size;
    } catch {
      return 0;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    for (const consumer of this.consumers) await consumer.close();
    this.closed = true;
    try {
      this.checkpoint();
    } finally {
      this.db.close();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new LogError('log closed');
  }
}

/** Opens the embedded log at `options.file`. */
export function openEmbeddedLog(options: EmbeddedLogOptions): EmbeddedLog {
  return new EmbeddedLog(options);
}
