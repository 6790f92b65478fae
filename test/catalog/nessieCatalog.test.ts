import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedCatalog } from '../../src/catalog/embeddedCatalog.js';
import { expireSnapshots, findOrphans } from '../../src/catalog/maintenance.js';
import { NessieCatalog } from '../../src/catalog/nessieCatalog.js';
import { MAIN_BRANCH } from '../../src/catalog/port.js';
import { readTable, writeToBranch } from '../../src/catalog/tableOps.js';
import { loadConfig } from '../../src/config/config.js';
import { openDuckSession } from '../../src/duckdb/duckSession.js';
import {
  CatalogConflictError,
  CatalogExpiredError,
  CatalogNotFoundError,
  CatalogRefNotFoundError,
  CatalogTableNotFoundError,
} from '../../src/errors.js';
import { createTableChange } from '../../src/iceberg/schema.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { RetriesExhaustedError, retryPolicyOf } from '../../src/util/retry.js';
import { runCli, tempDataDir } from '../support/cli.js';
import { requireService } from '../support/services.js';
import { HEALTH, healthRows } from './fixture.js';
import { type NessieFixture, startNessieFixture } from './nessieFixture.js';

const specsDir = process.env.LAMBDA_IOT_TEST_SPECS_DIR;
const available = requireService(
  'Iceberg REST OpenAPI and Nessie examples',
  specsDir !== undefined && fs.existsSync(path.join(specsDir, 'iceberg-rest-catalog-open-api.yaml')),
  'set LAMBDA_IOT_TEST_SPECS_DIR to the shared specs folder (.ci/run sets it to ../shared/specs)',
);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.runIf(available)('Nessie catalog adapter against a protocol fixture (OpenAPI-validated)', () => {
  it('discovers the prefix, creates a branch, creates and commits a table on it, merges, refuses a conflicting merge, deletes a branch', async () => {
    const dataDir = tempDataDir('nessie');
    const store = await openObjectStore(loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir }));
    const server = new EmbeddedCatalog({ file: path.join(dataDir, 'server', 'nessie.sqlite'), store });
    const fixture: NessieFixture = await startNessieFixture(server, specsDir!);
    const duck = await openDuckSession();
    cleanups.push(
      () => store.close(),
      () => server.close(),
      () => fixture.close(),
      () => duck.close(),
    );
    const nessie = new NessieCatalog({ uri: fixture.uri });
    const ctx = { duck, store, tmpDir: path.join(dataDir, 'tmp') };

    const etl = await nessie.createBranch('etl');
    expect(etl.hash).toBe((await nessie.getBranch(MAIN_BRANCH)).hash);
    const head = await nessie.getBranch('etl');
    const created = await nessie.commit({
      branch: 'etl',
      expectedHash: head.hash,
      message: 'create table',
      changes: [createTableChange(store, HEALTH)],
    });
    expect(created.commit?.tables).toEqual([HEALTH.name]);
    await writeToBranch(
      nessie,
      ctx,
      'etl',
      HEALTH.name,
      { sql: healthRows([['d-1', '2025-04-01', 20, ['motor'], 'r1']]) },
      { mode: 'append' },
    );
    expect(await nessie.listTables(MAIN_BRANCH)).toEqual([]);
    expect(await nessie.listTables('etl')).toEqual([HEALTH.name]);
    await expect(nessie.loadTable(MAIN_BRANCH, HEALTH.name)).rejects.toBeInstanceOf(CatalogNotFoundError);
    // Not found: the table or the ref, each its own class, saying what exists.
    const noTable = await nessie.loadTable(MAIN_BRANCH, HEALTH.name).catch((e) => e);
    expect(noTable).toBeInstanceOf(CatalogTableNotFoundError);
    expect(noTable.message).toBe('catalog table not found: iot.device_health at main; no tables there');
    expect((await nessie.loadTable('etl', 'iot.helth').catch((e) => e)).message).toBe(
      'catalog table not found: iot.helth at etl; tables there: iot.device_health',
    );
    const noBranch = await nessie.getBranch('elt').catch((e) => e);
    expect(noBranch).toBeInstanceOf(CatalogRefNotFoundError);
    expect(noBranch.message).toBe('catalog branch not found: elt; branches: etl, main');
    await expect(readTable(nessie, ctx, 'elt', HEALTH.name)).rejects.toThrow(
      'catalog branch not found: elt; branches: etl, main',
    );
    expect(await readTable(nessie, ctx, MAIN_BRANCH, HEALTH.name)).toEqual([]);
    await expect(nessie.listTables('main@abc')).rejects.toThrow(
      'catalog commit hash too short: abc (give at least 8 hex digits)',
    );

    const merged = await nessie.merge({ from: 'etl', into: MAIN_BRANCH });
    expect(merged.commit?.tables).toEqual([HEALTH.name]);
    expect((await readTable(nessie, ctx, MAIN_BRANCH, HEALTH.name)).map((r) => r.run_id)).toEqual(['r1']);

    // Two branches change the same table; the second merge conflicts with a typed error naming it.
    await nessie.createBranch('a');
    await nessie.createBranch('b');
    await writeToBranch(
      nessie,
      ctx,
      'a',
      HEALTH.name,
      { sql: healthRows([['d-2', '2025-04-02', 1, [], 'a']]) },
      { mode: 'append' },
    );
    await writeToBranch(
      nessie,
      ctx,
      'b',
      HEALTH.name,
      { sql: healthRows([['d-3', '2025-04-02', 2, [], 'b']]) },
      { mode: 'append' },
    );
    await nessie.merge({ from: 'a', into: MAIN_BRANCH });
    const conflict = await nessie.merge({ from: 'b', into: MAIN_BRANCH }).catch((e) => e);
    expect(conflict).toBeInstanceOf(CatalogConflictError);
    expect(conflict.tables).toEqual([HEALTH.name]);

    // A stale commit on the same table is a conflict too (409 from the Iceberg REST commit).
    const stale = await nessie
      .commit({
        branch: MAIN_BRANCH,
        expectedHash: etl.hash,
        message: 'stale create',
        changes: [createTableChange(store, HEALTH)],
      })
      .catch((e) => e);
    expect(stale).toBeInstanceOf(CatalogConflictError);

    await nessie.deleteBranch('b');
    expect((await nessie.listBranches()).map((x) => x.name)).toEqual(['a', 'etl', MAIN_BRANCH]);
    const log = await nessie.log(MAIN_BRANCH, { limit: 3 });
    expect(log[0]!.message).toBe('merge a into main');

    // Maintenance through the adapter: expire main's older snapshots, remove orphans, old commits are refused.
    const before = (await nessie.log(MAIN_BRANCH, { limit: 1 }))[0]!.hash;
    await writeToBranch(
      nessie,
      ctx,
      MAIN_BRANCH,
      HEALTH.name,
      { sql: healthRows([['d-1', '2025-04-01', 30, [], 'r9']]) },
      { mode: 'overwrite-partitions' },
    );
    const expired = await expireSnapshots(nessie, HEALTH.name, { keep: 1 });
    expect(expired.expired.length).toBeGreaterThan(0);
    const orphans = await findOrphans(nessie, store, HEALTH.name, { olderThanMs: 0, remove: true });
    expect(orphans.orphans.length).toBeGreaterThan(0);
    await expect(nessie.loadTable(`${MAIN_BRANCH}@${before}`, HEALTH.name)).rejects.toBeInstanceOf(
      CatalogExpiredError,
    );
    expect((await readTable(nessie, ctx, 'a', HEALTH.name)).map((r) => r.run_id).sort()).toEqual(['a', 'r1']);

    // The same from the command line, configured by environment.
    const env = {
      LAMBDA_IOT_DATA_DIR: dataDir,
      LAMBDA_IOT_CATALOG: 'nessie',
      LAMBDA_IOT_NESSIE_URI: fixture.uri,
    };
    const branches = await runCli(['catalog', 'branches', '--json'], env);
    expect(branches.code, branches.stderr).toBe(0);
    expect(JSON.parse(branches.stdout).map((b: { branch: string }) => b.branch)).toEqual([
      'a',
      'etl',
      MAIN_BRANCH,
    ]);
    const scan = await runCli(['table', 'scan', 'device_health', '--json'], env);
    expect(
      JSON.parse(scan.stdout)
        .map((r: { run_id: string }) => r.run_id)
        .sort(),
    ).toEqual(['a', 'r9']);
    const missing = await runCli(['catalog', 'branches'], { ...env, LAMBDA_IOT_NESSIE_URI: undefined });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/LAMBDA_IOT_NESSIE_URI/);

    expect(fixture.violations).toEqual([]);
    // The fixture's validation can fail: a commit body without table-changes is reported.
    await fetch(`${fixture.uri}/iceberg/v1/main/transactions/commit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ changes: [] }),
    });
    expect(fixture.violations.join('\n')).toMatch(/commitTransaction request/);
    for (const route of ['GET /iceberg/main/v1/config', 'POST /api/v2/trees', 'DELETE /api/v2/trees/b@']) {
      expect(
        fixture.requests.some((r) => r.startsWith(route.split('@')[0]!)),
        route,
      ).toBe(true);
    }
    expect(fixture.requests.some((r) => /^POST \/iceberg\/v1\/[^/]+\/transactions\/commit$/.test(r))).toBe(
      true,
    );
    expect(fixture.requests.some((r) => /^POST \/api\/v2\/trees\/[^/]+\/history\/merge$/.test(r))).toBe(true);
  }, 60_000);

  it('retries a request that got 503 or 429 (per request, LAMBDA_IOT_RETRY_*); a 400 makes one attempt; a commit that got 503 is not sent again', async () => {
    const dataDir = tempDataDir('nessie-retry');
    const store = await openObjectStore(loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir }));
    const server = new EmbeddedCatalog({ file: path.join(dataDir, 'server', 'nessie.sqlite'), store });
    const fixture: NessieFixture = await startNessieFixture(server, specsDir!);
    cleanups.push(
      () => store.close(),
      () => server.close(),
      () => fixture.close(),
    );
    const waits: number[] = [];
    const nessie = new NessieCatalog({
      uri: fixture.uri,
      retry: retryPolicyOf(loadConfig({ LAMBDA_IOT_RETRY_ATTEMPTS: '3', LAMBDA_IOT_RETRY_BASE_MS: '50' })),
      retryEffects: { sleep: async (ms) => void waits.push(ms), random: () => 1 },
    });
    const sent = (route: RegExp) => fixture.requests.filter((r) => route.test(r)).length;
    const mainRoute = /^GET \/api\/v2\/trees\/main$/;

    // 503 twice, then the real answer: three attempts, backing off 50 then 100 ms.
    fixture.failNext(503, 2, mainRoute);
    const main = await nessie.getBranch(MAIN_BRANCH);
    expect(main.name).toBe(MAIN_BRANCH);
    expect(sent(mainRoute)).toBe(3);
    expect(waits).toEqual([50, 100]);

    // 503 three times: the attempts run out; the error says how many and wraps the last one.
    fixture.failNext(503, 3, mainRoute);
    const exhausted = await nessie.getBranch(MAIN_BRANCH).catch((e: unknown) => e);
    expect(exhausted).toBeInstanceOf(RetriesExhaustedError);
    expect((exhausted as RetriesExhaustedError).attempts).toBe(3);
    expect(((exhausted as Error).cause as Error).message).toMatch(
      /^nessie GET \/api\/v2\/trees\/main: 503 planted 503$/,
    );
    expect(sent(mainRoute)).toBe(6);

    // 429 on a change: refused before anything was done, so it is sent again.
    fixture.failNext(429, 1, /^POST \/api\/v2\/trees$/);
    await nessie.createBranch('etl');
    expect(sent(/^POST \/api\/v2\/trees$/)).toBe(2);

    // A 400 is not retried: exactly one attempt.
    fixture.failNext(400, 1, mainRoute);
    await expect(nessie.getBranch(MAIN_BRANCH)).rejects.toThrow(
      /^nessie GET \/api\/v2\/trees\/main: 400 planted 400$/,
    );
    expect(sent(mainRoute)).toBe(7);

    // A commit that got a 503 may have been applied: one attempt, and the error says the outcome is unknown.
    const commitRoute = /^POST \/iceberg\/v1\/[^/]+\/transactions\/commit$/;
    fixture.failNext(503, 1, commitRoute);
    const head = await nessie.getBranch('etl');
    const commit = () =>
      nessie.commit({
        branch: 'etl',
        expectedHash: head.hash,
        message: 'create',
        changes: [createTableChange(store, HEALTH)],
      });
    await expect(commit()).rejects.toThrow(
      /503 planted 503 \(outcome unknown: not retried; check the branch/,
    );
    expect(sent(commitRoute)).toBe(1);
    expect((await nessie.getBranch('etl')).hash).toBe(head.hash);
    expect((await commit()).commit?.tables).toEqual([HEALTH.name]);
    expect(sent(commitRoute)).toBe(2);

    // A network failure: a read is sent again, a change is not.
    let dropNext: string | undefined = 'GET';
    const calls: string[] = [];
    const flaky = new NessieCatalog({
      uri: fixture.uri,
      retry: { attempts: 3, baseMs: 1 },
      retryEffects: { sleep: async () => {} },
      fetch: async (input, init) => {
        const method = init?.method ?? 'GET';
        calls.push(method);
        if (method === dropNext) {
          dropNext = undefined;
          throw new TypeError('fetch failed');
        }
        return fetch(input, init);
      },
    });
    expect((await flaky.getBranch(MAIN_BRANCH)).name).toBe(MAIN_BRANCH);
    expect(calls).toEqual(['GET', 'GET']);
    dropNext = 'DELETE';
    await expect(flaky.deleteBranch('etl')).rejects.toThrow(/cannot reach .* \(outcome unknown: not retried/);
    expect(calls.filter((m) => m === 'DELETE')).toEqual(['DELETE']);
  }, 60_000);
});

describe('Nessie URI with credentials', () => {
  it('sends user:password as Basic auth, never in the URL, and prints the URI without them', async () => {
    const seen: { url: string; authorization: string | undefined }[] = [];
    const nessie = new NessieCatalog({
      uri: 'http://kit:s3cr%40t@nessie.invalid:19120/api/v2/',
      retry: { attempts: 1, baseMs: 1 },
      fetch: async (input, init) => {
        const headers = (init?.headers ?? {}) as Record<string, string>;
        seen.push({ url: String(input), authorization: headers.authorization });
        throw new TypeError('fetch failed');
      },
    });
    expect(nessie.describe()).toBe('nessie http://nessie.invalid:19120/api/v2');
    const failure = await nessie.getBranch(MAIN_BRANCH).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(failure?.message).toMatch(
      /cannot reach http:\/\/nessie\.invalid:19120\/api\/v2 \(check LAMBDA_IOT_NESSIE_URI\)/,
    );
    expect(JSON.stringify([failure?.message, nessie.describe()])).not.toMatch(/s3cr|kit:/);
    expect(seen[0]!.url.startsWith('http://nessie.invalid:19120/api/v2/')).toBe(true);
    expect(seen[0]!.authorization).toBe(`Basic ${Buffer.from('kit:s3cr@t').toString('base64')}`);
  });

  it('prefers the bearer token over credentials in the URI', async () => {
    let authorization: string | undefined;
    const nessie = new NessieCatalog({
      uri: 'http://kit:pw@nessie.invalid:19120',
      token: 'tok',
      retry: { attempts: 1, baseMs: 1 },
      fetch: async (_input, init) => {
        authorization = ((init?.headers ?? {}) as Record<string, string>).authorization;
        throw new TypeError('fetch failed');
      },
    });
    await expect(nessie.getBranch(MAIN_BRANCH)).rejects.toThrow(/cannot reach/);
    expect(authorization).toBe('Bearer tok');
  });
});
