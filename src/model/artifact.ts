import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KitError } from '../errors.js';
import type { ObjectStore } from '../store/objectStore.js';
import { findProjectRoot } from '../util/projectRoot.js';
import type { Trained } from './train.js';

/** The store folder of the models, beside raw/ and warehouse/. */
export const MODELS_PREFIX = 'models/';
/** The pointer to the current model: `{ "id": …, "key": "models/<id>.json" }`. */
export const CURRENT_KEY = 'models/current.json';
/** The model shipped with the kit, used until a lake has its own current model. */
export const DEFAULT_MODEL_FILE = 'models/default.json';

/** Where the training data came from. */
export interface DataSnapshot {
  /** sha256 (16 hex) of the raw telemetry and event files read (key and size of each). */
  lakeFingerprint: string;
  rawFiles: number;
  /** The first and last dates with telemetry. */
  from: string;
  to: string;
  /** How the data was made, when simulated (the default model's plant). */
  simulated?: { seed: number; devices: number; days: number };
}

/** A trained failure model: everything needed to score, plus what it was trained on and how it did. */
export interface FailureModel extends Trained {
  /** sha256 (16 hex) of the model's content (everything but id and createdAt). */
  id: string;
  kind: 'logistic-regression';
  dataSnapshot: DataSnapshot;
  createdAt: string;
}

/** The content hash that names a model: the same training gives the same id. */
export function modelId(
  model: Omit<FailureModel, 'id' | 'createdAt'> & { id?: string; createdAt?: string },
): string {
  const { id: _id, createdAt: _createdAt, ...content } = model;
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
}

/** A model from a training result and its provenance, named by its content. */
export function makeModel(
  trained: Trained,
  dataSnapshot: DataSnapshot,
  createdAt = new Date(),
): FailureModel {
  const content = { kind: 'logistic-regression' as const, ...trained, dataSnapshot };
  return { id: modelId(content), ...content, createdAt: createdAt.toISOString() };
}

function finite(name: string, values: unknown, length?: number): void {
  const list = Array.isArray(values) ? values : [values];
  if (
    !list.every((v) => typeof v === 'number' && Number.isFinite(v)) ||
    (length !== undefined && list.length !== length)
  )
    throw new KitError(`model artifact rejected: ${name} must be ${length ?? 1} finite number(s)`);
}

/** Checks a parsed artifact has what scoring needs (finite numbers, matching lengths); returns it typed. */
export function checkModel(value: unknown, where: string): FailureModel {
  const m = value as FailureModel;
  try {
    if (typeof m !== 'object' || m === null || typeof m.id !== 'string' || !/^[0-9a-f]{16}$/.test(m.id))
      throw new KitError('model artifact rejected: no 16-hex id');
    if (
      !Array.isArray(m.features) ||
      !m.features.every((f) => typeof f === 'string' && /^[a-z_][a-z0-9_]*$/.test(f))
    )
      throw new KitError('model artifact rejected: features must be column names');
    const n = m.features.length;
    finite('coefficients', m.coefficients, n);
    finite('standardisation.mean', m.standardisation?.mean, n);
    finite('standardisation.std', m.standardisation?.std, n);
    finite('intercept', m.intercept);
    finite('threshold', m.threshold);
    finite('horizonDays', m.horizonDays);
  } catch (error) {
    throw new KitError(`${(error as Error).message} (${where})`);
  }
  return m;
}

/** Stores the model at models/<id>.json and, unless told not to, makes it current. Returns its key. */
export async function saveModel(
  store: ObjectStore,
  model: FailureModel,
  makeCurrent = true,
): Promise<string> {
  const key = `${MODELS_PREFIX}${model.id}.json`;
  await store.put(key, new TextEncoder().encode(`${JSON.stringify(model, null, 2)}\n`), {
    contentType: 'application/json',
  });
  if (makeCurrent)
    await store.put(CURRENT_KEY, new TextEncoder().encode(`${JSON.stringify({ id: model.id, key })}\n`), {
      contentType: 'application/json',
    });
  return key;
}

/** The kit's default model (models/default.json of the repository). */
export function readDefaultModel(file = path.join(findProjectRoot(), DEFAULT_MODEL_FILE)): FailureModel {
  if (!fs.existsSync(file))
    throw new KitError(`model default: ${file} not found; run the kit from its folder`);
  return checkModel(JSON.parse(fs.readFileSync(file, 'utf8')), file);
}

/** Which model scores: the lake's current one, else the kit's default. */
export interface ModelChoice {
  model: FailureModel;
  source: 'current' | 'default';
  /** Where it was read from (a store key or a file). */
  from: string;
}

/**
 * The model that scores this lake: models/current.json's model when the store has one, else the kit's
 * default model (or `defaultFile`, e.g. a test's fixture model).
 */
export async function currentModel(store: ObjectStore, defaultFile?: string): Promise<ModelChoice> {
  if ((await store.head(CURRENT_KEY)) !== undefined) {
    const pointer = JSON.parse(new TextDecoder().decode(await store.get(CURRENT_KEY))) as { key?: unknown };
    if (typeof pointer.key !== 'string' || !pointer.key.startsWith(MODELS_PREFIX))
      throw new KitError(`model current rejected: ${CURRENT_KEY} does not point into ${MODELS_PREFIX}`);
    const model = checkModel(JSON.parse(new TextDecoder().decode(await store.get(pointer.key))), pointer.key);
    return { model, source: 'current', from: pointer.key };
  }
  const file = defaultFile ?? path.join(findProjectRoot(), DEFAULT_MODEL_FILE);
  return { model: readDefaultModel(file), source: 'default', from: file };
}

/** A number as a SQL DOUBLE literal (finite, full precision; DuckDB would read 0.12 as a DECIMAL). */
const lit = (x: number) => `${Object.is(x, -0) ? '0' : String(x)}::DOUBLE`;

/**
 * The SQL scoring failure_features with a model: its probability per device-day (4 dp), readable term by
 * term (one `coefficient * (feature − mean) / std` line per feature); columns device_id, prediction_date,
 * model_risk_score, model_id (bound as $model_id). Every number is checked finite and every
 * feature name a plain column name before it reaches the text (checkModel).
 * @example await duck.run(`CREATE OR REPLACE TEMP TABLE failure_model_scores AS ${scoringSql(model)}`, { model_id: model.id });
 */
export function scoringSql(model: FailureModel): string {
  const checked = checkModel(model, `model ${model.id}`);
  const terms = checked.features.map(
    (f, j) =>
      `    + ${lit(checked.coefficients[j]!)} * (f."${f}" - ${lit(checked.standardisation.mean[j]!)}) / ${lit(checked.standardisation.std[j]!)}`,
  );
  return [
    'SELECT',
    '  f.device_id,',
    '  f.date AS prediction_date,',
    '  round(1 / (1 + exp(-(',
    `    ${lit(checked.intercept)}`,
    ...terms,
    '  ))), 4) AS model_risk_score,',
    '  CAST($model_id AS VARCHAR) AS model_id',
    'FROM failure_features AS f',
  ].join('\n');
}
