import { afterEach } from 'vitest';
import { openLog } from '../../src/bus/openLog.js';
import type { Log } from '../../src/bus/port.js';
import { type Config, loadConfig } from '../../src/config/config.js';
import { topicName } from '../../src/config/names.js';
import { openLakeReader } from '../../src/lake/lakeReader.js';
import type { ObjectStore } from '../../src/store/objectStore.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { tempDataDir } from '../support/cli.js';

/** Shared set-up of the landing tests: a log and a store per test, closed after it. */

export const DAY = 86_400_000;
export const T0 = Date.UTC(2025, 3, 1, 10, 0, 0);

export const reading = (device: string, ms: number, vibration = 0.5) => ({
  device_id: device,
  timestamp: new Date(ms).toISOString().replace('.000Z', 'Z'),
  energy_usage: 1.25,
  temperature: 22.5,
  vibration,
  signal_strength: 90,
});

export interface Lake {
  config: Config;
  log: Log;
  store: ObjectStore;
}

const open: Lake[] = [];

/** Closes every lake of a test after it (call once per test file). */
export function closeLakesAfterEach(): void {
  afterEach(async () => {
    for (const lake of open.splice(0)) {
      await lake.log.close();
      await lake.store.close();
    }
  });
}

/** Closes `lake` after the test. */
export function trackLake(lake: Lake): Lake {
  open.push(lake);
  return lake;
}

export async function embeddedLake(env: Record<string, string> = {}): Promise<Lake> {
  const config = loadConfig({
    LAMBDA_IOT_DATA_DIR: tempDataDir('landing'),
    LAMBDA_IOT_PARTITIONS: '2',
    ...env,
  });
  return trackLake({ config, log: await openLog(config), store: await openObjectStore(config) });
}

/** Produces readings keyed by device (so one device stays in one partition, in order). */
export async function produceReadings(lake: Lake, readings: object[]): Promise<void> {
  await lake.log.produce(
    topicName(lake.config, 'telemetry'),
    readings.map((r) => ({
      key: (r as { device_id: string }).device_id,
      value: JSON.stringify(r),
      timestamp: Date.parse((r as { timestamp: string }).timestamp),
    })),
  );
}

export async function rawRows(lake: Lake, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await openLakeReader(lake.store, { dataDir: lake.config.dataDir });
  try {
    return await reader.query(sql);
  } finally {
    reader.close();
  }
}
