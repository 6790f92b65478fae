import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GOLD_TABLES } from '../../src/batch/gold.js';
import { type BatchResult, runBatch } from '../../src/batch/runBatch.js';
import { EmbeddedCatalog } from '../../src/catalog/embeddedCatalog.js';
import { MAIN_BRANCH } from '../../src/catalog/port.js';
import { readTable } from '../../src/catalog/tableOps.js';
import { describeFailure } from '../../src/cli/failure.js';
import { loadConfig } from '../../src/config/config.js';
import { openDuckSession } from '../../src/duckdb/duckSession.js';
import { DuckDBLimitError } from '../../src/errors.js';
import { writeSimulatedLake } from '../../src/pipeline/simulatedLake.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { tempDir } from '../support/tempDirs.js';

/**
 * Issue 21, bounded memory: `batch --full` over a 2 M-reading lake (20 devices × 70 days, one reading a
 * minute) under LAMBDA_IOT_DUCKDB_MEMORY_LIMIT, and with too little spill space
 * (LAMBDA_IOT_DUCKDB_TEMP_LIMIT). Durations are printed, never asserted.
 */

let base: string;
let readings = 0;

beforeAll(async () => {
  base = tempDir('lambda-iot-memory-');
  const started = performance.now();
  ({ readings } = await writeSimulatedLake({ dir: path.join(base, 'generated'), devices: 20, days: 70 }));
  console.log(`memory-limit lake: ${readings} readings in ${seconds(started)} s`);
}, 180_000);

const watches: SpillWatch[] = [];
afterEach(() => {
  for (const watch of watches.splice(0)) watch.close();
});

afterAll(() => {
  // tempDir removes it after the file too; the 2 M-reading lake goes as soon as it is not needed.
  fs.rmSync(base, { recursive: true, force: true });
});

const seconds = (from: number) => ((performance.now() - from) / 1000).toFixed(1);

/**
 * The spill directories DuckDB makes under `<dataDir>/tmp` while a run goes on, watched until the test
 * ends. DuckDB makes a session's temp_directory (`duckdb-<pid>-<n>`) only when it first writes a temp
 * file there, and the session removes it when it closes, so one seen being made is a spill that happened.
 * (The files inside may come and go before a recursive watch reaches them: they are not watched.)
 */
interface SpillWatch {
  dirs: Set<string>;
  close(): void;
}

function watchSpill(dataDir: string): SpillWatch {
  const tmp = path.join(dataDir, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const dirs = new Set<string>();
  const watcher = fs.watch(tmp, (_event, name) => {
    const dir = String(name ?? '');
    if (/^duckdb-\d+-\d+$/.test(dir)) dirs.add(path.join(tmp, dir));
  });
  return { dirs, close: () => watcher.close() };
}

/**
 * A data directory of its own holding a copy of the generated lake's raw files, and `batch --full` over it
 * (as bench/goldChild.ts runs it) with the given environment; the published Gold rows of every table,
 * sorted by key, read as the kit reads its tables.
 */
async function fullBatch(
  name: string,
  env: Record<string, string>,
): Promise<{
  result?: BatchResult;
  error?: unknown;
  gold: Record<string, Record<string, unknown>[]>;
  spilled: Set<string>;
  dataDir: string;
}> {
  const dataDir = path.join(base, name);
  fs.cpSync(path.join(base, 'generated', 'lake', 'raw'), path.join(dataDir, 'lake', 'raw'), {
    recursive: true,
  });
  const config = loadConfig({ ...env, LAMBDA_IOT_DATA_DIR: dataDir });
  const store = await openObjectStore(config);
  const catalog = new EmbeddedCatalog({ file: path.join(dataDir, 'catalog', 'catalog.sqlite'), store });
  const watch = watchSpill(dataDir);
  watches.push(watch);
  const duck = await openDuckSession();
  const started = performance.now();
  try {
    let result: BatchResult | undefined;
    let error: unknown;
    try {
      result = await runBatch({ config, store, catalog, full: true });
    } catch (e) {
      error = e;
    }
    console.log(
      `${name} (${JSON.stringify(env)}): ${error === undefined ? 'published' : 'failed'} in ${seconds(started)} s, ` +
        `${watch.dirs.size} spill directories seen`,
    );
    const gold: Record<string, Record<string, unknown>[]> = {};
    const ctx = { duck, store, tmpDir: path.join(dataDir, 'tmp', 'read') };
    for (const g of GOLD_TABLES) {
      gold[g.definition.name] = await readTable(catalog, ctx, MAIN_BRANCH, g.definition.name, {
        orderBy: ['device_id', g.dateColumn],
      });
    }
    return { result, error, gold, spilled: watch.dirs, dataDir };
  } finally {
    duck.close();
    await catalog.close();
    await store.close();
  }
}

/**
 * Cells of `actual` that differ from `expected`, row by row: doubles within 1e-9 (relative) count as
 * equal — DuckDB adds partial sums in whatever order its threads finish, so the last bits of a mean may
 * differ between any two runs — everything else must be identical.
 */
/** Doubles that differed in their last bits only, over every comparison (printed). */
let inexact = 0;

function differences(
  expected: Record<string, unknown>[],
  actual: Record<string, unknown>[],
): { row: number; column: string; expected: unknown; actual: unknown }[] {
  const found: { row: number; column: string; expected: unknown; actual: unknown }[] = [];
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    const e = expected[i] ?? {};
    const a = actual[i] ?? {};
    for (const column of new Set([...Object.keys(e), ...Object.keys(a)])) {
      const [x, y] = [e[column], a[column]];
      if (typeof x === 'number' && x !== y) inexact++;
      const close =
        typeof x === 'number' &&
        typeof y === 'number' &&
        Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
      if (!close && JSON.stringify(x) !== JSON.stringify(y))
        found.push({ row: i, column, expected: x, actual: y });
    }
  }
  return found;
}

describe('batch --full with DuckDB memory and spill limits (2 M readings)', () => {
  it('under LAMBDA_IOT_DUCKDB_MEMORY_LIMIT=100MB, and under 40MB where it spills, publishes the same Gold as without a limit', async () => {
    expect(readings).toBeGreaterThan(1_900_000);
    const unlimited = await fullBatch('unlimited', {});
    const limited = await fullBatch('limited-100mb', { LAMBDA_IOT_DUCKDB_MEMORY_LIMIT: '100MB' });
    const spilling = await fullBatch('limited-40mb', { LAMBDA_IOT_DUCKDB_MEMORY_LIMIT: '40MB' });
    await vi.waitFor(() => expect(spilling.spilled.size).toBeGreaterThan(0), { timeout: 10_000 });
    for (const run of [unlimited, limited, spilling]) {
      expect(run.error).toBeUndefined();
      expect(run.result!.published).toBe(true);
      expect(run.result!.range).toEqual({ from: '2025-04-01', to: '2025-06-09' });
    }
    for (const g of GOLD_TABLES) {
      const table = g.definition.name;
      expect(unlimited.gold[table]!.length, table).toBe(20 * 70);
      expect(differences(unlimited.gold[table]!, limited.gold[table]!), table).toEqual([]);
      expect(differences(unlimited.gold[table]!, spilling.gold[table]!), table).toEqual([]);
    }
    console.log(`doubles equal only within 1e-9: ${inexact}`);
    // Every reading of the lake went into it.
    const counted = unlimited.gold['iot.gold_device_health']!.reduce((n, r) => n + Number(r.readings), 0);
    expect(counted).toBe(readings);
  }, 240_000);

  it('with too little spill space (LAMBDA_IOT_DUCKDB_TEMP_LIMIT=1MB) fails with DuckDBLimitError naming the spill directory, the limit and the settings', async () => {
    const run = await fullBatch('temp-1mb', {
      LAMBDA_IOT_DUCKDB_MEMORY_LIMIT: '40MB',
      LAMBDA_IOT_DUCKDB_TEMP_LIMIT: '1MB',
    });
    expect(run.result).toBeUndefined();
    expect(run.error).toBeInstanceOf(DuckDBLimitError);
    const error = run.error as DuckDBLimitError;
    expect(error.limit).toBe('temp');
    const spillDir = error.tempDirectory!;
    expect(path.relative(run.dataDir, spillDir)).toMatch(/^tmp[/\\]duckdb-\d+-\d+$/);
    // It spilled: DuckDB made that directory to write temp files in, and says how much it had written.
    await vi.waitFor(() => expect([...run.spilled]).toContain(spillDir), { timeout: 10_000 });
    const used = /max_temp_directory_size 976\.5 KiB \((\d+(?:\.\d+)?) KiB used/.exec(error.message);
    expect(used, error.message).not.toBeNull();
    expect(Number(used![1])).toBeGreaterThan(0);
    expect(error.message).toContain(`${spillDir} reached max_temp_directory_size 976.5 KiB`);
    expect(error.message).toContain('LAMBDA_IOT_DUCKDB_TEMP_LIMIT=1MB');
    expect(error.message).toContain('LAMBDA_IOT_DUCKDB_MEMORY_LIMIT (now 40MB)');
    expect(error.message).toContain('LAMBDA_IOT_DATA_DIR');
    // The CLI prints it as any KitError: its message first, exit code 1.
    const printed = describeFailure(error, false);
    expect(printed.exitCode).toBe(1);
    expect(printed.text.split('\n')[0]).toBe(`lambda-iot: ${error.message}`);
    // Nothing was published, and the session's spill directory went with it.
    for (const rows of Object.values(run.gold)) expect(rows).toEqual([]);
    expect(fs.existsSync(spillDir)).toBe(false);
  }, 120_000);
});
