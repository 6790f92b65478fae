import { createHash } from 'node:crypto';
import type { DuckLimits, DuckSession } from '../duckdb/duckSession.js';
import { InvalidArgumentError } from '../errors.js';
import { openLakeReader } from '../lake/lakeReader.js';
import type { DataSnapshot, FailureModel } from '../model/artifact.js';
import { makeModel } from '../model/artifact.js';
import { type DeviceDay, FEATURES, readDeviceDays } from '../model/dataset.js';
import { type Comparison, compareScores } from '../model/evaluate.js';
import { type TrainOptions, trainFailureModel } from '../model/train.js';
import type { ObjectStore } from '../store/objectStore.js';
import { buildNoModelScores } from './modelScores.js';
import { BASELINE_MIN_READINGS, buildModel, MODELS } from './models.js';

/** Where the failure model's device-days come from: a data directory's lake. */
export interface ModelDataOptions {
  store: ObjectStore;
  dataDir: string;
  /** H of the labels (D, D+H]. Default 3. */
  horizonDays?: number;
  /** Keep the device-days dated in [from, to] (inclusive; default: all). */
  from?: string;
  to?: string;
  /** Default 3.0, as the batch run. */
  vibrationThreshold?: number;
  /** DuckDB's memory and spill limits (duckLimits(config)), as the batch run. Default: DuckDB's. */
  limits?: DuckLimits;
  /** The failure_features columns to read (default FEATURES; a model's own list when scoring). */
  features?: readonly string[];
  /** The SQL models' folder (default the kit's sql/duckdb). */
  sqlDir?: string;
  onStep?: (step: string, detail: string) => void;
}

/**
 * Builds in a session over a lake what the failure model's device-days are read from (readDeviceDays): the
 * batch's models but the schedule (silver, gold_device_health, failure_features, gold_failure_predictions)
 * and failure_labels over [from, to], as the batch run builds them; failure_model_scores is left empty (the
 * reference score is all the training data needs of gold_failure_predictions).
 */
export async function buildDeviceDayModels(
  duck: DuckSession,
  options: {
    from: string;
    to: string;
    /** Default 3.0, as the batch run. */
    vibrationThreshold?: number;
    /** H of the labels (D, D+H]. Default 3. */
    horizonDays?: number;
    sqlDir?: string;
  },
  step: (step: string, detail: string) => void = () => {},
): Promise<void> {
  const params = {
    from_date: options.from,
    to_date: options.to,
    vibration_threshold: options.vibrationThreshold ?? 3.0,
    baseline_min_readings: BASELINE_MIN_READINGS,
    horizon_days: options.horizonDays ?? 3,
  };
  for (const model of [
    ...MODELS.filter((m) => m !== 'gold_maintenance_schedule'),
    'failure_labels',
  ] as const) {
    step('model', model);
    await buildModel(duck, model, params, options.sqlDir);
    if (model === 'failure_features') await buildNoModelScores(duck);
  }
}

/**
 * Every device-day of the lake with its features, label and reference score: the batch's models
 * (silver, gold_device_health, failure_features, gold_failure_predictions) and failure_labels built over
 * all of the lake's dates in a DuckDB session, as the batch run builds them. Also the data's fingerprint.
 */
export async function readModelData(
  options: ModelDataOptions,
): Promise<{ rows: DeviceDay[]; snapshot: DataSnapshot }> {
  const step = options.onStep ?? (() => {});
  const lake = await openLakeReader(options.store, { dataDir: options.dataDir, limits: options.limits });
  try {
    const dates = lake.files.telemetry.map((f) => f.date).sort();
    if (dates.length === 0)
      throw new InvalidArgumentError(
        `model data: no telemetry in the lake (${options.store.describe()}); simulate and land a plant first (lambda-iot run)`,
      );
    const from = dates[0]!;
    const to = dates[dates.length - 1]!;
    await buildDeviceDayModels(
      lake.duck,
      {
        from,
        to,
        vibrationThreshold: options.vibrationThreshold,
        horizonDays: options.horizonDays,
        sqlDir: options.sqlDir,
      },
      step,
    );
    const rows = (await readDeviceDays(lake.duck, options.features)).filter(
      (r) =>
        (options.from === undefined || r.day >= options.from) &&
        (options.to === undefined || r.day <= options.to),
    );
    const files = [...lake.files.telemetry, ...lake.files.events].map((f) => `${f.key}\t${f.size}`).sort();
    const lakeFingerprint = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 16);
    return { rows, snapshot: { lakeFingerprint, rawFiles: files.length, from, to } };
  } catch (error) {
    throw lake.explain(error);
  } finally {
    lake.close();
  }
}

/**
 * Trains a failure model on a lake's labelled device-days (optionally only those dated in [from, to]):
 * see trainFailureModel. The model is not stored (saveModel does that).
 * @example const model = await trainOnLake({ store, dataDir });
 */
export async function trainOnLake(
  options: ModelDataOptions &
    Partial<Pick<TrainOptions, 'validationShare' | 'lambdas'>> & {
      simulated?: DataSnapshot['simulated'];
      createdAt?: Date;
    },
): Promise<FailureModel> {
  const { rows, snapshot } = await readModelData(options);
  const labelled = rows.filter((r) => r.label !== null);
  if (labelled.length === 0)
    throw new InvalidArgumentError(
      `model train: no labelled device-days${options.from || options.to ? ` in ${options.from ?? '…'} … ${options.to ?? '…'}` : ''} (a day is labelled once ${options.horizonDays ?? 3} more days of data exist)`,
    );
  options.onStep?.(
    'train',
    `${labelled.length} labelled device-days, ${labelled.filter((r) => r.label).length} followed by a failure`,
  );
  const trained = trainFailureModel(rows, {
    featureNames: FEATURES,
    horizonDays: options.horizonDays ?? 3,
    validationShare: options.validationShare,
    lambdas: options.lambdas,
  });
  return makeModel(
    trained,
    { ...snapshot, ...(options.simulated ? { simulated: options.simulated } : {}) },
    options.createdAt,
  );
}

/**
 * The reference score and a model side by side on a lake's labelled device-days (all of them, or those
 * dated from `fromDay` on, e.g. a model's validation days).
 */
export async function evaluateOnLake(
  options: ModelDataOptions & { model: FailureModel; label: string; fromDay?: string },
): Promise<Comparison> {
  const { rows } = await readModelData({
    ...options,
    features: options.model.features,
    horizonDays: options.horizonDays ?? options.model.horizonDays,
  });
  const kept = rows.filter((r) => options.fromDay === undefined || r.day >= options.fromDay);
  if (!kept.some((r) => r.label !== null))
    throw new InvalidArgumentError(`model evaluate: no labelled device-days in ${options.label}`);
  return compareScores(options.label, kept, options.model);
}
