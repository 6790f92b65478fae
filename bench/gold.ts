import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { openDuckSession } from '../src/duckdb/duckSession.js';
import { DEFAULT_FROM_MS, simulateHistory } from '../src/ingest/index.js';
import { rawFileKey } from '../src/lake/rawLayout.js';
import { encodeRawParquet } from '../src/lake/rawParquet.js';
import { RAW_EVENTS, RAW_TELEMETRY } from '../src/lake/rawSchema.js';
import { openObjectStore } from '../src/store/openObjectStore.js';
import { DAY_MS, utcDate } from '../src/time/utcTime.js';

export interface GoldRow {
  readings: number;
  devices: number;
  days: number;
  kit: { seconds: number; peakRssMb: number };
  script: { seconds: number; peakRssMb: number };
}

/**
 * Raw Parquet for `devices` × `days` of the degrading plant at one reading a minute, written straight into
 * a lake under `dir` (one file per topic and day) and kept there: later runs reuse it.
 */
async function ensureLake(dir: string, devices: number, days: number): Promise<number> {
  const marker = path.join(dir, 'generated.json');
  if (fs.existsSync(marker)) return JSON.parse(fs.readFileSync(marker, 'utf8')).readings as number;
  fs.rmSync(dir, { recursive: true, force: true });
  const config = loadConfig({ LAMBDA_IOT_DATA_DIR: dir });
  const store = await openObjectStore(config);
  const duck = await openDuckSession();
  let readings = 0;
  let day = '';
  let telemetry: (string | number | null)[][] = RAW_TELEMETRY.columns.map(() => []);
  let events: (string | number | null)[][] = RAW_EVENTS.columns.map(() => []);
  // Offsets are numbered per topic, as a log does, so each topic's files cover 0… without a gap (the
  // batch's landed-offsets audit checks it).
  const nextOffset = { telemetry: 0, events: 0 };
  const flush = async () => {
    for (const [dataset, columns, topic] of [
      [RAW_TELEMETRY, telemetry, 'iot-telemetry'],
      [RAW_EVENTS, events, 'iot-events'],
    ] as const) {
      const n = columns[0]!.length;
      if (n === 0) continue;
      const offsets = columns[columns.length - 1] as number[];
      const bytes = await encodeRawParquet(duck, dataset as never, columns, path.join(dir, 'tmp'));
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
    devices,
    seed: 7,
    fromMs: DEFAULT_FROM_MS,
    toMs: DEFAULT_FROM_MS + days * DAY_MS,
    cadenceMs: 60_000,
    profile: 'degrading',
  })) {
    const date = utcDate(m.timestamp);
    if (date !== day) {
      if (day) await flush();
      day = date;
      process.stderr.write(`\rgenerating ${date} (${readings.toLocaleString('en-US')} readings)`);
    }
    const row = { value: m.value as never, ms: m.timestamp, partition: 0, offset: nextOffset[m.topic]++ };
    const dataset = m.topic === 'telemetry' ? RAW_TELEMETRY : RAW_EVENTS;
    const columns = m.topic === 'telemetry' ? telemetry : events;
    const cells = dataset.columns as readonly { cell: (r: typeof row) => string | number | null }[];
    for (let i = 0; i < cells.length; i++) columns[i]!.push(cells[i]!.cell(row));
    if (m.topic === 'telemetry') readings++;
  }
  await flush();
  process.stderr.write('\n');
  duck.close();
  await store.close();
  fs.writeFileSync(marker, JSON.stringify({ readings, devices, days }));
  return readings;
}

function runSide(
  side: 'kit' | 'script',
  dir: string,
): { seconds: number; peakRssMb: number; rows: Record<string, number> } {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join('bench', 'goldChild.ts'), side, dir],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  if (child.status !== 0) throw new Error(`gold bench ${side} failed: ${child.stderr.slice(-2000)}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!);
}

/**
 * Gold for about 10 million readings (100 devices × 70 days, generated once under data/bench/): the kit's
 * batch run (models, Iceberg writes on a branch, audits, publish, quality report) against one hand-written
 * DuckDB script producing the same three tables from the same Parquet, each in its own process; seconds,
 * peak RSS, ratio. Both must produce the same row counts.
 */
export async function benchGold(devices = 100, days = 70): Promise<GoldRow> {
  const dir = path.resolve(process.env.LAMBDA_IOT_DATA_DIR ?? 'data', 'bench', `gold-${devices}x${days}`);
  const readings = await ensureLake(dir, devices, days);
  const script = runSide('script', dir);
  const kit = runSide('kit', dir);
  const same =
    kit.rows.gold_device_health === script.rows.health &&
    kit.rows.gold_failure_predictions === script.rows.predictions &&
    kit.rows.gold_maintenance_schedule === script.rows.schedule;
  if (!same)
    throw new Error(
      `kit and script disagree on rows: ${JSON.stringify({ kit: kit.rows, script: script.rows })}`,
    );
  return { readings, devices, days, kit, script };
}
