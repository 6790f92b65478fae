import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { avroMetadata, icebergRead } from 'icebird';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAIN_BRANCH } from '../../src/catalog/port.js';
import { loadConfig } from '../../src/config/config.js';
import { addColumnsChange } from '../../src/iceberg/schema.js';
import type { TableMetadata } from '../../src/iceberg/types.js';
import type { ObjectStore } from '../../src/store/objectStore.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import {
  type CatalogFixture,
  catalogFixture,
  createTable,
  HEALTH,
  healthRows,
  readRows,
  writeRows,
} from '../catalog/fixture.js';
import { tempDataDir } from '../support/cli.js';
import { randomBucket, s3ForTests } from '../support/s3.js';
import { requireService } from '../support/services.js';

/**
 * icebird fetches every file by URL. This shim serves file:// URLs from disk and rewrites the
 * https://<bucket>.s3.amazonaws.com/<key> URLs icebird makes from s3:// locations to the test's S3 server,
 * with HEAD and Range support, so icebird reads exactly the bytes the kit wrote.
 */
const realFetch = globalThis.fetch;
let s3Endpoint: string | undefined;
function shimFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const range = new Headers(init?.headers).get('range');
  if (url.startsWith('file://')) {
    const file = fileURLToPath(url);
    if (!fs.existsSync(file)) return Promise.resolve(new Response('not found', { status: 404 }));
    const bytes = fs.readFileSync(file);
    if (init?.method === 'HEAD') {
      return Promise.resolve(
        new Response(null, { status: 200, headers: { 'content-length': String(bytes.length) } }),
      );
    }
    const m = range ? /bytes=(\d+)-(\d*)/.exec(range) : null;
    if (m) {
      const start = Number(m[1]);
      const end = m[2] ? Number(m[2]) + 1 : bytes.length;
      return Promise.resolve(new Response(bytes.subarray(start, end), { status: 206 }));
    }
    return Promise.resolve(new Response(bytes, { status: 200 }));
  }
  const s3 = /^https:\/\/([^.]+(?:\.[^.]+)*?)\.s3\.amazonaws\.com\/(.*)$/.exec(url);
  if (s3 && s3Endpoint) return realFetch(`${s3Endpoint}/${s3[1]}/${s3[2]}`, init);
  return realFetch(input, init);
}
beforeAll(() => {
  globalThis.fetch = shimFetch as typeof fetch;
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

const fixtures: CatalogFixture[] = [];
afterEach(async () => {
  for (const f of fixtures.splice(0)) {
    await f.close();
    await f.store.close();
  }
});

/** Writes the same history into a table: append, overwrite a day, add a column, append with it. */
async function writeHistory(f: CatalogFixture): Promise<TableMetadata> {
  await createTable(f, HEALTH);
  await writeRows(
    f,
    HEALTH.name,
    healthRows([
      ['d-1', '2025-04-01', 20.5, [], 'r1'],
      ['d-2', '2025-04-01', 30, ['bearing'], 'r1'],
      ['d-1', '2025-04-02', 21, [], 'r1'],
    ]),
    'append',
  );
  await writeRows(
    f,
    HEALTH.name,
    healthRows([['d-1', '2025-04-02', 22.25, ['motor', 'sensor'], 'r2']]),
    'overwrite-partitions',
  );
  const head = await f.catalog.getBranch(MAIN_BRANCH);
  const loaded = await f.catalog.loadTable(head.hash, HEALTH.name);
  await f.catalog.commit({
    branch: MAIN_BRANCH,
    expectedHash: head.hash,
    message: 'add note',
    changes: [addColumnsChange(HEALTH.name, loaded.metadata, [{ name: 'note', type: 'string' }])],
  });
  await writeRows(
    f,
    HEALTH.name,
    `SELECT 'd-3' AS device_id, DATE '2025-04-03' AS date, 19.0 AS max_temp, ['battery'] AS failed_components, 'r3' AS run_id, 'added later' AS note`,
    'append',
  );
  return (await f.catalog.loadTable(MAIN_BRANCH, HEALTH.name)).metadata;
}

const day = (v: unknown) =>
  v instanceof Date
    ? v.toISOString().slice(0, 10)
    : typeof v === 'number'
      ? new Date(v * 86_400_000).toISOString().slice(0, 10)
      : v;
const normalize = (rows: Record<string, unknown>[]) =>
  rows
    .map((r) => ({
      device_id: r.device_id,
      date: day(r.date),
      max_temp: r.max_temp,
      failed_components: r.failed_components ?? [],
      run_id: r.run_id,
      note: r.note ?? null,
    }))
    .sort((a, b) => `${a.device_id}${a.date}`.localeCompare(`${b.device_id}${b.date}`));

async function expectIcebirdAgrees(f: CatalogFixture, store: ObjectStore) {
  const metadata = await writeHistory(f);
  const kit = await readRows(f, MAIN_BRANCH, HEALTH.name);
  expect(kit).toHaveLength(4);
  // icebird declares its own (narrower) metadata types; the JSON is the same.
  const icebird = await icebergRead({ tableUrl: metadata.location, metadata: metadata as never });
  expect(normalize(icebird)).toEqual(normalize(kit));
  expect(normalize(kit).find((r) => r.device_id === 'd-3')?.note).toBe('added later');
  expect(normalize(kit).find((r) => r.device_id === 'd-1' && r.date === '2025-04-01')?.note).toBeNull();

  // The manifests' Avro schemas, read back by icebird's own reader, carry the spec's field ids.
  const snapshot = metadata.snapshots.at(-1)!;
  const listBytes = await store.get(store.keyOf(snapshot['manifest-list']));
  const list = await avroMetadata(asReader(listBytes));
  const listSchema = JSON.stringify(list.metadata['avro.schema'] ?? list.metadata);
  expect(listSchema).toMatch(/"field-id":500/);
  expect(listSchema).toMatch(/"field-id":503/);
}

/** icebird's avro readers take a DataReader over the bytes. */
function asReader(bytes: Uint8Array) {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return { view: new DataView(buffer), offset: 0 };
}

const s3 = await s3ForTests();
const available = requireService(
  'S3 (s3rver)',
  s3 !== undefined,
  'run npm install or set LAMBDA_IOT_TEST_S3_ENDPOINT',
);

describe('icebird (an independent Iceberg reader) reads the tables the kit writes', () => {
  it('through file:// URLs: the same rows as the kit reader, schema evolution included', async () => {
    const dataDir = tempDataDir('icebird');
    const store = await openObjectStore(loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir }));
    const f = await catalogFixture(store, dataDir);
    fixtures.push(f);
    await expectIcebirdAgrees(f, store);
  });

  it.runIf(available)('from S3 (s3rver): the same rows as the kit reader', async () => {
    s3Endpoint = s3!.endpoint;
    const dataDir = tempDataDir('icebird-s3');
    const config = loadConfig({
      LAMBDA_IOT_DATA_DIR: dataDir,
      LAMBDA_IOT_STORE: 's3',
      LAMBDA_IOT_S3_ENDPOINT: s3!.endpoint,
      LAMBDA_IOT_S3_BUCKET: randomBucket('iceberg'),
    });
    const store = await openObjectStore(config, { credentials: s3!.credentials });
    const f = await catalogFixture(store, dataDir);
    fixtures.push(f);
    expect((await f.catalog.listBranches())[0]!.name).toBe('main');
    await expectIcebirdAgrees(f, store);
  });
});
