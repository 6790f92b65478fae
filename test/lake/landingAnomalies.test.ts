import { parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { GROUPS, topicName } from '../../src/config/names.js';
import { storeAsyncBuffer, summarizeLake } from '../../src/lake/lakeSummary.js';
import { runLandingSink } from '../../src/lake/landingSink.js';
import { closeLakesAfterEach, DAY, embeddedLake, type Lake, rawRows, T0 } from './landingFixtures.js';

closeLakesAfterEach();

const anomaly = (device: string, ms: number, type = 'high_temperature', confirmed = false) => ({
  device_id: device,
  timestamp: new Date(ms).toISOString().replace('.000Z', 'Z'),
  anomaly_type: type,
  severity: 'high',
  description: `${type} on ${device}`,
  is_confirmed: confirmed,
  confirmed_by: confirmed ? 'system' : null,
});

async function produceAnomalies(lake: Lake, anomalies: object[]): Promise<void> {
  await lake.log.produce(
    topicName(lake.config, 'anomalies'),
    anomalies.map((a) => ({
      key: (a as { device_id: string }).device_id,
      value: typeof a === 'string' ? a : JSON.stringify(a),
      timestamp: T0,
    })),
  );
}

const ANOMALY_COLUMNS = {
  device_id: 'VARCHAR',
  timestamp: 'TIMESTAMP WITH TIME ZONE',
  anomaly_type: 'VARCHAR',
  severity: 'VARCHAR',
  description: 'VARCHAR',
  is_confirmed: 'BOOLEAN',
  confirmed_by: 'VARCHAR',
  source_partition: 'INTEGER',
  source_offset: 'BIGINT',
  source_file: 'VARCHAR',
};

describe('landing anomalies (embedded log, local store)', () => {
  it('lands each anomaly once, by its event date, with typed columns every reader agrees on', async () => {
    const lake = await embeddedLake({ LAMBDA_IOT_PARTITIONS: '1' });
    // Before anything landed the view exists, empty, with the landing columns.
    const describeSql = 'SELECT column_name, column_type FROM (DESCRIBE raw_anomalies)';
    const empty = await rawRows(lake, describeSql);
    expect(Object.fromEntries(empty.map((t) => [t.column_name, t.column_type]))).toEqual(ANOMALY_COLUMNS);
    expect(await rawRows(lake, 'SELECT count(*) AS n FROM raw_anomalies')).toEqual([{ n: 0 }]);

    await produceAnomalies(lake, [
      anomaly('press-1', T0, 'high_temperature', true),
      anomaly('press-1', T0, 'high_vibration'), // same instant, another type: its own row
      anomaly('press-1', T0 + DAY),
    ]);
    const files: string[] = [];
    const stats = await runLandingSink({ ...lake, untilEnd: true, onFile: (f) => files.push(f.key) });
    expect(stats).toMatchObject({ read: 3, deadLettered: 0, anomalies: { files: 2, rows: 3 } });
    expect(stats.telemetry.rows + stats.events.rows).toBe(0);
    expect(files).toEqual([
      'raw/anomalies/date=2025-04-01/iot-anomalies-0-0-1.parquet',
      'raw/anomalies/date=2025-04-02/iot-anomalies-0-2-2.parquet',
    ]);

    const types = await rawRows(lake, describeSql);
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.column_type]))).toEqual(ANOMALY_COLUMNS);
    const rows = await rawRows(
      lake,
      `SELECT device_id, strftime("timestamp", '%Y-%m-%dT%H:%M:%SZ') AS ts, anomaly_type, severity, description,
              is_confirmed, confirmed_by, source_partition, source_offset
       FROM raw_anomalies ORDER BY source_offset`,
    );
    expect(rows).toEqual([
      {
        device_id: 'press-1',
        ts: '2025-04-01T10:00:00Z',
        anomaly_type: 'high_temperature',
        severity: 'high',
        description: 'high_temperature on press-1',
        is_confirmed: true,
        confirmed_by: 'system',
        source_partition: 0,
        source_offset: 0,
      },
      expect.objectContaining({ anomaly_type: 'high_vibration', is_confirmed: false, confirmed_by: null }),
      expect.objectContaining({ ts: '2025-04-02T10:00:00Z', source_offset: 2 }),
    ]);

    const head = (await lake.store.head(files[0]!))!;
    const buffer = storeAsyncBuffer(lake.store, head);
    const leaves = Object.fromEntries(
      parquetSchema(await parquetMetadataAsync(buffer)).children.map((c) => [c.element.name, c.element]),
    );
    expect(leaves.timestamp).toMatchObject({
      type: 'INT64',
      logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
    });
    expect(leaves.is_confirmed).toMatchObject({ type: 'BOOLEAN' });
    expect(leaves.confirmed_by).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8' });
    const objects = await parquetReadObjects({ file: buffer });
    expect(objects.map((o) => [o.is_confirmed, o.confirmed_by])).toEqual([
      [true, 'system'],
      [false, null],
    ]);

    const committed = await lake.log.committedOffsets(GROUPS.landing, topicName(lake.config, 'anomalies'));
    expect([...committed.values()]).toEqual([3]);
    expect((await runLandingSink({ ...lake, untilEnd: true })).read).toBe(0);
    const summary = await summarizeLake(lake.store, 'raw/anomalies/');
    expect(summary.totals).toMatchObject({ objects: 2, rows: 3 });
  });

  it('dead-letters an invalid anomaly with the reason and lands the rest', async () => {
    const lake = await embeddedLake({ LAMBDA_IOT_PARTITIONS: '1' });
    await produceAnomalies(lake, [
      anomaly('d-1', T0),
      { ...anomaly('d-1', T0 + 1000), severity: 'urgent' },
      { ...anomaly('d-1', T0 + 2000), is_confirmed: 'yes' },
      anomaly('d-1', T0 + 3000),
    ]);
    const stats = await runLandingSink({ ...lake, untilEnd: true });
    expect(stats).toMatchObject({ read: 4, deadLettered: 2, anomalies: { files: 1, rows: 2 } });
    const dlq = await lake.log.consumer({
      topics: [topicName(lake.config, 'deadLetter')],
      fromBeginning: true,
    });
    const letters = (await dlq.poll({ maxWaitMs: 2000 })).map((r) => JSON.parse(r.value.toString()));
    await dlq.close();
    expect(letters.map((l) => [l.source.topic, l.source.offset, l.consumer])).toEqual([
      [topicName(lake.config, 'anomalies'), 1, GROUPS.landing],
      [topicName(lake.config, 'anomalies'), 2, GROUPS.landing],
    ]);
    expect(letters[0].reason).toMatch(/^severity: /);
    expect(letters[1].reason).toMatch(/^is_confirmed: /);
    const rows = await rawRows(lake, 'SELECT source_offset FROM raw_anomalies ORDER BY 1');
    expect(rows).toEqual([{ source_offset: 0 }, { source_offset: 3 }]);
    expect((await runLandingSink({ ...lake, untilEnd: true })).read).toBe(0);
  });
});
