import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModelScores } from '../../src/batch/modelScores.js';
import { buildModel, MODELS, runModelTests } from '../../src/batch/models.js';
import { loadConfig } from '../../src/config/config.js';
import { type LakeReader, openLakeReader } from '../../src/lake/lakeReader.js';
import { readDefaultModel } from '../../src/model/artifact.js';
import { readDeviceDays } from '../../src/model/dataset.js';
import { modelScore } from '../../src/model/evaluate.js';
import { writeSimulatedLake } from '../../src/pipeline/simulatedLake.js';
import type { ObjectStore } from '../../src/store/objectStore.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { tempDataDir } from '../support/cli.js';

/** The plant: 8 devices × 14 days, a reading every 5 minutes (288 a day: baselines from day 2). */
const PARAMS = {
  from_date: '2025-04-01',
  to_date: '2025-04-14',
  vibration_threshold: 3,
  baseline_min_readings: 100,
  horizon_days: 3,
  risk_score_source: 'reference',
  model_threshold: 0.5,
};
const D = '2025-04-08';

let store: ObjectStore;
let lake: LakeReader;

async function buildAll(): Promise<void> {
  for (const model of [...MODELS, 'failure_labels'] as const) {
    await buildModel(lake.duck, model, PARAMS);
    if (model === 'failure_features')
      await buildModelScores(lake.duck, { model: readDefaultModel(), source: 'default', from: 'default' });
  }
}

const featuresUpTo = (day: string) =>
  lake.query(`SELECT * FROM failure_features WHERE date <= CAST($1 AS DATE) ORDER BY device_id, date`, [day]);

beforeAll(async () => {
  const dir = tempDataDir('model-features');
  await writeSimulatedLake({ dir, devices: 8, days: 14, seed: 11, cadenceMs: 5 * 60_000 });
  store = await openObjectStore(loadConfig({ LAMBDA_IOT_DATA_DIR: dir }));
  lake = await openLakeReader(store, { dataDir: dir });
  await buildAll();
  await lake.duck.run('CREATE TEMP TABLE original_telemetry AS SELECT * FROM raw_telemetry');
  await lake.duck.run('CREATE TEMP TABLE original_events AS SELECT * FROM raw_events');
}, 120_000);

afterAll(async () => {
  lake?.close();
  await store?.close();
});

describe('failure_features and failure_labels (sql/duckdb)', () => {
  it('the tests beside both models find nothing; labels are positive, negative and, for the last H days, absent', async () => {
    expect(await runModelTests(lake.duck, undefined, ['failure_features', 'failure_labels'])).toEqual([]);
    const [counts] = await lake.query<{
      positive: number;
      negative: number;
      unlabelled: number;
      last: string;
    }>(
      `SELECT count_if(label) AS positive, count_if(NOT label) AS negative, count_if(label IS NULL) AS unlabelled,
              CAST(min(date) FILTER (WHERE NOT labelled) AS VARCHAR) AS last
       FROM failure_labels`,
    );
    expect(counts!.positive).toBeGreaterThan(0);
    expect(counts!.negative).toBeGreaterThan(0);
    // The data ends on 04-14: 04-11 + 3 is labelled, 04-12 is the first day whose horizon passes the data.
    expect(counts!.last).toBe('2025-04-12');
  });

  it('leakage: changing or deleting every reading and event after D leaves the features of D and earlier unchanged', async () => {
    const before = await featuresUpTo(D);
    expect(before.length).toBeGreaterThan(8 * 7);
    const labelsBefore = await lake.query(`SELECT * FROM failure_labels ORDER BY device_id, date`);
    const later = () =>
      lake.query(`SELECT * FROM failure_features WHERE date > CAST($1 AS DATE) ORDER BY ALL`, [D]);
    const laterBefore = await later();
    // Views take no parameters: the first instant after D as a literal.
    const after = `TIMESTAMPTZ '2025-04-09 00:00:00+00'`;
    try {
      // Changed: hotter, shakier, hungrier readings and an extra failure for every event after D.
      await lake.duck.run(
        `CREATE OR REPLACE TEMP VIEW raw_telemetry AS
         SELECT * REPLACE (
           CASE WHEN timestamp >= ${after} THEN temperature + 30 ELSE temperature END AS temperature,
           CASE WHEN timestamp >= ${after} THEN vibration * 4 ELSE vibration END AS vibration,
           CASE WHEN timestamp >= ${after} THEN energy_usage * 3 ELSE energy_usage END AS energy_usage)
         FROM original_telemetry`,
      );
      await lake.duck.run(
        `CREATE OR REPLACE TEMP VIEW raw_events AS
         SELECT * FROM original_events
         UNION ALL
         SELECT * REPLACE ('failure' AS event_type, event_timestamp + INTERVAL 1 MINUTE AS event_timestamp)
         FROM original_events WHERE event_timestamp >= ${after}`,
      );
      await buildAll();
      expect(await featuresUpTo(D)).toEqual(before);
      // The later features and the labels do see the change (else this test could not tell).
      expect(await later()).not.toEqual(laterBefore);
      // The labels do see the future (else this test could not tell): the extra failures change some.
      expect(await lake.query(`SELECT * FROM failure_labels ORDER BY device_id, date`)).not.toEqual(
        labelsBefore,
      );
      // Deleted: nothing after D.
      await lake.duck.run(
        `CREATE OR REPLACE TEMP VIEW raw_telemetry AS SELECT * FROM original_telemetry WHERE timestamp < ${after}`,
      );
      await lake.duck.run(
        `CREATE OR REPLACE TEMP VIEW raw_events AS SELECT * FROM original_events WHERE event_timestamp < ${after}`,
      );
      await buildAll();
      expect(await featuresUpTo(D)).toEqual(before);
    } finally {
      await lake.duck.run('CREATE OR REPLACE TEMP VIEW raw_telemetry AS SELECT * FROM original_telemetry');
      await lake.duck.run('CREATE OR REPLACE TEMP VIEW raw_events AS SELECT * FROM original_events');
    }
  }, 120_000);

  it('the scoring SQL gives the probabilities the model gives in TypeScript (4 dp)', async () => {
    const model = readDefaultModel();
    const rows = await readDeviceDays(lake.duck, model.features);
    const sql = await lake.query<{
      device_id: string;
      day: string;
      model_risk_score: number;
      model_id: string;
    }>(
      `SELECT device_id, CAST(prediction_date AS VARCHAR) AS day, model_risk_score, model_id
       FROM failure_model_scores ORDER BY prediction_date, device_id`,
    );
    expect(sql.map((r) => `${r.device_id} ${r.day}`)).toEqual(rows.map((r) => `${r.device_id} ${r.day}`));
    for (let i = 0; i < rows.length; i++) {
      expect(Math.abs(sql[i]!.model_risk_score - modelScore(model, rows[i]!))).toBeLessThanOrEqual(5e-5);
      expect(sql[i]!.model_id).toBe(model.id);
    }
  });
});
