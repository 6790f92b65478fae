import { randomUUID } from 'node:crypto';
import { type Admin, type Kafka, Partitioners, type Producer } from 'kafkajs';
import type { Config } from '../../config/config.js';
import { GROUPS, qualifiedName } from '../../config/names.js';
import { InvalidArgumentError, LogError, UnknownTopicError } from '../../errors.js';
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
import { createKafkaClient } from './client.js';
import { KafkaConsumer } from './kafkaConsumer.js';

function wrap(what: string, error: unknown): LogError {
  const message = error instanceof Error ? error.message : String(error);
  const retriable = Boolean((error as { retriable?: boolean }).retriable);
  return new LogError(`kafka ${what}: ${message}`, { cause: error, retriable });
}

/** kafkajs protocol error codes of a CreateTopics answer that leave the topic to the metadata request. */
const SKIPPABLE_CREATE_TOPICS_CODES = new Set([
  35, // UNSUPPORTED_VERSION: the broker does not implement this CreateTopics version
  36, // TOPIC_ALREADY_EXISTS: another client created it first
]);

/**
 * Whether a createTopics failure means "this broker cannot or need not create it": the broker lacks the API
 * (KafkaJSServerDoesNotSupportApiKey, UNSUPPORTED_VERSION), reports no controller broker to send it to
 * (KafkaJSBrokerNotFound from the controller lookup: the librdkafka mock), or the topic already exists.
 * Classified by kafkajs error class name and protocol code, never by message text; anything else
 * (authorization, invalid partitions or replication factor, policy, network) is an error.
 */
export function createTopicsMayBeSkipped(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; code?: unknown; errors?: unknown };
  if (e.name === 'KafkaJSAggregateError' && Array.isArray(e.errors))
    return e.errors.length > 0 && e.errors.every(createTopicsMayBeSkipped);
  if (e.name === 'KafkaJSServerDoesNotSupportApiKey' || e.name === 'KafkaJSBrokerNotFound') return true;
  return (
    e.name === 'KafkaJSProtocolError' &&
    typeof e.code === 'number' &&
    SKIPPABLE_CREATE_TOPICS_CODES.has(e.code)
  );
}

/**
 * The log port on Kafka (kafkajs). Topics are created with CreateTopics where the broker supports it
 * and auto-created by a metadata request otherwise; lag is reported for the kit's configured groups
 * (and groups this process used), since ListGroups is not available everywhere.
 * @example const log = await openKafkaLog(loadConfig({ LAMBDA_IOT_BUS: 'kafka', LAMBDA_IOT_KAFKA_BROKERS: 'localhost:9092' }));
 */
export class KafkaLog implements Log {
  readonly kind = 'kafka';
  private producer: Producer | undefined;
  private readonly knownGroups = new Set<string>();
  private readonly consumers = new Set<Consumer>();
  private readonly partitionCounts = new Map<string, number>();
  private roundRobin = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly config: Config,
  ) {
    for (const group of Object.values(GROUPS)) this.knownGroups.add(qualifiedName(config, group));
  }

  async ensureTopic(topic: string, options: { partitions?: number } = {}): Promise<void> {
    if (this.partitionCounts.has(topic)) return;
    const existing = await this.admin.listTopics().catch((e) => {
      throw wrap('list topics', e);
    });
    if (!existing.includes(topic)) {
      try {
        await this.admin.createTopics({
          topics: [{ topic, numPartitions: options.partitions ?? this.config.partitions }],
          waitForLeaders: true,
        });
      } catch (error) {
        // Brokers without CreateTopics (e.g. the librdkafka mock) auto-create on a metadata request.
        if (!createTopicsMayBeSkipped(error)) throw wrap(`create topic ${topic}`, error);
      }
    }
    try {
      const metadata = await this.admin.fetchTopicMetadata({ topics: [topic] });
      this.partitionCounts.set(topic, metadata.topics[0]?.partitions.length ?? 0);
    } catch (error) {
      throw wrap(`create topic ${topic}`, error);
    }
  }

  private async getProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect().catch((e) => {
        throw wrap('producer connect', e);
      });
      this.producer = producer;
    }
    return this.producer;
  }

  async produce(topic: string, records: ProduceRecord[]): Promise<TopicPartitionOffset[]> {
    if (records.length === 0) return [];
    await this.ensureTopic(topic);
    const producer = await this.getProducer();
    // The partition is chosen here (Kafka's murmur2 for keys, round-robin otherwise), so each record's
    // offset can be rebuilt from the per-partition base offsets the broker acknowledges.
    const partitions = this.partitionCounts.get(topic) ?? this.config.partitions;
    const assigned = records.map((r) =>
      r.key === null ? this.roundRobin++ % partitions : partitionForKey(r.key, partitions),
    );
    let metadata: Awaited<ReturnType<Producer['send']>>;
    try {
      metadata = await producer.send({
        topic,
        acks: -1,
        messages: records.map((r, i) => {
          if (!Number.isFinite(r.timestamp)) {
            throw new InvalidArgumentError(`log produce: timestamp must be epoch ms, got ${r.timestamp}`);
          }
          return {
            key: r.key,
            value: r.value,
            partition: assigned[i],
            timestamp: String(Math.trunc(r.timestamp)),
          };
        }),
      });
    } catch (error) {
      if (error instanceof InvalidArgumentError) throw error;
      throw wrap(`produce to ${topic}`, error);
    }
    const next = new Map(metadata.map((m) => [m.partition, Number(m.baseOffset ?? 0)]));
    return assigned.map((partition) => {
      const offset = next.get(partition) ?? -1;
      next.set(partition, offset + 1);
      return { topic, partition, offset };
    });
  }

  /** The cluster id (DescribeCluster); a topic deleted and created again is caught by the lake's offset check. */
  async identity(): Promise<LogIdentity> {
    try {
      const cluster = await this.admin.describeCluster();
      return { kind: this.kind, id: cluster.clusterId };
    } catch (error) {
      throw wrap('describe cluster', error);
    }
  }

  async listTopics(): Promise<string[]> {
    try {
      return (await this.admin.listTopics()).filter((t) => !t.startsWith('__')).sort();
    } catch (error) {
      throw wrap('list topics', error);
    }
  }

  async partitionOffsets(topic: string): Promise<PartitionOffsets[]> {
    const topics = await this.listTopics();
    if (!topics.includes(topic)) throw new UnknownTopicError(topic);
    try {
      const offsets = await this.admin.fetchTopicOffsets(topic);
      return offsets
        .map((o) => ({ partition: o.partition, startOffset: Number(o.low), endOffset: Number(o.high) }))
        .sort((a, b) => a.partition - b.partition);
    } catch (error) {
      throw wrap(`offsets of ${topic}`, error);
    }
  }

  async listGroups(topic: string): Promise<string[]> {
    const out: string[] = [];
    for (const group of [...this.knownGroups].sort()) {
      const committed = await this.committedOffsets(group, topic);
      if (committed.size > 0) out.push(group);
    }
    return out;
  }

  async committedOffsets(group: string, topic: string): Promise<Map<number, number>> {
    try {
      const result = await this.admin.fetchOffsets({ groupId: group, topics: [topic] });
      const partitions = result.find((t) => t.topic === topic)?.partitions ?? [];
      return new Map(
        partitions.filter((p) => Number(p.offset) >= 0).map((p) => [p.partition, Number(p.offset)]),
      );
    } catch (error) {
      throw wrap(`committed offsets of ${group}`, error);
    }
  }

  async consumer(options: ConsumerOptions): Promise<Consumer> {
    if (options.topics.length === 0) throw new InvalidArgumentError('log consumer: no topics given');
    for (const topic of options.topics) await this.ensureTopic(topic);
    const groupId = options.group ?? qualifiedName(this.config, `lambda-iot-reader-${randomUUID()}`);
    if (options.group) this.knownGroups.add(options.group);
    const sessionTimeout = this.config.sessionTimeoutMs;
    const kafkaConsumer = this.kafka.consumer({
      groupId,
      sessionTimeout,
      rebalanceTimeout: Math.max(sessionTimeout, 10_000),
      heartbeatInterval: Math.max(100, Math.floor(sessionTimeout / 3)),
      // A fetch waits at most this long for data; disconnect waits for the fetch in flight, so keep it short.
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: true,
    });
    const consumer = new KafkaConsumer(kafkaConsumer, options.group !== undefined, async () => {
      this.consumers.delete(consumer);
      await kafkaConsumer.disconnect();
    });
    const joined = new Promise<Record<string, number[]>>((resolve) => {
      kafkaConsumer.on(kafkaConsumer.events.GROUP_JOIN, (event) => resolve(event.payload.memberAssignment));
    });
    kafkaConsumer.on(kafkaConsumer.events.CRASH, (event) => {
      if (!event.payload.restart) consumer.fail(event.payload.error);
    });
    try {
      await kafkaConsumer.connect();
      await kafkaConsumer.subscribe({
        topics: options.topics,
        fromBeginning: options.fromBeginning ?? false,
      });
      await kafkaConsumer.run({
        autoCommit: false,
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
          if (isStale()) return;
          const records = batch.messages.map((m) => ({
            topic: batch.topic,
            partition: batch.partition,
            offset: Number(m.offset),
            key: m.key === null ? null : m.key.toString('utf8'),
            value: m.value ?? Buffer.alloc(0),
            timestamp: Number(m.timestamp),
          }));
          await consumer.accept(records, heartbeat, isRunning);
        },
      });
    } catch (error) {
      await kafkaConsumer.disconnect().catch(() => undefined);
      throw wrap(`consumer ${groupId}`, error);
    }
    const assignment = await joined;
    consumer.assign(await this.startPositions(groupId, assignment, options.fromBeginning ?? false));
    this.consumers.add(consumer);
    return consumer;
  }

  /** Where each assigned partition starts: the committed offset, else the oldest or the end. */
  private async startPositions(
    group: string,
    assignment: Record<string, number[]>,
    fromBeginning: boolean,
  ): Promise<TopicPartitionOffset[]> {
    const out: TopicPartitionOffset[] = [];
    for (const [topic, partitions] of Object.entries(assignment)) {
      const committed = await this.committedOffsets(group, topic);
      const offsets = new Map((await this.partitionOffsets(topic)).map((p) => [p.partition, p]));
      for (const partition of partitions) {
        const range = offsets.get(partition);
        const fallback = fromBeginning ? (range?.startOffset ?? 0) : (range?.endOffset ?? 0);
        out.push({ topic, partition, offset: committed.get(partition) ?? fallback });
      }
    }
    return out;
  }

  async close(): Promise<void> {
    for (const consumer of [...this.consumers]) await consumer.close();
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }
}

/** Connects to the configured Kafka brokers and returns the log. */
export async function openKafkaLog(config: Config): Promise<KafkaLog> {
  const kafka = createKafkaClient(config);
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new LogError(
      `kafka connect: cannot reach ${config.kafkaBrokers.join(',')} (${(error as Error).message}); check LAMBDA_IOT_KAFKA_BROKERS`,
      { cause: error, retriable: true },
    );
  }
  return new KafkaLog(kafka, admin, config);
}
