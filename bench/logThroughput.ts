import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openEmbeddedLog } from '../src/bus/embedded/embeddedLog.js';
import { openKafkaLog } from '../src/bus/kafka/kafkaLog.js';
import { hasKcat, startMockCluster } from '../src/bus/kafka/mockCluster.js';
import type { Log, ProduceRecord } from '../src/bus/port.js';
import { loadConfig } from '../src/config/config.js';
import { DEFAULT_CADENCE_MS, DEFAULT_FROM_MS, simulateHistory } from '../src/ingest/index.js';

export interface ThroughputRow {
  adapter: string;
  messages: number;
  producePerSecond: number;
  consumePerSecond: number;
}

/** Simulated telemetry messages (the real payload shape), n of them. */
function telemetryRecords(n: number): ProduceRecord[] {
  const devices = 20;
  const out: ProduceRecord[] = [];
  const days = Math.ceil(n / devices / 1440);
  const toMs = DEFAULT_FROM_MS + days * 86_400_000;
  for (const m of simulateHistory({
    devices,
    seed: 1,
    fromMs: DEFAULT_FROM_MS,
    toMs,
    cadenceMs: DEFAULT_CADENCE_MS,
    profile: 'degrading',
  })) {
    if (m.topic !== 'telemetry') continue;
    out.push({ key: m.key, value: JSON.stringify(m.value), timestamp: m.timestamp });
    if (out.length === n) break;
  }
  return out;
}

async function measure(
  adapter: string,
  log: Log,
  records: ProduceRecord[],
  topic: string,
): Promise<ThroughputRow> {
  const batch = 1000;
  let t0 = performance.now();
  for (let i = 0; i < records.length; i += batch) await log.produce(topic, records.slice(i, i + batch));
  const produceSeconds = (performance.now() - t0) / 1000;
  const consumer = await log.consumer({ group: `${topic}-bench`, topics: [topic], fromBeginning: true });
  t0 = performance.now();
  let read = 0;
  while (read < records.length) {
    const got = await consumer.poll({ maxRecords: batch, maxWaitMs: 5_000 });
    if (got.length === 0) throw new Error(`${adapter}: consumer stalled at ${read}/${records.length}`);
    for (const r of got) JSON.parse(r.value.toString('utf8'));
    const last = new Map<number, number>();
    for (const r of got) last.set(r.partition, r.offset + 1);
    await consumer.commit([...last].map(([partition, offset]) => ({ topic, partition, offset })));
    read += got.length;
  }
  const consumeSeconds = (performance.now() - t0) / 1000;
  await consumer.close();
  return {
    adapter,
    messages: records.length,
    producePerSecond: records.length / produceSeconds,
    consumePerSecond: records.length / consumeSeconds,
  };
}

/** Peer for the embedded log: the same rows inserted into one bare SQLite table (no partitions, offsets, groups). */
function measureBareSqlite(records: ProduceRecord[], dir: string): ThroughputRow {
  const db = new Database(path.join(dir, 'bare.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('create table m (key text, value blob, ts integer)');
  const insert = db.prepare('insert into m values (?, ?, ?)');
  let t0 = performance.now();
  for (let i = 0; i < records.length; i += 1000) {
    db.transaction(() => {
      for (const r of records.slice(i, i + 1000))
        insert.run(r.key, Buffer.from(r.value as string), r.timestamp);
    })();
  }
  const produceSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  for (const row of db.prepare('select value from m').iterate())
    JSON.parse((row as { value: Buffer }).value.toString('utf8'));
  const consumeSeconds = (performance.now() - t0) / 1000;
  db.close();
  return {
    adapter: 'bare SQLite table (peer)',
    messages: records.length,
    producePerSecond: records.length / produceSeconds,
    consumePerSecond: records.length / consumeSeconds,
  };
}

/** Producer and consumer throughput of the embedded log, a bare SQLite table and Kafka (mock), one run. */
export async function benchLogThroughput(messages = 50_000): Promise<ThroughputRow[]> {
  const records = telemetryRecords(messages);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-iot-bench-'));
  const rows: ThroughputRow[] = [];
  const embedded = openEmbeddedLog({ file: path.join(dir, 'log.sqlite') });
  rows.push(await measure('embedded log', embedded, records, 'bench-telemetry'));
  await embedded.close();
  rows.push(measureBareSqlite(records, dir));
  if (hasKcat()) {
    const mock = await startMockCluster();
    try {
      const config = loadConfig({
        LAMBDA_IOT_BUS: 'kafka',
        LAMBDA_IOT_KAFKA_BROKERS: mock.brokers,
        LAMBDA_IOT_SESSION_TIMEOUT_MS: '6000',
      });
      const kafka = await openKafkaLog(config);
      rows.push(await measure('kafka (librdkafka mock)', kafka, records, `bench-${Date.now()}`));
      await kafka.close();
    } finally {
      mock.stop();
    }
  } else {
    process.stderr.write('kcat not installed: Kafka row skipped (apt-get install kcat)\n');
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return rows;
}
