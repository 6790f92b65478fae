import path from 'node:path';
import { evaluateOnLake, trainOnLake } from '../batch/failureModel.js';
import { loadConfig } from '../config/config.js';
import type { FailureModel } from '../model/artifact.js';
import type { Comparison } from '../model/evaluate.js';
import { openObjectStore } from '../store/openObjectStore.js';
import { writeSimulatedLake } from './simulatedLake.js';

/** The plants a failure model is judged on: seeds it was never trained on (the default model: seed 101). */
export const HELD_OUT_SEEDS = [202, 303] as const;

export interface HeldOutOptions {
  model: FailureModel;
  /** Where the plants' lakes go (`<dir>/heldout-<seed>-<devices>x<days>/`; reused when generated alike). */
  dir: string;
  seeds?: readonly number[];
  /** Default 50 devices × 30 days, one reading a minute (the Gold bench's lake, smaller). */
  devices?: number;
  days?: number;
  onStep?: (step: string, detail: string) => void;
}

/**
 * The reference score and the model side by side on simulated plants it has not seen: each lake written
 * straight into the store as the Gold bench does (not through the log), its Gold built in DuckDB, every
 * labelled device-day scored.
 * @example const [s202, s303] = await evaluateHeldOut({ model, dir: 'data/model' });
 */
export async function evaluateHeldOut(options: HeldOutOptions): Promise<Comparison[]> {
  const devices = options.devices ?? 50;
  const days = options.days ?? 30;
  const step = options.onStep ?? (() => {});
  const comparisons: Comparison[] = [];
  for (const seed of options.seeds ?? HELD_OUT_SEEDS) {
    const dataDir = path.join(options.dir, `heldout-${seed}-${devices}x${days}`);
    step('plant', `seed ${seed}: ${devices} devices × ${days} days in ${dataDir}`);
    await writeSimulatedLake({ dir: dataDir, devices, days, seed });
    const store = await openObjectStore(loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir }));
    try {
      step('score', `seed ${seed}: building Gold and scoring`);
      comparisons.push(
        await evaluateOnLake({ store, dataDir, model: options.model, label: `held-out seed ${seed}` }),
      );
    } finally {
      await store.close();
    }
  }
  return comparisons;
}

/** The plant the kit's default model (models/default.json) is trained on. */
export const DEFAULT_MODEL_PLANT = { seed: 101, devices: 60, days: 45 } as const;

/**
 * Trains a failure model on a simulated plant (by default the default model's: seed 101, 60 devices × 45
 * days), its lake written under `dir` (reused when generated alike); penalty chosen on its validation days.
 * What `npm run model:default` stores as models/default.json, and what its test retrains.
 * @example const model = await trainOnSimulatedPlant({ dir: 'data/model/default-plant' });
 */
export async function trainOnSimulatedPlant(options: {
  dir: string;
  plant?: { seed: number; devices: number; days: number };
  onStep?: (step: string, detail: string) => void;
}): Promise<FailureModel> {
  const plant = options.plant ?? DEFAULT_MODEL_PLANT;
  options.onStep?.(
    'plant',
    `seed ${plant.seed}: ${plant.devices} devices × ${plant.days} days in ${options.dir}`,
  );
  await writeSimulatedLake({ dir: options.dir, ...plant });
  const store = await openObjectStore(loadConfig({ LAMBDA_IOT_DATA_DIR: options.dir }));
  try {
    return await trainOnLake({
      store,
      dataDir: options.dir,
      simulated: { ...plant },
      onStep: options.onStep,
    });
  } finally {
    await store.close();
  }
}
