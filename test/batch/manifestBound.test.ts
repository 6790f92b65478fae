import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { icebergRead } from 'icebird';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOLD_TABLES } from '../../src/batch/gold.js';
import { runBatch } from '../../src/batch/runBatch.js';
import { EmbeddedCatalog } from '../../src/catalog/embeddedCatalog.js';
import { MAIN_BRANCH } from '../../src/catalog/port.js';
import { loadConfig } from '../../src/config/config.js';
import { openDuckSession } from '../../src/duckdb/duckSession.js';
import { readManifestList } from '../../src/iceberg/manifestReader.js';
import { refSnapshot } from '../../src/iceberg/metadata.js';
import { scanTable } from '../../src/iceberg/tableReader.js';
import { writeSimulatedLake } from '../../src/pipeline/simulatedLake.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { addDays } from '../../src/time/utcTime.js';
import { tempDataDir } from '../support/cli.js';
import { countManifestReads } from '../support/manifestReads.js';

/** icebird fetches every file by URL: this serves file:// URLs from disk (HEAD and Range included). */
const realFetch = globalThis.fetch;
function fileFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (!url.startsWith('file://')) return realFetch(input, init);
  const file = fileURLToPath(url);
  if (!fs.existsSync(file)) return Promise.resolve(new Response('not found', { status: 404 }));
  const bytes = fs.readFileSync(file);
  if (init?.method === 'HEAD')
    return Promise.resolve(new Response(null, { headers: { 'content-length': String(bytes.length) } }));
  const range = /bytes=(\d+)-(\d*)/.exec(new Headers(init?.headers).get('range') ?? '');
  if (range === null) return Promise.resolve(new Response(bytes));
  const end = range[2] ? Number(range[2]) + 1 : bytes.length;
  return Promise.resolve(new Response(bytes.subarray(Number(range[1]), end), { status: 206 }));
}
beforeAll(() => {
  globalThis.fetch = fileFetch as typeof fetch;
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

const FIRST_DAY = '2025-04-01';
const HISTORY_DAYS = 12;
const INCREMENTS = 10;
const BOUND = 4;

/** Copies the raw files of one date from the generated lake into the data directory's lake. */
function landDate(from: string, to: string, date: string): void {
  for (const kind of ['telemetry', 'events']) {
    const folder = path.join('lake', 'raw', kind, `date=${date}`);
    if (fs.existsSync(path.join(from, folder)))
      fs.cpSync(path.join(from, folder), path.join(to, folder), { recursive: true });
  }
}

describe('Gold tables under a manifest bound', () => {
  it('after 10 one-day incremental runs with the bound at 4: loading reads at most 4 manifests, rows equal a full rebuild, icebird reads them', async () => {
    const generated = tempDataDir('manifest-bound-lake');
    await writeSimulatedLake({
      dir: generated,
      devices: 3,
      days: HISTORY_DAYS + INCREMENTS,
      seed: 11,
      cadenceMs: 10 * 60_000,
    });
    const dataDir = tempDataDir('manifest-bound');
    const config = loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir, LAMBDA_IOT_MANIFEST_BOUND: String(BOUND) });
    expect(config.manifestBound).toBe(BOUND);
    const store = countManifestReads(await openObjectStore(config));
    const catalog = new EmbeddedCatalog({ file: path.join(dataDir, 'catalog', 'catalog.sqlite'), store });
    const duck = await openDuckSession();
    const ctx = { duck, store, tmpDir: path.join(dataDir, 'tmp') };
    /** Each Gold table on main: its rows (every column, by key), and the manifests loading it read. */
    const load = async () => {
      const tables: Record<string, { rows: Record<string, unknown>[]; manifests: number; listed: number }> =
        {};
      for (const gold of GOLD_TABLES) {
        store.resetReads();
        const { metadata } = await catalog.loadTable(MAIN_BRANCH, gold.definition.name);
        const rows = await scanTable(ctx, metadata, { orderBy: ['device_id', gold.dateColumn] });
        const manifests = store.manifestReads.length;
        const listed = (await readManifestList(store, refSnapshot(metadata)!['manifest-list'])).length;
        tables[gold.definition.name] = { rows, manifests, listed };
      }
      return tables;
    };
    try {
      for (let d = 0; d < HISTORY_DAYS; d++) landDate(generated, dataDir, addDays(FIRST_DAY, d));
      expect(await runBatch({ config, store, catalog })).toMatchObject({ published: true });
      for (let d = HISTORY_DAYS; d < HISTORY_DAYS + INCREMENTS; d++) {
        const date = addDays(FIRST_DAY, d);
        landDate(generated, dataDir, date);
        const run = await runBatch({ config, store, catalog });
        // One new day at the end of the lake rebuilds that day alone: one commit per day.
        expect(run, date).toMatchObject({ published: true, range: { from: date, to: date } });
        for (const [table, { manifests, listed }] of Object.entries(await load())) {
          expect(listed, `${table} after ${date}`).toBeLessThanOrEqual(BOUND);
          expect(manifests, `${table} after ${date}`).toBeLessThanOrEqual(BOUND);
        }
      }
      const incremental = await load();
      const days = HISTORY_DAYS + INCREMENTS;
      expect(incremental['iot.gold_device_health']!.rows).toHaveLength(3 * days);
      // Each table's history of 11 commits needed more manifests than the bound: merging happened.
      for (const { listed } of Object.values(incremental)) expect(listed).toBe(BOUND);

      // An independent reader reads the same rows from the incremental history's manifests.
      for (const gold of GOLD_TABLES) {
        const { metadata } = await catalog.loadTable(MAIN_BRANCH, gold.definition.name);
        const read = await icebergRead({ tableUrl: metadata.location, metadata: metadata as never });
        const key = (r: Record<string, unknown>) => {
          const v = r[gold.dateColumn];
          const date =
            v instanceof Date
              ? v.toISOString().slice(0, 10)
              : typeof v === 'number'
                ? addDays('1970-01-01', v)
                : String(v);
          return `${r.device_id} ${date}`;
        };
        expect(read.map(key).sort(), gold.definition.name).toEqual(
          incremental[gold.definition.name]!.rows.map(key).sort(),
        );
      }

      expect(await runBatch({ config, store, catalog, full: true })).toMatchObject({
        published: true,
        range: { from: FIRST_DAY, to: addDays(FIRST_DAY, days - 1) },
      });
      const full = await load();
      for (const gold of GOLD_TABLES) {
        expect(incremental[gold.definition.name]!.rows, gold.definition.name).toEqual(
          full[gold.definition.name]!.rows,
        );
      }
    } finally {
      duck.close();
      await catalog.close();
      await store.close();
    }
  }, 240_000);
});
