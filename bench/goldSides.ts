/**
 * The sides of the Gold bench over one simulated lake: the kit (a full `runBatch`, published to a catalog of
 * its own), the hand-written DuckDB script (bench/gold_script.sql) and the Polars peer (bench/gold_polars.ts),
 * and the value agreement of their outputs. Used in-process by the agreement test and one per process by
 * bench/goldChild.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runBatch } from '../src/batch/runBatch.js';
import { EmbeddedCatalog } from '../src/catalog/embeddedCatalog.js';
import { loadConfig } from '../src/config/config.js';
import { openDuckSession, sqlString } from '../src/duckdb/duckSession.js';
import { listRawFiles } from '../src/lake/lakeReader.js';
import { openObjectStore } from '../src/store/openObjectStore.js';
import { polarsGold } from './gold_polars.js';
import {
  type AgreementReport,
  compareGold,
  lakeTieCheck,
  polarsLayout,
  readKitGold,
  readParquetGold,
  scriptLayout,
} from './goldAgreement.js';

export type GoldSideName = 'kit' | 'script' | 'polars';

/** What a side leaves for the comparison: the kit's catalog file, or a peer's output folder. */
export interface SideOutput {
  side: GoldSideName;
  /** The kit's catalog (SQLite) or the peer's folder of Parquet tables. */
  output: string;
  rows: Record<string, number>;
}

/** The local paths of the lake's raw files of one kind, sorted by key. */
export async function rawPaths(dataDir: string, kind: 'telemetry' | 'events'): Promise<string[]> {
  const store = await openObjectStore(loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir }));
  try {
    return (await listRawFiles(store, kind)).map((f) => new URL(store.uri(f.key)).pathname);
  } finally {
    await store.close();
  }
}

/**
 * The kit's settings over `dataDir`, with the reference failure_risk_score (the failure model, issue 20, is
 * not part of the comparison), and the DuckDB memory and spill limits when the bench's own environment sets
 * them (`LAMBDA_IOT_DUCKDB_MEMORY_LIMIT=700MB npm run bench -- gold-scale`).
 */
const kitConfig = (dataDir: string) =>
  loadConfig({
    LAMBDA_IOT_DATA_DIR: dataDir,
    LAMBDA_IOT_RISK_SCORE: 'reference',
    ...Object.fromEntries(
      ['LAMBDA_IOT_DUCKDB_MEMORY_LIMIT', 'LAMBDA_IOT_DUCKDB_TEMP_LIMIT'].flatMap((name) =>
        process.env[name] === undefined ? [] : [[name, process.env[name]!]],
      ),
    ),
  });

/** The kit: a full batch run published to `<dataDir>/catalog/<name>.sqlite` (models from `sqlDir`). */
export async function runKit(
  dataDir: string,
  options: { sqlDir?: string; name?: string } = {},
): Promise<SideOutput> {
  const config = kitConfig(dataDir);
  const store = await openObjectStore(config);
  const file = path.join(dataDir, 'catalog', `${options.name ?? `bench-${process.pid}`}.sqlite`);
  fs.rmSync(file, { force: true });
  const catalog = new EmbeddedCatalog({ file, store });
  try {
    const result = await runBatch({ config, store, catalog, full: true, sqlDir: options.sqlDir });
    if (!result.published)
      throw new Error(`kit batch did not publish: ${JSON.stringify(result.audits.filter((a) => !a.passed))}`);
    const rows = Object.fromEntries(result.tables.map((t) => [t.table.split('.')[1]!, t.rows]));
    return { side: 'kit', output: file, rows };
  } finally {
    await catalog.close();
    await store.close();
  }
}

/**
 * The kit's incremental run (new days only) on the catalog `<dataDir>/catalog/<name>.sqlite` that earlier runs
 * published to.
 */
export async function runKitIncremental(dataDir: string, name: string): Promise<SideOutput> {
  const config = kitConfig(dataDir);
  const store = await openObjectStore(config);
  const file = path.join(dataDir, 'catalog', `${name}.sqlite`);
  const catalog = new EmbeddedCatalog({ file, store });
  try {
    const result = await runBatch({ config, store, catalog });
    if (!result.published)
      throw new Error(
        `kit incremental batch did not publish: ${result.reason} ${JSON.stringify(result.audits.filter((a) => !a.passed))}`,
      );
    return {
      side: 'kit',
      output: file,
      rows: Object.fromEntries(result.tables.map((t) => [t.table.split('.')[1]!, t.rows])),
    };
  } finally {
    await catalog.close();
    await store.close();
  }
}

/** The hand-written DuckDB script, writing `<dataDir>/script-out/<table>/…`. */
export async function runScript(dataDir: string): Promise<SideOutput> {
  const list = (paths: string[]) => `[${paths.map(sqlString).join(', ')}]`;
  const out = path.join(dataDir, 'script-out');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const sql = fs
    .readFileSync(path.join(import.meta.dirname, 'gold_script.sql'), 'utf8')
    .replaceAll('{raw_telemetry}', list(await rawPaths(dataDir, 'telemetry')))
    .replaceAll('{raw_events}', list(await rawPaths(dataDir, 'events')))
    .replaceAll('{out}', out);
  const duck = await openDuckSession();
  try {
    for (const statement of sql
      .split(/;\s*$/m)
      .map((s) => s.trim())
      .filter((s) => s.replace(/--[^\n]*/g, '').trim())) {
      await duck.run(statement);
    }
    const rows: Record<string, number> = {};
    for (const [t, name] of [
      ['health', 'gold_device_health'],
      ['predictions', 'gold_failure_predictions'],
      ['schedule', 'gold_maintenance_schedule'],
    ] as const) {
      const [r] = await duck.rows<{ n: number }>(`SELECT count(*) AS n FROM ${t}`);
      rows[name] = r!.n;
    }
    return { side: 'script', output: out, rows };
  } finally {
    duck.close();
  }
}

/** The Polars peer, writing `<dataDir>/polars-out/<table>.parquet`. */
export async function runPolars(dataDir: string): Promise<SideOutput> {
  const out = path.join(dataDir, 'polars-out');
  fs.rmSync(out, { recursive: true, force: true });
  const rows = await polarsGold(
    { telemetry: await rawPaths(dataDir, 'telemetry'), events: await rawPaths(dataDir, 'events') },
    out,
  );
  return { side: 'polars', output: out, rows };
}

export const SIDES: Record<GoldSideName, (dataDir: string) => Promise<SideOutput>> = {
  kit: (dir) => runKit(dir),
  script: runScript,
  polars: runPolars,
};

/** Compares the outputs of the sides run over `dataDir`; the kit's is the reference. */
export async function goldAgreement(
  dataDir: string,
  outputs: { kit: string; script?: string; polars?: string },
): Promise<AgreementReport> {
  const config = loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir });
  const store = await openObjectStore(config);
  const catalog = new EmbeddedCatalog({ file: outputs.kit, store });
  const duck = await openDuckSession();
  const tmpDir = path.join(dataDir, 'tmp', `agreement-${process.pid}`);
  try {
    const sides = [{ name: 'kit', tables: await readKitGold(catalog, { duck, store, tmpDir }) }];
    if (outputs.script !== undefined)
      sides.push({ name: 'script', tables: await readParquetGold(duck, scriptLayout(outputs.script)) });
    if (outputs.polars !== undefined)
      sides.push({ name: 'polars', tables: await readParquetGold(duck, polarsLayout(outputs.polars)) });
    return await compareGold(sides, lakeTieCheck(duck, await rawPaths(dataDir, 'telemetry')));
  } finally {
    duck.close();
    await catalog.close();
    await store.close();
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}
