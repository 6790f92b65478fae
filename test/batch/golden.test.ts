import { afterEach, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/batch/models.js';
import { RUN_SUMMARY, runBatch } from '../../src/batch/runBatch.js';
import { MAIN_BRANCH } from '../../src/catalog/port.js';
import { readTable } from '../../src/catalog/tableOps.js';
import { sqlString } from '../../src/duckdb/duckSession.js';
import { listRawFiles, openLakeReader } from '../../src/lake/lakeReader.js';
import { recordLostRange } from '../../src/lake/landingGaps.js';
import { modelId, saveModel } from '../../src/model/artifact.js';
import {
  expectedRows,
  FIXTURE_MODEL,
  GOLD_ORDER,
  type GoldenCase,
  type GoldenLake,
  goldenCases,
  landGoldenCase,
} from './goldenCases.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function land(c: GoldenCase): Promise<GoldenLake> {
  const lake = await landGoldenCase(c);
  cleanups.push(() => lake.close());
  return lake;
}

const goldRows = (lake: GoldenLake, table: string, orderBy: string[]) =>
  readTable(lake.catalog, lake.ctx, MAIN_BRANCH, table, { orderBy });

const CASES = goldenCases();
const threeDevices = CASES.find((c) => c.name === 'three-devices')!;

describe('batch Gold on golden cases (test/batch/fixtures/<case>/)', () => {
  it('finds the cases, each with its input and the expected rows of every Gold table', () => {
    expect(CASES.map((c) => c.name)).toEqual(
      expect.arrayContaining(['three-devices', 'baseline-floor', 'silent-on-date', 'silent-window']),
    );
    for (const c of CASES)
      for (const g of GOLD_ORDER) expect(expectedRows(c, g.model).length).toBeGreaterThan(0);
  });

  for (const c of CASES) {
    it(`${c.name}: ${c.description}`, async () => {
      const lake = await land(c);
      const { config, store, catalog } = lake;
      const result = await runBatch({ config, store, catalog });
      expect(result.audits.filter((a) => !a.passed)).toEqual([]);
      expect(result.published).toBe(true);
      if (c.range) expect(result.range).toEqual(c.range);
      const published: Record<string, unknown[]> = {};
      for (const g of GOLD_ORDER) {
        published[g.table] = await goldRows(lake, g.table, g.orderBy);
        expect(published[g.table], g.model).toEqual(expectedRows(c, g.model));
      }
      // Twice: nothing new, nothing published, identical tables.
      const again = await runBatch({ config, store, catalog });
      expect(again.range).toBeNull();
      expect(again.reason).toMatch(/nothing new/);
      // A full rebuild overwrites the same days: same rows, no duplicates.
      expect((await runBatch({ config, store, catalog, full: true })).published).toBe(true);
      for (const g of GOLD_ORDER)
        expect(await goldRows(lake, g.table, g.orderBy), g.model).toEqual(published[g.table]);
    }, 60_000);
  }

  it("three-devices: silver_events counts days since the same device's previous event, never across devices", async () => {
    const { store, config } = await land(threeDevices);
    const lake = await openLakeReader(store, { dataDir: config.dataDir });
    try {
      await buildModel(lake.duck, 'silver_events', { to_date: '2025-04-03' });
      const gaps = await lake.query(
        'SELECT device_id, CAST(event_date AS VARCHAR) AS day, days_since_last_event AS gap FROM silver_events ORDER BY device_id, event_timestamp',
      );
      expect(gaps.map((g) => [g.device_id, g.day, g.gap])).toEqual([
        ['A', '2025-03-30', null],
        ['A', '2025-04-03', 4],
        ['B', '2025-04-02', null],
        ['B', '2025-04-02', 0],
        ['B', '2025-04-02', 0],
        ['B', '2025-04-03', 1],
        ['C', '2025-04-01', null],
      ]);
    } finally {
      lake.close();
    }
  });

  it('a run over given dates keeps the watermark; a rebuilt day that yields nothing loses its old rows', async () => {
    const lake = await land(threeDevices);
    const { config, store, catalog, ctx } = lake;
    expect((await runBatch({ config, store, catalog })).published).toBe(true);
    // New readings for 04-03 arrive; an operator first rebuilds only 04-01.
    const late = new URL(store.uri('raw/telemetry/date=2025-04-03/late.parquet')).pathname;
    await ctx.duck.run(
      `COPY (SELECT 'A' AS device_id, TIMESTAMPTZ '2025-04-03 06:00:00+00' AS "timestamp", 1.0 AS energy_usage, 20.0 AS temperature,
             1.0 AS vibration, 80.0 AS signal_strength) TO ${sqlString(late)} (FORMAT PARQUET)`,
    );
    const partial = await runBatch({ config, store, catalog, from: '2025-04-01', to: '2025-04-01' });
    expect(partial).toMatchObject({ published: true, range: { from: '2025-04-01', to: '2025-04-01' } });
    // The default run still sees the new file: the partial run did not claim it.
    const next = await runBatch({ config, store, catalog });
    expect(next.range).toEqual({ from: '2025-04-03', to: '2025-04-03' });
    const health = () => goldRows(lake, 'iot.gold_device_health', ['device_id', 'date']);
    expect((await health()).filter((r) => r.date === '2025-04-03').map((r) => r.device_id)).toEqual([
      'A',
      'B',
    ]);
    // Every 04-03 file disappears from the lake (say, re-landed elsewhere): rebuilding 04-03 removes its rows.
    const day = await listRawFiles(store, 'telemetry', { from: '2025-04-03', to: '2025-04-03' });
    expect(day.length).toBeGreaterThanOrEqual(2);
    for (const f of day) await store.delete(f.key);
    // Landed offsets gone without a record are a gap the publish refuses; recorded as lost, they are accepted.
    const refused = await runBatch({ config, store, catalog, from: '2025-04-03', to: '2025-04-03' });
    expect(refused.audits.filter((a) => !a.passed).map((a) => a.name)).toEqual([
      'raw landed offsets contiguous',
    ]);
    for (const f of day.filter((d) => d.landed !== undefined)) {
      const { topic, partition, firstOffset, lastOffset } = f.landed!;
      await recordLostRange(store, { topic, partition, firstOffset, lastOffset }, 're-landed elsewhere');
    }
    const emptied = await runBatch({ config, store, catalog, from: '2025-04-03', to: '2025-04-03' });
    expect(emptied.audits.filter((a) => !a.passed).map((a) => a.name)).toEqual([]);
    expect((await health()).filter((r) => r.date === '2025-04-03')).toEqual([]);
  });

  it('three-devices: the failure model scores every row, its id is in the snapshot summary, LAMBDA_IOT_RISK_SCORE=model makes its score decide P0, a new current model rescores on --full', async () => {
    const lake = await land(threeDevices);
    const { config, store, catalog } = lake;
    const result = await runBatch({ config: { ...config, riskScore: 'model' }, store, catalog });
    expect(result.audits.filter((a) => !a.passed)).toEqual([]);
    expect(result.model).toMatchObject({ id: FIXTURE_MODEL.id, source: 'current', riskScore: 'model' });
    const summaryOf = async (table: string) => {
      const loaded = await catalog.loadTable(MAIN_BRANCH, table);
      return loaded.metadata.snapshots.find(
        (s) => s['snapshot-id'] === loaded.metadata['current-snapshot-id'],
      )!.summary;
    };
    expect((await summaryOf('iot.gold_failure_predictions'))[RUN_SUMMARY.modelId]).toBe(FIXTURE_MODEL.id);
    expect((await summaryOf('iot.gold_maintenance_schedule'))[RUN_SUMMARY.modelId]).toBe(FIXTURE_MODEL.id);
    expect((await summaryOf('iot.gold_device_health'))[RUN_SUMMARY.modelId]).toBeUndefined();
    const predictions = await goldRows(lake, 'iot.gold_failure_predictions', [
      'device_id',
      'prediction_date',
    ]);
    const schedule = await goldRows(lake, 'iot.gold_maintenance_schedule', ['device_id', 'date']);
    // P0 exactly above the fixture model's threshold (0.6): A 04-02 (0.8808) and B's days, not B 04-03 by its
    // reference score of 1 alone.
    const p0 = schedule.filter((r) => r.priority === 'P0').map((r) => `${r.device_id} ${r.date}`);
    expect(p0).toEqual(
      predictions
        .filter((p) => (p.model_risk_score as number) > FIXTURE_MODEL.threshold)
        .map((p) => `${p.device_id} ${p.prediction_date}`),
    );
    expect(p0).toContain('A 2025-04-02');
    expect(new Set(schedule.map((r) => r.risk_score_source))).toEqual(new Set(['model']));
    // A newly trained model becomes current: a full rebuild rescores every row with it.
    const next = { ...FIXTURE_MODEL, intercept: 0 };
    const renamed = { ...next, id: modelId(next) };
    await saveModel(store, renamed);
    expect((await runBatch({ config, store, catalog, full: true })).published).toBe(true);
    const rescored = await goldRows(lake, 'iot.gold_failure_predictions', ['device_id', 'prediction_date']);
    expect(new Set(rescored.map((r) => r.model_id))).toEqual(new Set([renamed.id]));
    expect(
      rescored.find((r) => r.device_id === 'A' && r.prediction_date === '2025-04-01')!.model_risk_score,
    ).toBe(
      0.6225, // σ(0.5)
    );
  });
});
