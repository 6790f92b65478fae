import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/batch/runBatch.js';
import { type Catalog, type CommitRequest, MAIN_BRANCH, type MergeRequest } from '../../src/catalog/port.js';
import { readTable } from '../../src/catalog/tableOps.js';
import {
  CatalogConflictError,
  CatalogError,
  CatalogNotFoundError,
  InterruptedError,
  InvalidArgumentError,
} from '../../src/errors.js';
import { expectedRows, GOLD_ORDER, type GoldenLake, goldenCases, landGoldenCase } from './goldenCases.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const CASE = goldenCases().find((c) => c.name === 'three-devices')!;

async function land(): Promise<GoldenLake> {
  const lake = await landGoldenCase(CASE);
  cleanups.push(() => lake.close());
  return lake;
}

/** What a wrapped catalog saw, and hooks to change what it does. */
interface Spy {
  createBranch: string[];
  commits: CommitRequest[];
  merges: MergeRequest[];
  /** Runs before a merge is passed on (or throws instead of it). */
  beforeMerge?: (request: MergeRequest, nth: number) => Promise<void>;
  beforeLoadTable?: () => void;
}

/** The catalog with every call passed on, after the spy's hooks. */
function spyOn(inner: Catalog, spy: Spy): Catalog {
  return new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const call = (...args: unknown[]) => value.apply(target, args);
      switch (prop) {
        case 'createBranch':
          return (...args: [string]) => {
            spy.createBranch.push(args[0]);
            return call(...args);
          };
        case 'commit':
          return (request: CommitRequest) => {
            spy.commits.push(request);
            return call(request);
          };
        case 'merge':
          return async (request: MergeRequest) => {
            spy.merges.push(request);
            await spy.beforeMerge?.(request, spy.merges.length);
            return call(request);
          };
        case 'loadTable':
          return (...args: unknown[]) => {
            spy.beforeLoadTable?.();
            return call(...args);
          };
        default:
          return call;
      }
    },
  });
}

const newSpy = (): Spy => ({ createBranch: [], commits: [], merges: [] });

describe('runBatch: a publish lost to a concurrent one starts over from the new main', () => {
  it('retries the whole write-audit-publish once and publishes once; the lost branch is gone', async () => {
    const lake = await land();
    const { config, store } = lake;
    expect((await runBatch({ config, store, catalog: lake.catalog })).published).toBe(true);
    // Between this run's write and its publish, another full run publishes to main.
    const spy = newSpy();
    let concurrentHash = '';
    spy.beforeMerge = async (_request, nth) => {
      if (nth !== 1) return;
      const other = await runBatch({ config, store, catalog: lake.catalog, full: true });
      expect(other.published).toBe(true);
      concurrentHash = other.mainHash;
    };
    const steps: string[] = [];
    const result = await runBatch({
      config: { ...config, publishRetries: 3, retryBaseMs: 0 },
      store,
      catalog: spyOn(lake.catalog, spy),
      full: true,
      onStep: (step, detail) => steps.push(`${step} ${detail}`),
    });
    expect(result).toMatchObject({ published: true, attempts: 2 });
    expect(result.audits.filter((a) => !a.passed)).toEqual([]);
    // Two attempts, each on its own branch from main, each writing its own commit; two merges, one lost.
    expect(spy.createBranch).toHaveLength(2);
    expect(new Set(spy.createBranch).size).toBe(2);
    expect(spy.commits.map((c) => c.branch)).toEqual(spy.createBranch);
    expect(spy.merges.map((m) => m.from)).toEqual(spy.createBranch);
    expect(steps.filter((s) => s.startsWith('retry '))).toHaveLength(1);
    expect(steps.some((s) => /^publish lost to a concurrent publish/.test(s))).toBe(true);
    // Only main is left: the lost attempt's branch was dropped, the published one merged and dropped.
    expect((await lake.catalog.listBranches()).map((b) => b.name)).toEqual([MAIN_BRANCH]);
    // main: this run's publish on top of the concurrent one's.
    const [top, below] = await lake.catalog.log(MAIN_BRANCH, { limit: 2 });
    expect(top!.hash).toBe(result.mainHash);
    expect(top!.message).toBe(`publish run ${result.runId}`);
    expect(below!.hash).toBe(concurrentHash);
    for (const g of GOLD_ORDER) {
      const rows = await readTable(lake.catalog, lake.ctx, MAIN_BRANCH, g.table, { orderBy: g.orderBy });
      expect(rows, g.model).toEqual(expectedRows(CASE, g.model));
    }
  }, 120_000);

  it('with LAMBDA_IOT_PUBLISH_RETRIES 0 it fails with the conflict, and drops the lost branch', async () => {
    const lake = await land();
    const { config, store } = lake;
    const spy = newSpy();
    let concurrentHash = '';
    spy.beforeMerge = async () => {
      concurrentHash = (await runBatch({ config, store, catalog: lake.catalog, full: true })).mainHash;
    };
    const run = runBatch({
      config: { ...config, publishRetries: 0, retryBaseMs: 0 },
      store,
      catalog: spyOn(lake.catalog, spy),
    });
    await expect(run).rejects.toBeInstanceOf(CatalogConflictError);
    expect(spy.createBranch).toHaveLength(1);
    expect((await lake.catalog.listBranches()).map((b) => b.name)).toEqual([MAIN_BRANCH]);
    expect((await lake.catalog.getBranch(MAIN_BRANCH)).hash).toBe(concurrentHash);
  }, 120_000);

  it('a non-retriable error makes exactly one attempt', async () => {
    const lake = await land();
    const spy = newSpy();
    const refused = new CatalogError('catalog merge refused: the target is read-only');
    spy.beforeMerge = async () => {
      throw refused;
    };
    const run = runBatch({
      config: { ...lake.config, publishRetries: 3, retryBaseMs: 0 },
      store: lake.store,
      catalog: spyOn(lake.catalog, spy),
    });
    await expect(run).rejects.toBe(refused);
    expect(spy.createBranch).toHaveLength(1);
    expect(spy.merges).toHaveLength(1);
  }, 60_000);
});

describe('runBatch leaves no scratch behind', () => {
  it('removes its tmp/batch-* folder', async () => {
    const lake = await land();
    expect(
      (await runBatch({ config: lake.config, store: lake.store, catalog: lake.catalog })).published,
    ).toBe(true);
    const tmp = path.join(lake.config.dataDir, 'tmp');
    const left = fs.existsSync(tmp) ? fs.readdirSync(tmp).filter((name) => name.startsWith('batch-')) : [];
    expect(left).toEqual([]);
  }, 60_000);
});

describe('runBatch stops on its signal (SIGINT/SIGTERM)', () => {
  it('between models: InterruptedError, no run branch, no commit, main unchanged, no scratch left', async () => {
    const lake = await land();
    const spy = newSpy();
    const catalog = spyOn(lake.catalog, spy);
    const before = (await catalog.getBranch(MAIN_BRANCH)).hash;
    const controller = new AbortController();
    const models: string[] = [];
    const run = runBatch({
      config: lake.config,
      store: lake.store,
      catalog,
      signal: controller.signal,
      onStep: (step, detail) => {
        if (step !== 'model') return;
        models.push(detail);
        controller.abort(); // Ctrl-C while the first model builds
      },
    });
    await expect(run).rejects.toThrow(InterruptedError);
    await expect(run).rejects.toThrow(
      /batch interrupted before building \w+: nothing published, main unchanged/,
    );
    expect(models).toHaveLength(1);
    expect(spy.createBranch).toEqual([]);
    expect(spy.commits).toEqual([]);
    expect((await catalog.getBranch(MAIN_BRANCH)).hash).toBe(before);
    const tmp = path.join(lake.config.dataDir, 'tmp');
    const left = fs.existsSync(tmp) ? fs.readdirSync(tmp).filter((name) => name.startsWith('batch-')) : [];
    expect(left).toEqual([]);
  }, 60_000);
});

describe('runBatch: what counts as a first run', () => {
  it('only a Gold table that does not exist yet: the run takes every date in the lake', async () => {
    const lake = await land();
    await expect(lake.catalog.loadTable(MAIN_BRANCH, 'iot.gold_device_health')).rejects.toBeInstanceOf(
      CatalogNotFoundError,
    );
    const first = await runBatch({ config: lake.config, store: lake.store, catalog: lake.catalog });
    expect(first).toMatchObject({
      published: true,
      reason: 'first run: every date in the lake',
      range: { from: '2025-04-01', to: '2025-04-03' },
    });
  }, 60_000);

  it('any other catalog error propagates instead of becoming a silent full rebuild', async () => {
    const lake = await land();
    expect(
      (await runBatch({ config: lake.config, store: lake.store, catalog: lake.catalog })).published,
    ).toBe(true);
    const spy = newSpy();
    const unreadable = new CatalogError('catalog metadata unreadable: warehouse/iot/gold_device_health');
    spy.beforeLoadTable = () => {
      throw unreadable;
    };
    const run = runBatch({ config: lake.config, store: lake.store, catalog: spyOn(lake.catalog, spy) });
    await expect(run).rejects.toBe(unreadable);
    expect(spy.createBranch).toEqual([]);
  }, 60_000);
});

describe('runBatch never publishes nothing', () => {
  it('dates without raw telemetry: no run branch, no commit, and the reason names the dates the lake holds', async () => {
    const lake = await land();
    expect(
      (await runBatch({ config: lake.config, store: lake.store, catalog: lake.catalog })).published,
    ).toBe(true);
    const spy = newSpy();
    const catalog = spyOn(lake.catalog, spy);
    const mainBefore = (await lake.catalog.getBranch(MAIN_BRANCH)).hash;
    const empty = await runBatch({
      config: lake.config,
      store: lake.store,
      catalog,
      from: '2025-04-10',
      to: '2025-04-12',
    });
    expect(empty).toMatchObject({
      range: null,
      published: false,
      reason:
        'no raw telemetry from 2025-04-10 to 2025-04-12; the lake holds telemetry for 2025-04-01 … 2025-04-03',
    });
    const after = await runBatch({ config: lake.config, store: lake.store, catalog, from: '2025-05-01' });
    expect(after).toMatchObject({
      range: null,
      reason: expect.stringMatching(/^no raw telemetry from 2025-05-01 to 2025-04-03;/),
    });
    expect(spy).toMatchObject({ createBranch: [], commits: [], merges: [] });
    expect((await lake.catalog.getBranch(MAIN_BRANCH)).hash).toBe(mainBefore);
  }, 60_000);

  it('--from after --to is refused before anything is read or written', async () => {
    const lake = await land();
    const spy = newSpy();
    const run = runBatch({
      config: lake.config,
      store: lake.store,
      catalog: spyOn(lake.catalog, spy),
      from: '2025-04-03',
      to: '2025-04-01',
    });
    await expect(run).rejects.toThrow(InvalidArgumentError);
    await expect(run).rejects.toThrow(
      'batch range rejected: --from must be on or before --to (got --from 2025-04-03 --to 2025-04-01)',
    );
    expect(spy).toMatchObject({ createBranch: [], commits: [], merges: [] });
  }, 60_000);
});
