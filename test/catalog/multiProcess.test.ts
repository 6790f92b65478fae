import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAIN_BRANCH } from '../../src/catalog/port.js';
import { loadConfig } from '../../src/config/config.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { ROOT, tempDataDir } from '../support/cli.js';
import { catalogFixture, createTable, HEALTH, healthRows, readRows, writeRows } from './fixture.js';

const CHILD = path.join(__dirname, 'commitChild.ts');

function runChild(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>(
    (resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => {
        stdout += c;
      });
      child.stderr.on('data', (c) => {
        stderr += c;
      });
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    },
  );
}

async function setUp() {
  const dataDir = tempDataDir('catalog-mp');
  const store = await openObjectStore(loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir }));
  const f = await catalogFixture(store, dataDir);
  await createTable(f, HEALTH);
  await writeRows(f, HEALTH.name, healthRows([['first', '2025-04-01', 0, [], 'first']]), 'append');
  return { dataDir, store, f };
}

describe('embedded catalog across processes', () => {
  it('two writers commit to one table from the same head: one wins, the other gets a conflict and succeeds on retry', async () => {
    const { dataDir, store, f } = await setUp();
    const barrier = path.join(dataDir, 'barrier');
    fs.mkdirSync(barrier);
    const [a, b] = await Promise.all([
      runChild([dataDir, 'writer-a', barrier]),
      runChild([dataDir, 'writer-b', barrier]),
    ]);
    for (const r of [a, b]) expect(r.code, r.stderr).toBe(0);
    const results = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    const conflicts = results.filter((r) => r.conflict !== null);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0].conflict).toMatch(/iot\.device_health changed on main/);
    const rows = await readRows(f, MAIN_BRANCH, HEALTH.name);
    expect(rows.map((r) => r.device_id).sort()).toEqual(['first', 'writer-a', 'writer-b']);
    await f.close();
    await store.close();
  }, 120_000);

  it('a crash between writing metadata and moving the branch leaves the catalog consistent; leftovers are unreferenced files', async () => {
    const { dataDir, store, f } = await setUp();
    const before = await f.catalog.getBranch(MAIN_BRANCH);
    const crashed = spawnSync(process.execPath, ['--import', 'tsx', CHILD, dataDir, 'crasher', '-'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, LAMBDA_IOT_TEST_CRASH_AT: 'catalog:after-metadata-write' },
      timeout: 60_000,
    });
    expect(crashed.signal).toBe('SIGKILL');
    expect(crashed.stderr).toContain('crash hook fired: catalog:after-metadata-write');
    expect((await f.catalog.getBranch(MAIN_BRANCH)).hash).toBe(before.hash);
    expect((await readRows(f, MAIN_BRANCH, HEALTH.name)).map((r) => r.device_id)).toEqual(['first']);

    // Every metadata file a commit references exists; the crashed writer's file exists but nothing references it.
    const referenced = new Set<string>();
    for (const c of await f.catalog.log(MAIN_BRANCH)) {
      for (const t of await f.catalog.listTables(c.hash))
        referenced.add((await f.catalog.loadTable(c.hash, t)).metadataLocation);
    }
    const metadataFiles: string[] = [];
    for await (const o of store.list('warehouse/iot/device_health/metadata/')) {
      if (o.key.endsWith('.metadata.json')) metadataFiles.push(store.uri(o.key));
    }
    const unreferenced = metadataFiles.filter((m) => !referenced.has(m));
    expect(unreferenced).toHaveLength(1);
    // The catalog goes on: a normal commit after the crash works.
    await writeRows(f, HEALTH.name, healthRows([['after', '2025-04-01', 0, [], 'after']]), 'append');
    expect((await readRows(f, MAIN_BRANCH, HEALTH.name)).map((r) => r.device_id)).toEqual(['after', 'first']);
    await f.close();
    await store.close();
  }, 120_000);
});
