import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openKafkaLog } from '../src/bus/kafka/kafkaLog.js';
import { hasKcat, startMockCluster } from '../src/bus/kafka/mockCluster.js';
import { openLog } from '../src/bus/openLog.js';
import type { Log } from '../src/bus/port.js';
import { type Config, loadConfig } from '../src/config/config.js';
import { topicName } from '../src/config/names.js';
import { DEFAULT_FROM_MS } from '../src/ingest/index.js';
import { simulateToLog } from '../src/pipeline/simulateToLog.js';
import { Telemetry } from '../src/schema/telemetry.js';
import { validateMessage } from '../src/schema/validate.js';
import { referenceRules } from '../src/speed/ruleSet.js';
import { runStreamProcessor } from '../src/speed/streamProcessor.js';
import { DAY_MS } from '../src/time/utcTime.js';

export interface SpeedRow {
  adapter: string;
  readings: number;
  bareLoopPerSecond: number;
  processorPerSecond: number;
  anomalies: number;
}

/**
 * The bare loop: the same consumer API, JSON parse and shared validation, and a commit per batch, but no
 * rules, state or publishing. The ratio processor/bare measures what the speed layer itself costs.
 */
async function bareLoop(log: Log, topic: string, total: number): Promise<number> {
  const consumer = await log.consumer({ group: `${topic}-bare-bench`, topics: [topic], fromBeginning: true });
  const t0 = performance.now();
  let read = 0;
  while (read < total) {
    const batch = await consumer.poll({ maxRecords: 500, maxWaitMs: 5_000 });
    if (batch.length === 0) throw new Error(`bare loop stalled at ${read}/${total}`);
    for (const r of batch) validateMessage(Telemetry, r.value);
    const next = new Map<number, number>();
    for (const r of batch) next.set(r.partition, r.offset + 1);
    await consumer.commit([...next].map(([partition, offset]) => ({ topic, partition, offset })));
    read += batch.length;
  }
  const seconds = (performance.now() - t0) / 1000;
  await consumer.close();
  return total / seconds;
}

async function measure(
  adapter: string,
  log: Log,
  config: Config,
  devices: number,
  days: number,
): Promise<SpeedRow> {
  const simulation = {
    devices,
    seed: 42,
    fromMs: DEFAULT_FROM_MS,
    toMs: DEFAULT_FROM_MS + days * DAY_MS,
    cadenceMs: 60_000,
    profile: 'degrading' as const,
  };
  const { manifest } = await simulateToLog({ log, config, simulation, logTarget: `bench-${adapter}` });
  const topic = topicName(config, 'telemetry');
  const total = manifest.produced.telemetry;
  const bare = await bareLoop(log, topic, total);
  const stats = await runStreamProcessor({
    log,
    config,
    rules: referenceRules(),
    untilEnd: true,
  });
  // Both rates exclude joining the group: they measure the loop, not the broker's rebalance delay.
  const processor = stats.read / (stats.elapsedMs / 1000);
  return {
    adapter,
    readings: total,
    bareLoopPerSecond: bare,
    processorPerSecond: processor,
    anomalies: stats.anomalies,
  };
}

/** Speed-layer throughput against a bare consume loop over the same topic, on both adapters, one run. */
export async function benchSpeedLayer(devices = 20, days = 2): Promise<SpeedRow[]> {
  const rows: SpeedRow[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-iot-bench-speed-'));
  const embeddedConfig = loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir });
  const embedded = await openLog(embeddedConfig);
  rows.push(await measure('embedded log', embedded, embeddedConfig, devices, days));
  await embedded.close();
  if (hasKcat()) {
    const mock = await startMockCluster();
    try {
      const config = loadConfig({
        LAMBDA_IOT_DATA_DIR: dataDir,
        LAMBDA_IOT_BUS: 'kafka',
        LAMBDA_IOT_KAFKA_BROKERS: mock.brokers,
        LAMBDA_IOT_SESSION_TIMEOUT_MS: '6000',
        LAMBDA_IOT_NAME_PREFIX: `bench${Date.now()}-`,
      });
      const kafka = await openKafkaLog(config);
      rows.push(await measure('kafka (librdkafka mock)', kafka, config, devices, days));
      await kafka.close();
    } finally {
      mock.stop();
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
  return rows;
}
