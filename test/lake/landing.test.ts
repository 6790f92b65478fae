import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { openLog } from '../../src/bus/openLog.js';
import { loadConfig } from '../../src/config/config.js';
import { GROUPS, topicName } from '../../src/config/names.js';
import { LAKE_LOGS_KEY } from '../../src/lake/lakeLog.js';
import { storeAsyncBuffer, summarizeLake } from '../../src/lake/lakeSummary.js';
import { runLandingSink } from '../../src/lake/landingSink.js';
import { parseRawFileKey } from '../../src/lake/rawLayout.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { tempDataDir } from '../support/cli.js';
import { randomBucket, s3ForTests } from '../support/s3.js';
import { requireService } from '../support/services.js';
import {
  closeLakesAfterEach,
  DAY,
  embeddedLake,
  produceReadings,
  rawRows,
  reading,
  T0,
  trackLake,
} from './landingFixtures.js';

closeLakesAfterEach();

describe('landing sink (embedded log, local store)', () => {
  it('lands every valid message once as typed Parquet, one event date and one offset range per file', async () => {
    const lake = await embeddedLake({ LAMBDA_IOT_LAND_FILE_ROWS: '50' });
    const devices = ['press-1', 'press-2', 'lathe-3'];
    const readings = [];
    for (let i = 0; i < 120; i++) for (const d of devices) readings.push(reading(d, T0 + i * 20 * 60_000));
    // Two readings of one device in the same second: both are rows.
    readings.push(reading('press-1', T0 + 5_000, 1.5), reading('press-1', T0 + 5_000, 2.5));
    await produceReadings(lake, readings);
    await lake.log.produce(topicName(lake.config, 'events'), [
      {
        key: 'press-1',
        value: JSON.stringify({
          device_id: 'press-1',
          event_timestamp: '2025-04-02T08:00:00Z',
          severity: 'high',
          event_type: 'failure',
          error_code: 'ERR0042',
          component: 'bearing',
          root_cause: 'wear',
        }),
        timestamp: Date.UTC(2025, 3, 2, 8),
      },
    ]);

    const files: string[] = [];
    const stats = await runLandingSink({ ...lake, untilEnd: true, onFile: (f) => files.push(f.key) });
    expect(stats).toMatchObject({ read: readings.length + 1, deadLettered: 0, stoppedBy: 'end' });
    expect(stats.telemetry.rows).toBe(readings.length);
    expect(stats.events).toMatchObject({ files: 1, rows: 1 });

    // Files: ≤ 50 rows, one date each (the folder's), contiguous offsets within one partition.
    for (const key of files) {
      const name = parseRawFileKey(key)!;
      expect(name.lastOffset - name.firstOffset + 1).toBeLessThanOrEqual(50);
      if (name.kind !== 'telemetry') continue;
      const rows = await rawRows(
        lake,
        `SELECT min(strftime("timestamp", '%Y-%m-%d')) AS lo, max(strftime("timestamp", '%Y-%m-%d')) AS hi, count(*) AS n,
                min(source_offset) AS first, max(source_offset) AS last, count(DISTINCT source_partition) AS partitions
         FROM read_parquet('${fileURLToPath(lake.store.uri(key))}')`,
      );
      expect(rows[0]).toEqual({
        lo: name.date,
        hi: name.date,
        n: name.lastOffset - name.firstOffset + 1,
        first: name.firstOffset,
        last: name.lastOffset,
        partitions: 1,
      });
    }
    const [counts] = await rawRows(
      lake,
      `SELECT count(*) AS rows, count(DISTINCT (source_partition, source_offset)) AS distinct_offsets,
              count(*) FILTER (WHERE device_id = 'press-1' AND "timestamp" = TIMESTAMPTZ '2025-04-01 10:00:05+00') AS same_second
       FROM raw_telemetry`,
    );
    expect(counts).toEqual({ rows: readings.length, distinct_offsets: readings.length, same_second: 2 });
    const [failure] = await rawRows(lake, 'SELECT * FROM raw_events');
    expect(failure).toMatchObject({
      device_id: 'press-1',
      event_type: 'failure',
      error_code: 'ERR0042',
      technician: null,
      duration_min: null,
    });

    // The group's committed offsets reached the end: a second run lands nothing.
    const committed = await lake.log.committedOffsets(GROUPS.landing, topicName(lake.config, 'telemetry'));
    expect([...committed.values()].reduce((a, b) => a + b, 0)).toBe(readings.length);
    const again = await runLandingSink({ ...lake, untilEnd: true });
    expect(again.read).toBe(0);
  });

  it('writes types every reader agrees on: DuckDB and hyparquet see timestamps in µs UTC, doubles, integers', async () => {
    const lake = await embeddedLake();
    await produceReadings(lake, [reading('d-1', T0), reading('d-1', T0 + 60_000)]);
    await runLandingSink({ ...lake, untilEnd: true });
    const [file] = (await summarizeLake(lake.store, 'raw/telemetry/')).partitions;
    expect(file).toMatchObject({ objects: 1, rows: 2 });

    const types = await rawRows(lake, 'SELECT column_name, column_type FROM (DESCRIBE raw_telemetry)');
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.column_type]))).toEqual({
      device_id: 'VARCHAR',
      timestamp: 'TIMESTAMP WITH TIME ZONE',
      energy_usage: 'DOUBLE',
      temperature: 'DOUBLE',
      vibration: 'DOUBLE',
      signal_strength: 'DOUBLE',
      source_partition: 'INTEGER',
      source_offset: 'BIGINT',
      source_file: 'VARCHAR',
    });

    let key = '';
    for await (const o of lake.store.list('raw/telemetry/')) key = o.key;
    const head = (await lake.store.head(key))!;
    const buffer = storeAsyncBuffer(lake.store, head);
    const metadata = await parquetMetadataAsync(buffer);
    const leaves = Object.fromEntries(
      parquetSchema(metadata).children.map((c) => [c.element.name, c.element]),
    );
    expect(leaves.timestamp).toMatchObject({
      type: 'INT64',
      logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
    });
    expect(leaves.vibration).toMatchObject({ type: 'DOUBLE' });
    expect(leaves.source_partition).toMatchObject({ type: 'INT32' });
    expect(leaves.source_offset).toMatchObject({ type: 'INT64' });
    expect(leaves.device_id).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8' });
    const rows = await parquetReadObjects({ file: buffer });
    expect(rows[0]).toMatchObject({ device_id: 'd-1', vibration: 0.5, source_offset: 0n });
    expect((rows[0]!.timestamp as Date).toISOString()).toBe('2025-04-01T10:00:00.000Z');
  });

  it('stores odd device ids literally and never as path parts', async () => {
    const lake = await embeddedLake();
    const odd = [
      '../../etc/passwd',
      'quote\'s "dev"',
      'slash/and\\back',
      'ünï-cødé-设备-🚀',
      'date=2025-01-01',
    ];
    await produceReadings(
      lake,
      odd.map((id, i) => reading(id, T0 + i * 1000)),
    );
    await runLandingSink({ ...lake, untilEnd: true });
    const rows = await rawRows(lake, 'SELECT device_id FROM raw_telemetry ORDER BY "timestamp"');
    expect(rows.map((r) => r.device_id)).toEqual(odd);
    const keys: string[] = [];
    for await (const o of lake.store.list('')) keys.push(o.key);
    for (const key of keys.filter((k) => k !== LAKE_LOGS_KEY))
      expect(parseRawFileKey(key), key).toBeDefined();
  });

  it('cuts a file at a date change: late data lands in its own event date', async () => {
    const lake = await embeddedLake({ LAMBDA_IOT_PARTITIONS: '1' });
    await produceReadings(lake, [
      reading('d-1', T0 + DAY),
      reading('d-1', T0 + DAY + 60_000),
      reading('d-1', T0 - 3 * 3_600_000), // late: the day before
      reading('d-1', T0 + DAY + 120_000),
    ]);
    const files: string[] = [];
    await runLandingSink({ ...lake, untilEnd: true, onFile: (f) => files.push(f.key) });
    expect(files).toEqual([
      'raw/telemetry/date=2025-04-02/iot-telemetry-0-0-1.parquet',
      'raw/telemetry/date=2025-04-01/iot-telemetry-0-2-2.parquet',
      'raw/telemetry/date=2025-04-02/iot-telemetry-0-3-3.parquet',
    ]);
  });

  it('dead-letters invalid messages with the reason and lands the rest', async () => {
    const lake = await embeddedLake({ LAMBDA_IOT_PARTITIONS: '1' });
    const topic = topicName(lake.config, 'telemetry');
    await produceReadings(lake, [reading('d-1', T0)]);
    await lake.log.produce(topic, [
      { key: 'd-1', value: '{"device_id":', timestamp: T0 },
      { key: 'd-1', value: JSON.stringify(reading('d-1', T0 + 1000, -4)), timestamp: T0 },
    ]);
    await produceReadings(lake, [reading('d-1', T0 + 2000)]);
    const stats = await runLandingSink({ ...lake, untilEnd: true });
    expect(stats).toMatchObject({ read: 4, deadLettered: 2, telemetry: { rows: 2 } });
    const dlq = await lake.log.consumer({
      topics: [topicName(lake.config, 'deadLetter')],
      fromBeginning: true,
    });
    const letters = (await dlq.poll({ maxWaitMs: 2000 })).map((r) => JSON.parse(r.value.toString()));
    await dlq.close();
    expect(letters.map((l) => [l.source.offset, l.consumer])).toEqual([
      [1, GROUPS.landing],
      [2, GROUPS.landing],
    ]);
    expect(letters[0].reason).toMatch(/^not JSON/);
    expect(letters[1].reason).toMatch(/^vibration: /);
    // The file spans the offsets around the dead letters; the next run starts after all of them.
    const [file] = (await summarizeLake(lake.store, 'raw/')).partitions;
    expect(file).toMatchObject({ objects: 1, rows: 2 });
    expect((await runLandingSink({ ...lake, untilEnd: true })).read).toBe(0);
  });

  it('resumes after the newest landed file when the commit was lost, and ignores foreign files with a warning', async () => {
    const lake = await embeddedLake({ LAMBDA_IOT_PARTITIONS: '1' });
    await produceReadings(lake, [reading('d-1', T0), reading('d-1', T0 + 1000), reading('d-1', T0 + 2000)]);
    await runLandingSink({ ...lake, untilEnd: true });
    // Lose the commit, as a crash between writing the file and committing would.
    const consumer = await lake.log.consumer({
      group: GROUPS.landing,
      topics: [topicName(lake.config, 'telemetry')],
    });
    await consumer.commit([{ topic: topicName(lake.config, 'telemetry'), partition: 0, offset: 0 }]);
    await consumer.close();
    await lake.store.put('raw/telemetry/date=2025-04-01/manual-bad.parquet', Buffer.from('not parquet'));
    await produceReadings(lake, [reading('d-1', T0 + 3000)]);
    const warnings: string[] = [];
    const stats = await runLandingSink({ ...lake, untilEnd: true, onWarning: (w) => warnings.push(w) });
    expect(stats.read).toBe(1);
    expect(stats.resumedFrom).toContainEqual({
      topic: topicName(lake.config, 'telemetry'),
      partition: 0,
      lake: 3,
      committed: 0,
      offset: 3,
    });
    expect(warnings.join('\n')).toMatch(
      /1 file\(s\) under raw\/ do not follow the landing pattern.*manual-bad\.parquet/,
    );
    const keys: string[] = [];
    for await (const o of lake.store.list('raw/')) keys.push(o.key);
    expect(keys.sort()).toEqual([
      'raw/telemetry/date=2025-04-01/iot-telemetry-0-0-2.parquet',
      'raw/telemetry/date=2025-04-01/iot-telemetry-0-3-3.parquet',
      'raw/telemetry/date=2025-04-01/manual-bad.parquet',
    ]);
  });

  it('in live mode writes a partition after LAMBDA_IOT_LAND_FLUSH_SECONDS, without waiting for more rows', async () => {
    const lake = await embeddedLake({ LAMBDA_IOT_PARTITIONS: '1', LAMBDA_IOT_LAND_FLUSH_SECONDS: '1' });
    await produceReadings(lake, [reading('d-1', T0)]);
    const stop = new AbortController();
    const landed: string[] = [];
    const running = runLandingSink({ ...lake, signal: stop.signal, onFile: (f) => landed.push(f.key) });
    const deadline = Date.now() + 15_000;
    while (landed.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(landed).toEqual(['raw/telemetry/date=2025-04-01/iot-telemetry-0-0-0.parquet']);
    await produceReadings(lake, [reading('d-1', T0 + 1000)]);
    stop.abort();
    const stats = await running;
    expect(stats.stoppedBy).toBe('signal');
    expect(stats.telemetry.rows).toBe(2);
  });
});

const s3 = await s3ForTests();
const s3Available = requireService(
  'S3 (s3rver)',
  s3 !== undefined,
  'run npm install (s3rver is a devDependency) or set LAMBDA_IOT_TEST_S3_ENDPOINT',
);

describe.runIf(s3Available)('landing sink into S3 (s3rver)', () => {
  it('lands into a bucket and reads it back through the store', async () => {
    const config = loadConfig({
      LAMBDA_IOT_DATA_DIR: tempDataDir('landing-s3'),
      LAMBDA_IOT_STORE: 's3',
      LAMBDA_IOT_S3_ENDPOINT: s3!.endpoint,
      LAMBDA_IOT_S3_BUCKET: randomBucket('landing'),
    });
    const lake = trackLake({
      config,
      log: await openLog(config),
      store: await openObjectStore(config, { credentials: s3!.credentials }),
    });
    const readings = Array.from({ length: 30 }, (_, i) => reading(`d-${i % 3}`, T0 + i * 3_600_000));
    await produceReadings(lake, readings);
    const stats = await runLandingSink({ ...lake, untilEnd: true });
    expect(stats.telemetry.rows).toBe(30);
    const summary = await summarizeLake(lake.store, 'raw/');
    expect(summary.totals.rows).toBe(30);
    expect(summary.partitions.map((p) => p.prefix)).toEqual([
      'raw/telemetry/date=2025-04-01/',
      'raw/telemetry/date=2025-04-02/',
    ]);
    const rows = await rawRows(
      lake,
      'SELECT count(*) AS n, count(DISTINCT device_id) AS devices FROM raw_telemetry',
    );
    expect(rows).toEqual([{ n: 30, devices: 3 }]);
    expect(fs.readdirSync(`${config.dataDir}/tmp`)).toEqual([]);
  });
});
