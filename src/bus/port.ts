/**
 * The log port: what the pipeline needs from Kafka or the embedded SQLite log. Offsets are Kafka's:
 * a committed or positioned offset is the next offset to read.
 */

/** A message to produce. `timestamp` is the event time in epoch ms (not the append time). */
export interface ProduceRecord {
  key: string | null;
  value: Buffer | string;
  timestamp: number;
}

/** A consumed message. */
export interface LogRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: Buffer;
  /** Event time in epoch ms, as produced. */
  timestamp: number;
}

/** A position in one partition: the next offset to read (or the offset of a produced record). */
export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: number;
}

/** Offsets of one partition: `startOffset` is the oldest retained, `endOffset` the next to be written. */
export interface PartitionOffsets {
  partition: number;
  startOffset: number;
  endOffset: number;
}

export interface ConsumerOptions {
  /** Consumer group; without one nothing can be committed and positions start per `fromBeginning`. */
  group?: string;
  /** Topics to read (created if missing, as brokers with auto-create do). */
  topics: string[];
  /** Where to start in partitions without a committed offset: true = oldest, false = end. Default false. */
  fromBeginning?: boolean;
  /** How long to wait for a busy group before failing with GroupBusyError. Default 0. */
  waitForGroupMs?: number;
}

export interface PollOptions {
  /** Most records returned by one poll. Default 500. */
  maxRecords?: number;
  /** Longest wait for the first record, in ms. Default 1000. */
  maxWaitMs?: number;
}

/** A group member reading its assigned partitions (all partitions of its topics, one member per group). */
export interface Consumer {
  /** Records after the current positions, in offset order per partition; [] when none arrived in time. */
  poll(options?: PollOptions): Promise<LogRecord[]>;
  /** Commits next-offsets for the group; resolves once they are durable. */
  commit(offsets: TopicPartitionOffset[]): Promise<void>;
  /** Current next-offset per assigned partition. */
  positions(): TopicPartitionOffset[];
  /** Moves the position of one partition. */
  seek(position: TopicPartitionOffset): void;
  /** Leaves the group (if any) and releases resources. */
  close(): Promise<void>;
}

/**
 * Which log this is, as the log itself says: the embedded log's id (created once with its database) or
 * Kafka's cluster id. A reset log (a new database, another cluster) has another identity.
 */
export interface LogIdentity {
  /** The adapter ("embedded" or "kafka"). */
  kind: string;
  id: string;
}

/** A log identity for messages, e.g. "embedded log 5f0c…" or "kafka cluster MkU3OEVB…". */
export function describeLogIdentity(identity: LogIdentity): string {
  return `${identity.kind} ${identity.kind === 'kafka' ? 'cluster' : 'log'} ${identity.id}`;
}

/** The log: topics of key-partitioned messages with consumer groups. */
export interface Log {
  /** Which adapter this is ("embedded" or "kafka"). */
  readonly kind: string;
  /** The log's identity (stable for the life of the log; see LogIdentity). */
  identity(): Promise<LogIdentity>;
  /** Creates the topic if it does not exist. Default partitions from config. */
  ensureTopic(topic: string, options?: { partitions?: number }): Promise<void>;
  /** Appends records (partitioned by key); resolves with their offsets once acknowledged (durable). */
  produce(topic: string, records: ProduceRecord[]): Promise<TopicPartitionOffset[]>;
  /** Topic names known to the log. */
  listTopics(): Promise<string[]>;
  /** Start and end offsets of every partition of a topic; throws UnknownTopicError. */
  partitionOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** Groups that have committed offsets on a topic (Kafka: among the kit's configured groups). */
  listGroups(topic: string): Promise<string[]>;
  /** Committed next-offsets of a group on a topic, by partition. */
  committedOffsets(group: string, topic: string): Promise<Map<number, number>>;
  /** Joins `options.group` (if any) and returns a consumer. */
  consumer(options: ConsumerOptions): Promise<Consumer>;
  /** Flushes and releases the log. */
  close(): Promise<void>;
}
