import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DOUBLE,
  DuckDBDataChunk,
  DuckDBTimestampTZValue,
  type DuckDBValue,
  TIMESTAMPTZ,
  VARCHAR,
} from '@duckdb/node-api';
import { openLog } from '../src/bus/openLog.js';
import type { Log } from '../src/bus/port.js';
import { loadConfig } from '../src/config/config.js';
import { topicName } from '../src/config/names.js';
import { openDuckSession, sqlString } from '../src/duckdb/duckSession.js';
import { DEFAULT_FROM_MS, simulateHistory } from '../src/ingest/index.js';
import { runLandingSink } from '../src/lake/landingSink.js';
import { simulateToLog } from '../src/pipeline/simulateToLog.js';
import { openObjectStore } from '../src/store/openObjectStore.js';
import { DAY_MS } from '../src/time/utcTime.js';

export interface LandingRow {
  rows: number;
  /** The sink: log → validated, event-date-partitioned Parquet files in the local store, offsets committed. */
  sinkRowsPerSecond: number;
  sinkFiles: number;
  /** The peer: a bare loop reads the same log, parses the JSON, appends to DuckDB and COPYs one Parquet file. */
  copyRowsPerSecond: number;
  /** For context: DuckDB alone, `COPY (FROM read_json(…))` over the same readings as a JSON-lines file. */
  readJsonRowsPerSecond: number;
}

/**
 * The peer: what one would write to get the same readings from the log into one Parquet file with DuckDB
 * — poll, JSON.parse, append column chunks, one COPY at the end; no validation, no event-date files, no
 * object store, no commits. Returns rows/s.
 */
async function bareCopy(log: Log, topic: string, total: number, file: string): Promise<number> {
  const duck = await openDuckSession();
  await duck.run(
    'CREATE TABLE t (device_id VARCHAR, timestamp TIMESTAMPTZ, energy_usage DOUBLE, temperature DOUBLE, vibration DOUBLE, signal_strength DOUBLE)',
  );
  const consumer = await log.consumer({ topics: [topic], fromBeginning: true });
  const t0 = performance.now();
  const appender = await duck.connection.createAppender('t');
  const types = [VARCHAR, TIMESTAMPTZ, DOUBLE, DOUBLE, DOUBLE, DOUBLE];
  let read = 0;
  while (read < total) {
    const batch = await consumer.poll({ maxRecords: 5000, maxWaitMs: 5_000 });
    if (batch.length === 0) throw new Error(`bare copy stalled at ${read}/${total}`);
    for (let start = 0; start < batch.length; start += 2048) {
      const rows = batch.slice(start, start + 2048).map((r) => JSON.parse(r.value.toString('utf8')));
      const columns: DuckDBValue[][] = [
        rows.map((v) => v.device_id),
        rows.map((v) => new DuckDBTimestampTZValue(BigInt(Date.parse(v.timestamp)) * 1000n)),
        rows.map((v) => v.energy_usage),
        rows.map((v) => v.temperature),
        rows.map((v) => v.vibration),
        rows.map((v) => v.signal_strength),
      ];
      const chunk = DuckDBDataChunk.create(types, rows.length);
      chunk.setColumns(columns);
      appender.appendDataChunk(chunk);
    }
    read += batch.length;
  }
  appender.closeSync();
  await duck.run(`COPY t TO ${sqlString(file)} (FORMAT PARQUET, COMPRESSION snappy)`);
  const seconds = (performance.now() - t0) / 1000;
  await consumer.close();
  duck.close();
  return total / seconds;
}

const COLUMNS =
  "{device_id: 'VARCHAR', timestamp: 'TIMESTAMPTZ', energy_usage: 'DOUBLE', temperature: 'DOUBLE', vibration: 'DOUBLE', signal_strength: 'DOUBLE'}";

/**
 * Landing throughput against DuckDB writing the same telemetry straight to one Parquet file, one run:
 * the sink reads the embedded log, validates every message, cuts files per partition and event date,
 * writes them through the object store and commits; the peer reads the same log in a bare loop and COPYs
 * everything to one file. DuckDB's own JSON reader over the same readings is measured for context.
 */
export async function benchLanding(devices = 20, days = 7): Promise<LandingRow> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-iot-bench-landing-'));
  try {
    const config = loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir });
    const simulation = {
      devices,
      seed: 42,
      fromMs: DEFAULT_FROM_MS,
      toMs: DEFAULT_FROM_MS + days * DAY_MS,
      cadenceMs: 60_000,
      profile: 'degrading' as const,
    };
    const log = await openLog(config);
    await simulateToLog({ log, config, simulation, logTarget: 'bench-landing' });
    const store = await openObjectStore(config);
    const t0 = performance.now();
    const stats = await runLandingSink({ log, store, config, untilEnd: true });
    const sinkSeconds = (performance.now() - t0) / 1000;
    await store.close();
    const copyRowsPerSecond = await bareCopy(
      log,
      topicName(config, 'telemetry'),
      stats.telemetry.rows,
      path.join(dataDir, 'bare.parquet'),
    );
    await log.close();

    const jsonl = path.join(dataDir, 'telemetry.jsonl');
    const lines: string[] = [];
    for (const m of simulateHistory(simulation))
      if (m.topic === 'telemetry') lines.push(JSON.stringify(m.value));
    fs.writeFileSync(jsonl, `${lines.join('\n')}\n`);
    const duck = await openDuckSession();
    const t1 = performance.now();
    await duck.run(
      `COPY (FROM read_json(${sqlString(jsonl)}, format = 'newline_delimited', columns = ${COLUMNS})) TO ${sqlString(path.join(dataDir, 'one.parquet'))} (FORMAT PARQUET, COMPRESSION snappy)`,
    );
    const copySeconds = (performance.now() - t1) / 1000;
    duck.close();
    return {
      rows: stats.telemetry.rows,
      sinkRowsPerSecond: (stats.telemetry.rows + stats.events.rows) / sinkSeconds,
      sinkFiles: stats.telemetry.files + stats.events.files,
      copyRowsPerSecond,
      readJsonRowsPerSecond: lines.length / copySeconds,
    };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
