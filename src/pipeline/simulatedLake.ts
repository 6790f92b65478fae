import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/config.js';
import { openDuckSession } from '../duckdb/duckSession.js';
import { DEFAULT_FROM_MS, type Profile, simulateHistory } from '../ingest/index.js';
import { rawFileKey } from '../lake/rawLayout.js';
import { encodeRawParquet } from '../lake/rawParquet.js';
import { RAW_EVENTS, RAW_TELEMETRY } from '../lake/rawSchema.js';
import { openObjectStore } from '../store/openObjectStore.js';
import { DAY_MS, utcDate } from '../time/utcTime.js';

/** A simulated plant written straight into a lake, without the log (benchmarks, held-out plants, tests). */
export interface SimulatedLakeOptions {
  /** The data directory whose lake (`<dir>/lake/raw/…`) receives the files. */
  dir: string;
  devices: number;
  days: number;
  /** Default 7 (the Gold bench's plant). */
  seed?: number;
  /** Default degrading: failures have precursors. */
  profile?: Profile;
  /** Default one reading a minute. */
  cadenceMs?: number;
  /** Called once per simulated day (progress). */
  onDay?: (date: string, readings: number) => void;
}

/** What `<dir>/generated.json` records: the lake is reused when it matches. */
export interface SimulatedLake {
  readings: number;
  devices: number;
  days: number;
  seed: number;
  profile: Profile;
  cadenceMs: number;
}

/**
 * Raw Parquet for `devices` × `days` of a simulated plant (history from 2025-04-01), one file per topic and
 * day, written straight into the lake under `dir` — the files `lambda-iot land` would write, offsets numbered
 * per topic from 0 so the batch's landed-offsets audit sees no gap. A lake already generated there with the
 * same options is reused (`generated.json` records them); otherwise the directory is emptied first.
 */
export async function writeSimulatedLake(options: SimulatedLakeOptions): Promise<SimulatedLake> {
  const { dir, devices, days } = options;
  const defaults = { seed: 7, profile: 'degrading' as Profile, cadenceMs: 60_000 };
  const wanted = {
    devices,
    days,
    seed: options.seed ?? defaults.seed,
    profile: options.profile ?? defaults.profile,
    cadenceMs: options.cadenceMs ?? defaults.cadenceMs,
  };
  const marker = path.join(dir, 'generated.json');
  if (fs.existsSync(marker)) {
    // A marker written before seed, profile and cadence were options holds the defaults.
    const found = { ...defaults, ...JSON.parse(fs.readFileSync(marker, 'utf8')) } as SimulatedLake;
    const same = (Object.keys(wanted) as (keyof typeof wanted)[]).every((k) => found[k] === wanted[k]);
    if (same) return { ...wanted, readings: found.readings };
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const config = loadConfig({ LAMBDA_IOT_DATA_DIR: dir });
  const store = await openObjectStore(config);
  const duck = await openDuckSession();
  try {
    const readings = await writeDays(options, wanted, store, duck);
    const lake: SimulatedLake = { ...wanted, readings };
    fs.writeFileSync(marker, JSON.stringify(lake));
    return lake;
  } finally {
    duck.close();
    await store.close();
  }
}

async function writeDays(
  options: SimulatedLakeOptions,
  wanted: Omit<SimulatedLake, 'readings'>,
  store: Awaited<ReturnType<typeof openObjectStore>>,
  duck: Awaited<ReturnType<typeof openDuckSession>>,
): Promise<number> {
  let readings = 0;
  let day = '';
  let telemetry: (string | number | null)[][] = RAW_TELEMETRY.columns.map(() => []);
  let events: (string | number | null)[][] = RAW_EVENTS.columns.map(() => []);
  const nextOffset = { telemetry: 0, events: 0 };
  const flush = async () => {
    for (const [dataset, columns, topic] of [
      [RAW_TELEMETRY, telemetry, 'iot-telemetry'],
      [RAW_EVENTS, events, 'iot-events'],
    ] as const) {
      const n = columns[0]!.length;
      if (n === 0) continue;
      const offsets = columns[columns.length - 1] as number[];
      const bytes = await encodeRawParquet(duck, dataset as never, columns, path.join(options.dir, 'tmp'));
      const key = rawFileKey({
        kind: dataset.kind,
        date: day,
        topic,
        partition: 0,
        firstOffset: offsets[0]!,
        lastOffset: offsets[n - 1]!,
      });
      await store.put(key, bytes);
    }
    telemetry = RAW_TELEMETRY.columns.map(() => []);
    events = RAW_EVENTS.columns.map(() => []);
  };
  for (const m of simulateHistory({
    devices: wanted.devices,
    seed: wanted.seed,
    fromMs: DEFAULT_FROM_MS,
    toMs: DEFAULT_FROM_MS + wanted.days * DAY_MS,
    cadenceMs: wanted.cadenceMs,
    profile: wanted.profile,
  })) {
    const date = utcDate(m.timestamp);
    if (date !== day) {
      if (day) await flush();
      day = date;
      options.onDay?.(date, readings);
    }
    const row = { value: m.value as never, ms: m.timestamp, partition: 0, offset: nextOffset[m.topic]++ };
    const dataset = m.topic === 'telemetry' ? RAW_TELEMETRY : RAW_EVENTS;
    const columns = m.topic === 'telemetry' ? telemetry : events;
    const cells = dataset.columns as readonly { cell: (r: typeof row) => string | number | null }[];
    for (let i = 0; i < cells.length; i++) columns[i]!.push(cells[i]!.cell(row));
    if (m.topic === 'telemetry') readings++;
  }
  await flush();
  return readings;
}
