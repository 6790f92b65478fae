// Solutions of the exercises of notebooks/03-batch-gold-and-wap.ipynb: for teachers, and for the notebook's
// last (hidden) cell and test/notebooks/exercises.test.ts, which check that they still solve them.
import {
  type BatchResult,
  type Catalog,
  dropImpossibleReading,
  type ObjectStore,
  runBatch,
} from '../../src/index.js';

/**
 * 03.1: drop a file with an impossible temperature into the lake, run the batch (the contract audit fails,
 * main stays, the run's branch is kept), then clean up: the file goes, and so does the kept branch.
 */
export async function badFileRun(
  store: ObjectStore,
  catalog: Catalog,
  config: { dataDir: string },
): Promise<BatchResult> {
  const dropped = await dropImpossibleReading(store, { dataDir: config.dataDir });
  let result: BatchResult;
  try {
    result = await runBatch({ config: config, store: store, catalog: catalog });
  } finally {
    await store.delete(dropped.key);
  }
  if (result.branch !== undefined) await catalog.deleteBranch(result.branch);
  return result;
}

/** 03.2: the device-day with the lowest min_health_score. */
export function lowestHealth(health: readonly Record<string, unknown>[]): {
  device_id: string;
  date: string;
} {
  const lowest = [...health].sort((a, b) => Number(a.min_health_score) - Number(b.min_health_score))[0]!;
  return { device_id: String(lowest.device_id), date: String(lowest.date).slice(0, 10) };
}
