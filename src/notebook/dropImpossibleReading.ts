import path from 'node:path';
import { duckTempDirectory, openDuckSession } from '../duckdb/duckSession.js';
import { InvalidArgumentError } from '../errors.js';
import { listRawFiles } from '../lake/lakeReader.js';
import { rawPrefix } from '../lake/rawLayout.js';
import { encodeRawParquet } from '../lake/rawParquet.js';
import { RAW_TELEMETRY, type RawDataset } from '../lake/rawSchema.js';
import type { ObjectStore } from '../store/objectStore.js';

/** The file `dropImpossibleReading` wrote, and the reading in it. */
export interface DroppedFile {
  /** The object's key, e.g. raw/telemetry/date=2025-04-14/dropped-by-hand.parquet. */
  key: string;
  date: string;
  reading: { device_id: string; timestamp: string; temperature: number };
}

/**
 * Drops a file into the lake by hand, as a person copying data in would: one telemetry reading with an
 * impossible temperature (default 999 °C), on the newest date the lake holds, at hh:mm:30 (between the
 * simulator's whole-minute readings), in raw/telemetry/date=…/dropped-by-hand.parquet. The landing sink never
 * validated it, so only the batch audits can stop it. Remove it with `store.delete(dropped.key)`.
 * @example const dropped = await dropImpossibleReading(store, { dataDir: config.dataDir });
 */
export async function dropImpossibleReading(
  store: ObjectStore,
  options: { dataDir: string; deviceId?: string; temperature?: number },
): Promise<DroppedFile> {
  const dates = (await listRawFiles(store, 'telemetry')).map((f) => f.date).sort();
  const date = dates.at(-1);
  if (date === undefined) {
    throw new InvalidArgumentError(
      `lake telemetry: no raw telemetry under ${rawPrefix('telemetry')} to drop a file beside`,
    );
  }
  const reading = {
    device_id: options.deviceId ?? 'device_1',
    timestamp: `${date}T12:00:30.000Z`,
    temperature: options.temperature ?? 999,
  };
  const duck = await openDuckSession({ tempDirectory: duckTempDirectory(options.dataDir) });
  try {
    // columns in RAW_TELEMETRY's order; no log partition or offset: nothing landed it
    const columns = [
      [reading.device_id],
      [Date.parse(reading.timestamp)],
      [1.5],
      [reading.temperature],
      [1.0],
      [90],
      [null],
      [null],
    ];
    const bytes = await encodeRawParquet(
      duck,
      RAW_TELEMETRY as RawDataset<never>,
      columns,
      path.join(options.dataDir, 'tmp'),
    );
    const key = `${rawPrefix('telemetry', date)}dropped-by-hand.parquet`;
    await store.put(key, bytes);
    return { key, date, reading };
  } finally {
    duck.close();
  }
}
