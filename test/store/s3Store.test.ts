import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { ObjectNotFoundError, StoreError } from '../../src/errors.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { S3ObjectStore } from '../../src/store/s3Store.js';
import { randomBucket, s3ForTests } from '../support/s3.js';
import { requireService } from '../support/services.js';
import { describeStoreContract } from './storeContract.js';

const s3 = await s3ForTests();
const available = requireService(
  'S3 (s3rver)',
  s3 !== undefined,
  'run npm install (s3rver is a devDependency) or set LAMBDA_IOT_TEST_S3_ENDPOINT',
);

const bucket = randomBucket();
const configFor = (env: Record<string, string> = {}) =>
  loadConfig({
    LAMBDA_IOT_STORE: 's3',
    LAMBDA_IOT_S3_ENDPOINT: s3!.endpoint,
    LAMBDA_IOT_S3_BUCKET: bucket,
    ...env,
  });

describe.runIf(available)('s3 adapter', () => {
  describeStoreContract(`s3 (s3rver at ${s3?.endpoint})`, async () => {
    // 5 MiB parts, so the ≥ 5 MB streamed bodies of the contract go up as multipart uploads
    const store = await openObjectStore(configFor(), {
      credentials: s3!.credentials,
      partSize: 5 * 1024 * 1024,
    });
    return { store, secret: s3!.credentials.secretAccessKey, close: () => store.close() };
  });

  it('creates the bucket when it is missing, and opens an existing one', async () => {
    const fresh = randomBucket('new');
    const config = configFor({ LAMBDA_IOT_S3_BUCKET: fresh });
    const store = await openObjectStore(config, { credentials: s3!.credentials });
    await store.put('raw/a.bin', Buffer.from('a'));
    await store.close();
    const again = await openObjectStore(config, { credentials: s3!.credentials });
    expect(Buffer.from(await again.get('raw/a.bin')).toString()).toBe('a');
    expect(again.kind).toBe('s3');
    expect(again.uri('warehouse/gold/t')).toBe(`s3://${fresh}/warehouse/gold/t`);
    expect(again.describe()).toBe(`s3://${fresh} at ${s3!.endpoint} (path-style)`);
    await again.close();
  });

  it('names the setting to check when the server cannot be reached, and says a retry may help', async () => {
    const store = new S3ObjectStore({
      bucket,
      endpoint: 'http://127.0.0.1:1',
      credentials: s3!.credentials,
      maxAttempts: 1,
    });
    const error = await store.get('raw/x.bin').catch((e) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).not.toBeInstanceOf(ObjectNotFoundError);
    expect(error.message).toMatch(/lake s3 get failed: raw\/x\.bin .*ECONNREFUSED.*LAMBDA_IOT_S3_ENDPOINT/);
    expect(error.retriable).toBe(true);
    const opening = await openObjectStore(configFor({ LAMBDA_IOT_S3_ENDPOINT: 'http://127.0.0.1:1' }), {
      credentials: s3!.credentials,
      maxAttempts: 1,
    }).catch((e) => e);
    expect(opening.message).toMatch(/lake s3 check bucket failed.*LAMBDA_IOT_S3_ENDPOINT/);
  });

  it('names the credential variables when the server refuses the key, and never prints the secret', async () => {
    const store = new S3ObjectStore({
      bucket,
      endpoint: s3!.endpoint,
      credentials: { accessKeyId: 'WRONG', secretAccessKey: 'hunter2-secret' },
      maxAttempts: 1,
    });
    const error = await store.put('raw/x.bin', Buffer.from('x')).catch((e) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error.message).toMatch(/InvalidAccessKeyId.*AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    expect(error.retriable).toBe(false);
    expect(error.message).not.toContain('hunter2-secret');
    expect(store.describe()).not.toContain('hunter2-secret');
    await store.close();
  });

  it('reports a missing bucket as a StoreError naming LAMBDA_IOT_S3_BUCKET, not as a missing object', async () => {
    const store = new S3ObjectStore({
      bucket: randomBucket('absent'),
      endpoint: s3!.endpoint,
      credentials: s3!.credentials,
    });
    const error = await store.get('raw/x.bin').catch((e) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).not.toBeInstanceOf(ObjectNotFoundError);
    expect(error.message).toMatch(/NoSuchBucket.*LAMBDA_IOT_S3_BUCKET/);
    await store.close();
  });
});
