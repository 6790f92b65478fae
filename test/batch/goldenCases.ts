import fs from 'node:fs';
import path from 'node:path';
import { GOLD_TABLES } from '../../src/batch/gold.js';
import { openLog } from '../../src/bus/openLog.js';
import type { Log } from '../../src/bus/port.js';
import { EmbeddedCatalog } from '../../src/catalog/embeddedCatalog.js';
import { type Config, loadConfig } from '../../src/config/config.js';
import { topicName } from '../../src/config/names.js';
import { type DuckSession, openDuckSession } from '../../src/duckdb/duckSession.js';
import type { IcebergContext } from '../../src/iceberg/tableWriter.js';
import { runLandingSink } from '../../src/lake/landingSink.js';
import { checkModel, saveModel } from '../../src/model/artifact.js';
import type { ObjectStore } from '../../src/store/objectStore.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { tempDataDir } from '../support/cli.js';

/**
 * Golden batch cases as files: `fixtures/<case>/` holds the raw input as the devices send it
 * (`telemetry.jsonl`, `events.jsonl`: one message value per line, in the topics' contracts), the expected
 * rows of every Gold table (`expected/<table>.json`, ordered by device and date) and `case.json` (what the
 * case pins, hand computations, and optionally the range the first run must choose). Adding a case is
 * adding a folder.
 */

export const FIXTURES = path.join(__dirname, 'fixtures');

/**
 * The failure model the golden cases score with (stored as each case lake's current model), small enough to
 * compute by hand: model_risk_score = round(σ(−1 + 0.5·(max_temp − 25) + 0.5·vibration_anomalies), 4), P0
 * above 0.6 — not models/default.json, whose retraining would change every case.
 */
export const FIXTURE_MODEL = checkModel(
  JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtureModel.json'), 'utf8')),
  'test/batch/fixtureModel.json',
);

export interface GoldenCase {
  name: string;
  dir: string;
  description: string;
  /** The dates the first run must choose (default: not checked). */
  range?: { from: string; to: string };
}

/** Every folder under fixtures/, in name order. */
export function goldenCases(): GoldenCase[] {
  return fs
    .readdirSync(FIXTURES, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const dir = path.join(FIXTURES, name);
      const meta = JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8')) as Omit<
        GoldenCase,
        'name' | 'dir'
      >;
      return { name, dir, ...meta };
    });
}

/** The expected rows of a Gold table (its model name, e.g. gold_device_health). */
export function expectedRows(c: GoldenCase, model: string): Record<string, unknown>[] {
  return JSON.parse(fs.readFileSync(path.join(c.dir, 'expected', `${model}.json`), 'utf8'));
}

/** The Gold tables with the columns their expected rows are ordered by. */
export const GOLD_ORDER = GOLD_TABLES.map((g) => ({
  model: g.model,
  table: g.definition.name,
  orderBy: ['device_id', g.dateColumn],
}));

/** The lines of a JSON-lines file as parsed objects (none when the file is absent). */
function readJsonLines(file: string): Record<string, unknown>[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

/** A temporary lake, log and catalog with a case's input landed. */
export interface GoldenLake {
  config: Config;
  log: Log;
  store: ObjectStore;
  catalog: EmbeddedCatalog;
  duck: DuckSession;
  ctx: IcebergContext;
  close(): Promise<void>;
}

/**
 * Lands a case's raw input in a new temporary lake the way the kit lands real data: every line is produced
 * to the embedded log (key device_id, event time as the message time) and the landing sink writes it as raw
 * Parquet; a line the contracts reject fails here (it would be dead-lettered).
 */
export async function landGoldenCase(c: GoldenCase): Promise<GoldenLake> {
  const dataDir = tempDataDir(`golden-${c.name}`);
  const config = loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir });
  const log = await openLog(config);
  const store = await openObjectStore(config);
  const catalog = new EmbeddedCatalog({ file: path.join(dataDir, 'catalog', 'catalog.sqlite'), store });
  const duck = await openDuckSession();
  const lake: GoldenLake = {
    config,
    log,
    store,
    catalog,
    duck,
    ctx: { duck, store, tmpDir: path.join(dataDir, 'tmp') },
    async close() {
      duck.close();
      await catalog.close();
      await store.close();
      await log.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    for (const [kind, timeField] of [
      ['telemetry', 'timestamp'],
      ['events', 'event_timestamp'],
    ] as const) {
      const records = readJsonLines(path.join(c.dir, `${kind}.jsonl`)).map((value) => ({
        key: String(value.device_id),
        value: JSON.stringify(value),
        timestamp: Date.parse(String(value[timeField])),
      }));
      if (records.length > 0) await log.produce(topicName(config, kind), records);
    }
    await saveModel(store, FIXTURE_MODEL);
    const landed = await runLandingSink({ log, store, config, untilEnd: true });
    if (landed.deadLettered > 0)
      throw new Error(`golden case ${c.name}: ${landed.deadLettered} input lines broke the contracts`);
  } catch (error) {
    await lake.close();
    throw error;
  }
  return lake;
}
