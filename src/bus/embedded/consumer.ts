import type Database from 'better-sqlite3';
import { InvalidArgumentError, LogError } from '../../errors.js';
import { sqliteFileError } from '../../store/sqliteFile.js';
import type { Consumer, LogRecord, PollOptions, TopicPartitionOffset } from '../port.js';
import type { GroupMembership } from './membership.js';

interface MessageRow {
  offset: number;
  key: string | null;
  value: Buffer;
  event_time: number;
}

const positionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** A consumer over the embedded log: polls partitions round-robin, commits into the same database. */
export class EmbeddedConsumer implements Consumer {
  private readonly positionMap = new Map<string, TopicPartitionOffset>();
  private readonly order: TopicPartitionOffset[] = [];
  private nextIndex = 0;
  private closed = false;
  private readonly readStatement: Database.Statement;
  private readonly startStatement: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    initial: TopicPartitionOffset[],
    private readonly membership: GroupMembership | undefined,
  ) {
    for (const p of initial) {
      const position = { ...p };
      this.positionMap.set(positionKey(p.topic, p.partition), position);
      this.order.push(position);
    }
    this.readStatement = db.prepare(
      'select offset, key, value, event_time from messages where topic = ? and partition = ? and offset >= ? order by offset limit ?',
    );
    this.startStatement = db.prepare('select start_offset from partitions where topic = ? and partition = ?');
  }

  async poll(options: PollOptions = {}): Promise<LogRecord[]> {
    this.assertOpen();
    const maxRecords = options.maxRecords ?? 500;
    const deadline = Date.now() + (options.maxWaitMs ?? 1000);
    for (;;) {
      const records = this.readAvailable(maxRecords);
      if (records.length > 0 || Date.now() >= deadline || this.closed) return records;
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, Math.max(1, deadline - Date.now()))));
    }
  }

  /** Reads up to `maxRecords`, visiting partitions round-robin so none starves. */
  private readAvailable(maxRecords: number): LogRecord[] {
    const out: LogRecord[] = [];
    const n = this.order.length;
    for (let visited = 0; visited < n && out.length < maxRecords; visited++) {
      const position = this.order[(this.nextIndex + visited) % n]!;
      const start = this.startStatement.get(position.topic, position.partition) as
        | { start_offset: number }
        | undefined;
      if (start && position.offset < start.start_offset) position.offset = start.start_offset;
      const rows = this.readStatement.all(
        position.topic,
        position.partition,
        position.offset,
        maxRecords - out.length,
      ) as MessageRow[];
      for (const row of rows) {
        out.push({
          topic: position.topic,
          partition: position.partition,
          offset: row.offset,
          key: row.key,
          value: row.value,
          timestamp: row.event_time,
        });
      }
      if (rows.length > 0) position.offset = rows[rows.length - 1]!.offset + 1;
    }
    this.nextIndex = n === 0 ? 0 : (this.nextIndex + 1) % n;
    return out;
  }

  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    this.assertOpen();
    const membership = this.membership;
    if (!membership)
      throw new InvalidArgumentError('log commit: this consumer has no group; pass options.group');
    const upsert = this.db.prepare(
      `insert into group_offsets (group_id, topic, partition, next_offset, committed_at) values (?, ?, ?, ?, ?)
       on conflict (group_id, topic, partition) do update set next_offset = excluded.next_offset, committed_at = excluded.committed_at`,
    );
    const now = Date.now();
    const write = this.db.transaction(() => {
      membership.assertHeld();
      for (const o of offsets) upsert.run(membership.group, o.topic, o.partition, o.offset, now);
    });
    try {
      write.immediate();
    } catch (error) {
      throw sqliteFileError('embedded log', this.db.name, error);
    }
  }

  positions(): TopicPartitionOffset[] {
    return this.order.map((p) => ({ ...p }));
  }

  seek(position: TopicPartitionOffset): void {
    const current = this.positionMap.get(positionKey(position.topic, position.partition));
    if (!current)
      throw new LogError(`log seek: partition not assigned: ${position.topic}[${position.partition}]`);
    if (!Number.isInteger(position.offset) || position.offset < 0) {
      throw new InvalidArgumentError(`log seek: offset must be a non-negative integer: ${position.offset}`);
    }
    current.offset = position.offset;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.membership?.leave();
  }

  private assertOpen(): void {
    if (this.closed) throw new LogError('log consumer closed');
  }
}
