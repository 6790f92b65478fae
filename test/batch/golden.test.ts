import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/batch/models.js';
import { runBatch } from '../../src/batch/runBatch.js';
import { EmbeddedCatalog } from '../../src/catalog/embeddedCatalog.js';
import { MAIN_BRANCH } from '../../src/catalog/port.js';
import { readTable } from '../../src/catalog/tableOps.js';
import { loadConfig } from '../../src/config/config.js';
import { type DuckSession, openDuckSession, sqlString } from '../../src/duckdb/duckSession.js';
import { openLakeReader } from '../../src/lake/lakeReader.js';
import type { ObjectStore } from '../../src/store/objectStore.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { tempDataDir } from '../support/cli.js';

/**
 * A hand-made lake with hand-computed Gold values (see the comments): three devices over 2025-04-01..03.
 *   A: readings on 04-01 (two) and 04-02; none on 04-03 (down) but a motor failure then; maintained 03-30.
 *   B: readings on 04-02 and 04-03 (one of them far out of the health formula's range: clipped to 0);
 *      three failures on 04-02 (bearing, sensor, bearing); never maintained before 04-03, maintained on 04-03.
 *   C: six vibration anomalies on 04-02 with a low score (priority P2); maintained on 04-01.
 */
const READINGS = [
  // device, timestamp, energy, temperature, vibration, signal
  ['A', '2025-04-01 10:00:00', 1.0, 20.0, 1.0, 80],
  ['A', '2025-04-01 11:00:00', 2.0, 25.0, 4.0, 90],
  ['A', '2025-04-02 10:00:00', 3.0, 30.0, 6.0, 100],
  ['B', '2025-04-02 12:00:00', 4.0, 35.0, 0.5, 50],
  ['B', '2025-04-03 12:00:00', 1.0, 10.0, 2.0, 70],
  ['B', '2025-04-03 13:00:00', 0.5, 60.0, 20.0, 0],
  ...[0, 1, 2, 3, 4, 5].map((i) => ['C', `2025-04-02 0${i}:00:00`, 0.0, 0.0, 4.0, 100]),
] as const;

const EVENTS = [
  // device, timestamp, type, component
  ['A', '2025-03-30 08:00:00', 'maintenance', null],
  ['A', '2025-04-03 09:00:00', 'failure', 'motor'],
  ['B', '2025-04-02 01:00:00', 'failure', 'bearing'],
  ['B', '2025-04-02 02:00:00', 'failure', 'sensor'],
  ['B', '2025-04-02 03:00:00', 'failure', 'bearing'],
  ['B', '2025-04-03 08:00:00', 'maintenance', null],
  ['C', '2025-04-01 08:00:00', 'maintenance', null],
] as const;

async function writeRawFiles(duck: DuckSession, store: ObjectStore): Promise<void> {
  const root = (key: string) => path.join(new URL(store.uri(key)).pathname);
  const telemetry = READINGS.map(
    ([d, ts, e, t, v, s]) =>
      `('${d}', TIMESTAMPTZ '${ts}+00', ${e}::DOUBLE, ${t}::DOUBLE, ${v}::DOUBLE, ${s}::DOUBLE)`,
  ).join(', ');
  await duck.run(
    `CREATE TABLE t AS SELECT * FROM (VALUES ${telemetry}) v(device_id, "timestamp", energy_usage, temperature, vibration, signal_strength)`,
  );
  const events = EVENTS.map(
    ([d, ts, type, component]) =>
      `('${d}', TIMESTAMPTZ '${ts}+00', '${type}', 'high', ${type === 'failure' ? "'ERR1001'" : 'NULL'}, ${component ? `'${component}'` : 'NULL'}, ${type === 'failure' ? "'wear'" : 'NULL'}, ${type === 'maintenance' ? "'tech'" : 'NULL'}, ${type === 'maintenance' ? '60' : 'NULL'}, ${type === 'maintenance' ? "'none'" : 'NULL'})`,
  ).join(', ');
  await duck.run(
    `CREATE TABLE e AS SELECT * FROM (VALUES ${events}) v(device_id, event_timestamp, event_type, severity, error_code, component, root_cause, technician, duration_min, parts_replaced)`,
  );
  const { mkdirSync } = await import('node:fs');
  for (const date of ['2025-04-01', '2025-04-02', '2025-04-03']) {
    const key = `raw/telemetry/date=${date}/golden.parquet`;
    mkdirSync(path.dirname(root(key)), { recursive: true });
    await duck.run(
      `COPY (SELECT * FROM t WHERE CAST("timestamp" AS DATE) = DATE '${date}') TO ${sqlString(root(key))} (FORMAT PARQUET)`,
    );
  }
  for (const date of ['2025-03-30', '2025-04-01', '2025-04-02', '2025-04-03']) {
    const key = `raw/events/date=${date}/golden.parquet`;
    mkdirSync(path.dirname(root(key)), { recursive: true });
    await duck.run(
      `COPY (SELECT * FROM e WHERE CAST(event_timestamp AS DATE) = DATE '${date}') TO ${sqlString(root(key))} (FORMAT PARQUET)`,
    );
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function goldenLake() {
  const dataDir = tempDataDir('golden');
  const config = loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir });
  const store = await openObjectStore(config);
  const duck = await openDuckSession();
  await writeRawFiles(duck, store);
  const catalog = new EmbeddedCatalog({ file: path.join(dataDir, 'catalog', 'catalog.sqlite'), store });
  const ctx = { duck, store, tmpDir: path.join(dataDir, 'tmp') };
  cleanups.push(async () => {
    duck.close();
    await catalog.close();
    await store.close();
  });
  return { config, store, catalog, ctx };
}

describe('batch Gold on a hand-made lake (golden values)', () => {
  it('computes every Gold column as hand-computed, including the edge cases', async () => {
    const { config, store, catalog, ctx } = await goldenLake();
    const result = await runBatch({ config, store, catalog });
    expect(result.audits.filter((a) => !a.passed)).toEqual([]);
    expect(result).toMatchObject({ published: true, range: { from: '2025-04-01', to: '2025-04-03' } });

    const health = await readTable(catalog, ctx, MAIN_BRANCH, 'iot.gold_device_health', {
      orderBy: ['device_id', 'date'],
    });
    const H = (device_id: string, date: string, rest: Record<string, unknown>) => ({
      device_id,
      date,
      ...rest,
    });
    expect(health).toEqual([
      // composite: 0.4(1 − t/30) + 0.3(1 − v/5) + 0.3·s/100 → A 04-01: 0.613 → 0.61 and 0.397 → 0.40
      H('A', '2025-04-01', {
        avg_energy: 1.5,
        max_temp: 25,
        min_health_score: 0.4,
        vibration_anomalies: 1,
        temp_anomalies: 0,
        avg_signal_strength: 85,
        failures_count: 0,
        failed_components: [],
        days_since_maintenance: 2,
      }),
      H('A', '2025-04-02', {
        avg_energy: 3,
        max_temp: 30,
        min_health_score: 0.24,
        vibration_anomalies: 1,
        temp_anomalies: 0,
        avg_signal_strength: 100,
        failures_count: 0,
        failed_components: [],
        days_since_maintenance: 3,
      }),
      // no A row on 04-03: no telemetry that day (its failure still counts for prediction quality)
      H('B', '2025-04-02', {
        avg_energy: 4,
        max_temp: 35,
        min_health_score: 0.35,
        vibration_anomalies: 0,
        temp_anomalies: 0,
        avg_signal_strength: 50,
        failures_count: 3,
        failed_components: ['bearing', 'sensor'],
        days_since_maintenance: 999,
      }),
      // 60 °C, 20 mm/s², 0 % → −1.3, clipped to 0; maintained that day → 0
      H('B', '2025-04-03', {
        avg_energy: 0.75,
        max_temp: 60,
        min_health_score: 0,
        vibration_anomalies: 1,
        temp_anomalies: 0,
        avg_signal_strength: 35,
        failures_count: 0,
        failed_components: [],
        days_since_maintenance: 0,
      }),
      H('C', '2025-04-02', {
        avg_energy: 0,
        max_temp: 0,
        min_health_score: 0.76,
        vibration_anomalies: 6,
        temp_anomalies: 0,
        avg_signal_strength: 100,
        failures_count: 0,
        failed_components: [],
        days_since_maintenance: 1,
      }),
    ]);

    const predictions = await readTable(catalog, ctx, MAIN_BRANCH, 'iot.gold_failure_predictions', {
      orderBy: ['device_id', 'prediction_date'],
    });
    const P = (device_id: string, prediction_date: string, rest: Record<string, unknown>) => ({
      device_id,
      prediction_date,
      ...rest,
    });
    expect(predictions).toEqual([
      // 0.3·1/10 + 0.4·25/30 + 0.2·(1 − 0.40) + 0.1·2/5 = 0.523
      P('A', '2025-04-01', {
        anomalies_7d: 1,
        avg_temp_7d: 22.5,
        peak_energy_7d: 2,
        worst_health_score_7d: 0.4,
        anomalies_24h: 1,
        peak_temp_24h: 25,
        failure_risk_score: 0.52,
        recommended_action: 'schedule_maintenance',
      }),
      // 0.03 + 0.4 + 0.2·0.76 + 0.1·3/5 = 0.642
      P('A', '2025-04-02', {
        anomalies_7d: 2,
        avg_temp_7d: 25,
        peak_energy_7d: 3,
        worst_health_score_7d: 0.24,
        anomalies_24h: 1,
        peak_temp_24h: 30,
        failure_risk_score: 0.64,
        recommended_action: 'emergency_maintenance',
      }),
      // no telemetry that day: the 24 h terms count 0 → 0.152 + 0.06 = 0.212
      P('A', '2025-04-03', {
        anomalies_7d: 2,
        avg_temp_7d: 25,
        peak_energy_7d: 3,
        worst_health_score_7d: 0.24,
        anomalies_24h: 0,
        peak_temp_24h: null,
        failure_risk_score: 0.21,
        recommended_action: 'monitor_only',
      }),
      // 0 + 0.4·35/30 + 0.2·0.65 + 0.1·4/5 = 0.677
      P('B', '2025-04-02', {
        anomalies_7d: 0,
        avg_temp_7d: 35,
        peak_energy_7d: 4,
        worst_health_score_7d: 0.35,
        anomalies_24h: 0,
        peak_temp_24h: 35,
        failure_risk_score: 0.68,
        recommended_action: 'emergency_maintenance',
      }),
      // 0.03 + 0.8 + 0.2 + 0.08 = 1.11, clipped to 1
      P('B', '2025-04-03', {
        anomalies_7d: 1,
        avg_temp_7d: 35,
        peak_energy_7d: 4,
        worst_health_score_7d: 0,
        anomalies_24h: 1,
        peak_temp_24h: 60,
        failure_risk_score: 1,
        recommended_action: 'immediate_shutdown',
      }),
      // 0.3·6/10 + 0 + 0.2·0.24 + 0 = 0.228
      P('C', '2025-04-02', {
        anomalies_7d: 6,
        avg_temp_7d: 0,
        peak_energy_7d: 0,
        worst_health_score_7d: 0.76,
        anomalies_24h: 6,
        peak_temp_24h: 0,
        failure_risk_score: 0.23,
        recommended_action: 'monitor_only',
      }),
      P('C', '2025-04-03', {
        anomalies_7d: 6,
        avg_temp_7d: 0,
        peak_energy_7d: 0,
        worst_health_score_7d: 0.76,
        anomalies_24h: 0,
        peak_temp_24h: null,
        failure_risk_score: 0.05,
        recommended_action: 'monitor_only',
      }),
    ]);

    const schedule = await readTable(catalog, ctx, MAIN_BRANCH, 'iot.gold_maintenance_schedule', {
      orderBy: ['device_id', 'date'],
    });
    const S = (
      device_id: string,
      date: string,
      priority: string,
      window: string,
      estimated_cost: number,
      failure_risk_score: number,
    ) => ({
      device_id,
      date,
      priority,
      window,
      estimated_cost,
      failure_risk_score,
    });
    expect(schedule).toEqual([
      S('A', '2025-04-01', 'P3', 'next_routine_cycle', 500, 0.52),
      S('A', '2025-04-02', 'P3', 'next_routine_cycle', 500, 0.64),
      S('A', '2025-04-03', 'P3', 'next_routine_cycle', 500, 0.21), // no health row: 4 days since maintenance, 0 anomalies
      S('B', '2025-04-02', 'P1', 'within_3_days', 2000, 0.68), // never maintained: 999 > 90
      S('B', '2025-04-03', 'P0', 'within_4_hours', 5000, 1),
      S('C', '2025-04-02', 'P2', 'next_routine_cycle', 500, 0.23), // 6 vibration anomalies
      S('C', '2025-04-03', 'P3', 'next_routine_cycle', 500, 0.05),
    ]);

    // silver_events: days since the same device's previous event, never across devices.
    const lake = await openLakeReader(store, { dataDir: config.dataDir });
    await buildModel(lake.duck, 'silver_events', { to_date: '2025-04-03' });
    const gaps = await lake.query(
      'SELECT device_id, CAST(event_date AS VARCHAR) AS day, days_since_last_event AS gap FROM silver_events ORDER BY device_id, event_timestamp',
    );
    lake.close();
    expect(gaps.map((g) => [g.device_id, g.day, g.gap])).toEqual([
      ['A', '2025-03-30', null],
      ['A', '2025-04-03', 4],
      ['B', '2025-04-02', null],
      ['B', '2025-04-02', 0],
      ['B', '2025-04-02', 0],
      ['B', '2025-04-03', 1],
      ['C', '2025-04-01', null],
    ]);

    // Twice: nothing new, nothing published, identical tables.
    const again = await runBatch({ config, store, catalog });
    expect(again.range).toBeNull();
    expect(again.reason).toMatch(/nothing new/);
    expect(
      await readTable(catalog, ctx, MAIN_BRANCH, 'iot.gold_device_health', {
        orderBy: ['device_id', 'date'],
      }),
    ).toEqual(health);
    // A full rebuild overwrites the same days: same rows, no duplicates.
    const full = await runBatch({ config, store, catalog, full: true });
    expect(full.published).toBe(true);
    expect(
      await readTable(catalog, ctx, MAIN_BRANCH, 'iot.gold_device_health', {
        orderBy: ['device_id', 'date'],
      }),
    ).toEqual(health);
  });

  it('a run over given dates keeps the watermark; a rebuilt day that yields nothing loses its old rows', async () => {
    const { config, store, catalog, ctx } = await goldenLake();
    expect((await runBatch({ config, store, catalog })).published).toBe(true);
    // New readings for 04-03 arrive; an operator first rebuilds only 04-01.
    const late = path.join(new URL(store.uri('raw/telemetry/date=2025-04-03/late.parquet')).pathname);
    await ctx.duck.run(
      `COPY (SELECT 'A' AS device_id, TIMESTAMPTZ '2025-04-03 06:00:00+00' AS "timestamp", 1.0 AS energy_usage, 20.0 AS temperature,
             1.0 AS vibration, 80.0 AS signal_strength) TO ${sqlString(late)} (FORMAT PARQUET)`,
    );
    const partial = await runBatch({ config, store, catalog, from: '2025-04-01', to: '2025-04-01' });
    expect(partial).toMatchObject({ published: true, range: { from: '2025-04-01', to: '2025-04-01' } });
    // The default run still sees the new file: the partial run did not claim it.
    const next = await runBatch({ config, store, catalog });
    expect(next.range).toEqual({ from: '2025-04-03', to: '2025-04-03' });
    const health = () =>
      readTable(catalog, ctx, MAIN_BRANCH, 'iot.gold_device_health', { orderBy: ['device_id', 'date'] });
    expect((await health()).filter((r) => r.date === '2025-04-03').map((r) => r.device_id)).toEqual([
      'A',
      'B',
    ]);
    // Both 04-03 files disappear from the lake (say, re-landed elsewhere): rebuilding 04-03 removes its rows.
    await store.delete('raw/telemetry/date=2025-04-03/late.parquet');
    await store.delete('raw/telemetry/date=2025-04-03/golden.parquet');
    const emptied = await runBatch({ config, store, catalog, from: '2025-04-03', to: '2025-04-03' });
    expect(emptied.audits.filter((a) => !a.passed).map((a) => a.name)).toEqual([]);
    expect((await health()).filter((r) => r.date === '2025-04-03')).toEqual([]);
  });
});
