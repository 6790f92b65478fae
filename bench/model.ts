import path from 'node:path';
import { buildDeviceDayModels } from '../src/batch/failureModel.js';
import { buildModelScores } from '../src/batch/modelScores.js';
import { loadConfig } from '../src/config/config.js';
import { openLakeReader } from '../src/lake/lakeReader.js';
import { makeModel } from '../src/model/artifact.js';
import { FEATURES, readDeviceDays } from '../src/model/dataset.js';
import { trainFailureModel } from '../src/model/train.js';
import { writeSimulatedLake } from '../src/pipeline/simulatedLake.js';
import { openObjectStore } from '../src/store/openObjectStore.js';

export interface ModelBench {
  readings: number;
  deviceDays: number;
  labelled: number;
  /** silver, gold_device_health, failure_features, gold_failure_predictions and failure_labels in DuckDB. */
  featureSeconds: number;
  /** Standardisation, one fit per penalty, selection, threshold. */
  trainSeconds: number;
  /** failure_model_scores built in DuckDB from the artifact (what every batch run does). */
  scoreSeconds: number;
}

/**
 * The failure model on the Gold bench's lake (100 devices × 70 days by default, data/bench/gold-…): building
 * its device-days, training, and scoring in SQL; device-days per second of each.
 */
export async function benchModel(devices = 100, days = 70): Promise<ModelBench> {
  const dir = path.resolve(process.env.LAMBDA_IOT_DATA_DIR ?? 'data', 'bench', `gold-${devices}x${days}`);
  const { readings } = await writeSimulatedLake({ dir, devices, days });
  const store = await openObjectStore(loadConfig({ LAMBDA_IOT_DATA_DIR: dir }));
  const lake = await openLakeReader(store, { dataDir: dir });
  try {
    const dates = lake.files.telemetry.map((f) => f.date).sort();
    const range = { from: dates[0]!, to: dates.at(-1)! };
    let t0 = performance.now();
    await buildDeviceDayModels(lake.duck, { ...range, vibrationThreshold: 3, horizonDays: 3 });
    const rows = await readDeviceDays(lake.duck);
    const featureSeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const trained = trainFailureModel(rows, { featureNames: FEATURES, horizonDays: 3 });
    const trainSeconds = (performance.now() - t0) / 1000;
    const model = makeModel(trained, {
      lakeFingerprint: '0'.repeat(16),
      rawFiles: 0,
      from: range.from,
      to: range.to,
    });
    t0 = performance.now();
    await buildModelScores(lake.duck, { model, source: 'current', from: 'bench' });
    const scoreSeconds = (performance.now() - t0) / 1000;
    return {
      readings,
      deviceDays: rows.length,
      labelled: rows.filter((r) => r.label !== null).length,
      featureSeconds,
      trainSeconds,
      scoreSeconds,
    };
  } finally {
    lake.close();
    await store.close();
  }
}
