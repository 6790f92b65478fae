import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type CommitGraph, mergeBase } from '../../src/catalog/commitGraph.js';
import { EmbeddedCatalog, ROOT_HASH } from '../../src/catalog/embeddedCatalog.js';
import { MAIN_BRANCH } from '../../src/catalog/port.js';
import { summarizeTables } from '../../src/catalog/tableInfo.js';
import { loadConfig } from '../../src/config/config.js';
import {
  CatalogNotFoundError,
  CatalogRefNotFoundError,
  CatalogTableNotFoundError,
  CorruptMetadataError,
} from '../../src/errors.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { tempDataDir } from '../support/cli.js';
import { createTable, HEALTH, healthRows, readRows, writeRows } from './fixture.js';
import { useLocalCatalogFixtures } from './localFixtures.js';

const HOUR = 3_600_000;
const localFixture = useLocalCatalogFixtures('embedded-catalog');
const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

/** A graph that counts the commits read through it. */
function counting(graph: CommitGraph): CommitGraph & { reads: number } {
  const counted = {
    reads: 0,
    commit: (hash: string) => {
      counted.reads++;
      return graph.commit(hash);
    },
    contents: (hash: string) => graph.contents(hash),
  };
  return counted;
}

/**
 * A catalog file as the kit wrote it before generation numbers: the same tables without the column. Main
 * holds `length` commits each changing iot.t; `dev` branches off `devFrom` commits before main's head and
 * adds `devCommits` commits changing iot.b.
 */
function writeOldCatalogFile(file: string, length: number, devFrom: number, devCommits: number): void {
  const db = new Database(file);
  db.exec(`
    create table commits (hash text primary key, parent text, merge_parent text,
      message text not null, author text not null, time_ms integer not null);
    create table commit_contents (hash text not null, table_name text not null,
      metadata_location text not null, primary key (hash, table_name));
    create table commit_changes (hash text not null, table_name text not null, primary key (hash, table_name));
    create table refs (name text primary key, hash text not null);
  `);
  const commit = db.prepare('insert into commits values (?, ?, null, ?, ?, ?)');
  const content = db.prepare('insert into commit_contents values (?, ?, ?)');
  const change = db.prepare('insert into commit_changes values (?, ?)');
  const hashOf = (name: string) => name.padStart(64, '0').replace(/[^0-9a-f]/g, 'f');
  let t = 0;
  const add = (name: string, parent: string, table: string, tables: Map<string, string>) => {
    const hash = hashOf(name);
    // Each commit an hour older than its parent: wall-clock order is the reverse of parent order.
    commit.run(hash, parent, `change ${table}`, 'old-kit', 1_000_000 * HOUR - ++t * HOUR);
    tables.set(table, `file:///lake/${name}.metadata.json`);
    for (const [n, l] of tables) content.run(hash, n, l);
    change.run(hash, table);
    return hash;
  };
  db.transaction(() => {
    commit.run(ROOT_HASH, null, 'catalog created', 'lambda-iot', 1_000_000 * HOUR);
    const tables = new Map<string, string>();
    let head = ROOT_HASH;
    let devBase = ROOT_HASH;
    for (let i = 1; i <= length; i++) {
      head = add(`a${i}`, head, 'iot.t', tables);
      if (i === length - devFrom) devBase = head;
    }
    db.prepare('insert into refs values (?, ?)').run(MAIN_BRANCH, head);
    const devTables = new Map(
      (
        db
          .prepare('select table_name, metadata_location from commit_contents where hash = ?')
          .all(devBase) as {
          table_name: string;
          metadata_location: string;
        }[]
      ).map((r) => [r.table_name, r.metadata_location]),
    );
    let dev = devBase;
    for (let i = 1; i <= devCommits; i++) dev = add(`b${i}`, dev, 'iot.b', devTables);
    db.prepare('insert into refs values (?, ?)').run('dev', dev);
  })();
  db.close();
}

describe('embedded catalog: commit graph', () => {
  it('merges a branch synced with main without conflict when the clock runs backwards', async () => {
    // Every commit an hour older than the one before: time order is the reverse of parent order.
    let clock = 1_000_000 * HOUR;
    const f = await localFixture({ now: () => (clock -= HOUR) });
    await createTable(f, HEALTH);
    await createTable(f, { ...HEALTH, name: 'iot.other' });
    await f.catalog.createBranch('dev');
    await writeRows(f, HEALTH.name, healthRows([['d-1', '2025-04-01', 1, [], 'main']]), 'append');
    expect((await f.catalog.merge({ from: MAIN_BRANCH, into: 'dev' })).commit?.tables).toEqual([HEALTH.name]);
    await writeRows(f, 'iot.other', healthRows([['d-2', '2025-04-01', 2, [], 'dev']]), 'append', 'dev');
    const [devHead] = await f.catalog.log('dev', { limit: 1 });
    const [mainHead] = await f.catalog.log(MAIN_BRANCH, { limit: 1 });
    expect(devHead!.timeMs).toBeLessThan(mainHead!.timeMs);
    const merged = await f.catalog.merge({ from: 'dev', into: MAIN_BRANCH });
    expect(merged.commit?.tables).toEqual(['iot.other']);
    expect((await readRows(f, MAIN_BRANCH, 'iot.other')).map((r) => r.run_id)).toEqual(['dev']);
    expect((await readRows(f, MAIN_BRANCH, HEALTH.name)).map((r) => r.run_id)).toEqual(['main']);
  });

  it('migrates a catalog file without generation numbers, then finds a merge base reading only the commits since divergence', async () => {
    const dataDir = tempDataDir('catalog-migrate');
    const file = path.join(dataDir, 'catalog.sqlite');
    const store = await openObjectStore(loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir }));
    // 500 commits on main; dev branched 3 commits before main's head and has 2 commits of its own.
    writeOldCatalogFile(file, 500, 3, 2);
    const catalog = new EmbeddedCatalog({ file, store });
    closing.push(
      () => catalog.close(),
      () => store.close(),
    );
    const graph = catalog.graph();
    const main = await catalog.getBranch(MAIN_BRANCH);
    const dev = await catalog.getBranch('dev');
    expect(graph.commit(ROOT_HASH)!.generation).toBe(1);
    expect(graph.commit(main.hash)!.generation).toBe(501);
    expect(graph.commit(dev.hash)!.generation).toBe(500);

    const counted = counting(graph);
    const base = mergeBase(counted, dev.hash, main.hash);
    expect(graph.commit(base!)!.message).toBe('change iot.t');
    expect(graph.commit(base!)!.generation).toBe(498);
    const sinceDivergence = 3 + 2;
    expect(counted.reads).toBeLessThanOrEqual(sinceDivergence + 1);

    // The merge goes through the catalog, and its commit gets the next generation.
    const merged = await catalog.merge({ from: 'dev', into: MAIN_BRANCH });
    expect(merged.commit?.tables).toEqual(['iot.b']);
    expect(graph.commit(merged.branch.hash)!.generation).toBe(502);
    // Opening the migrated file again changes nothing.
    const again = new EmbeddedCatalog({ file, store });
    expect(again.graph().commit(main.hash)!.generation).toBe(501);
    await again.close();
  });
});

describe('embedded catalog: errors that say what exists', () => {
  it('names the branches for an unknown branch and the tables for an unknown table, each with its own class', async () => {
    const f = await localFixture();
    await createTable(f, HEALTH);
    await createTable(f, { ...HEALTH, name: 'iot.other' });
    await f.catalog.createBranch('run-1');

    const branch = await f.catalog.getBranch('mian').catch((e) => e);
    expect(branch).toBeInstanceOf(CatalogRefNotFoundError);
    expect(branch).toBeInstanceOf(CatalogNotFoundError);
    expect(branch.message).toBe('catalog branch not found: mian; branches: main, run-1');
    await expect(f.catalog.log('mian')).rejects.toThrow(
      'catalog branch not found: mian; branches: main, run-1',
    );
    await expect(f.catalog.createBranch('x', 'mian')).rejects.toBeInstanceOf(CatalogRefNotFoundError);
    await expect(f.catalog.merge({ from: 'mian', into: MAIN_BRANCH })).rejects.toBeInstanceOf(
      CatalogRefNotFoundError,
    );

    const table = await f.catalog.loadTable(MAIN_BRANCH, 'iot.helth').catch((e) => e);
    expect(table).toBeInstanceOf(CatalogTableNotFoundError);
    expect(table).toBeInstanceOf(CatalogNotFoundError);
    expect(table.message).toBe(
      'catalog table not found: iot.helth at main; tables there: iot.device_health, iot.other',
    );
    expect(table).toMatchObject({ table: 'iot.helth', ref: MAIN_BRANCH });
    const [root] = (await f.catalog.log(MAIN_BRANCH)).slice(-1);
    await expect(f.catalog.loadTable(root!.hash, HEALTH.name)).rejects.toThrow(
      `catalog table not found: iot.device_health at ${root!.hash.slice(0, 12)}; no tables there`,
    );
  });

  it('says the minimum length of a commit hash, and rejects a time before the first commit', async () => {
    const f = await localFixture({ now: () => 1_000 * HOUR });
    await createTable(f, HEALTH);
    const head = await f.catalog.getBranch(MAIN_BRANCH);
    await expect(f.catalog.loadTable(`main@${head.hash.slice(0, 4)}`, HEALTH.name)).rejects.toThrow(
      `catalog commit hash too short: ${head.hash.slice(0, 4)} (give at least 6 hex digits)`,
    );
    const bare = await f.catalog.listTables(head.hash.slice(0, 5)).catch((e) => e);
    expect(bare).toBeInstanceOf(CatalogRefNotFoundError);
    expect(bare.message).toBe(
      `catalog ref not found: ${head.hash.slice(0, 5)} is no branch (branches: main) and too short for a commit hash (give at least 6 hex digits)`,
    );
    expect(await f.catalog.listTables(head.hash.slice(0, 6))).toEqual([HEALTH.name]);
    await expect(f.catalog.listTables('main@______')).rejects.toThrow('catalog commit not found: ______');
    await expect(f.catalog.listTables('main@0123456789')).rejects.toBeInstanceOf(CatalogRefNotFoundError);
    await expect(f.catalog.listTables({ branch: MAIN_BRANCH, asOfMs: 0 })).rejects.toBeInstanceOf(
      CatalogRefNotFoundError,
    );
  });

  it('names the table and the file of a metadata.json that is not valid JSON, and table summaries list the others', async () => {
    const f = await localFixture();
    await createTable(f, HEALTH);
    await createTable(f, { ...HEALTH, name: 'iot.other' });
    const { metadataLocation } = await f.catalog.loadTable(MAIN_BRANCH, 'iot.other');
    const key = f.store.keyOf(metadataLocation);
    const bytes = await f.store.get(key);
    await f.store.put(key, bytes.subarray(0, Math.floor(bytes.length / 2)));
    // A fresh catalog over the same file: nothing cached.
    const reader = new EmbeddedCatalog({
      file: path.join(path.dirname(f.ctx.tmpDir), 'catalog', 'catalog.sqlite'),
      store: f.store,
    });
    closing.push(() => reader.close());
    const error = await reader.loadTable(MAIN_BRANCH, 'iot.other').catch((e) => e);
    expect(error).toBeInstanceOf(CorruptMetadataError);
    expect(error.message).toMatch(
      new RegExp(
        `^catalog table metadata unreadable: iot\\.other in ${metadataLocation.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `,
      ),
    );
    expect(error.message).not.toMatch(/^Expected|^Unexpected/);
    expect(await summarizeTables(reader, MAIN_BRANCH)).toEqual([
      expect.objectContaining({ table: HEALTH.name, records: 0 }),
      { table: 'iot.other', unreadable: error.message },
    ]);
  });
});
