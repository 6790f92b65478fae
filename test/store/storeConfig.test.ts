import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/errors.js';
import { s3StoreOptions } from '../../src/store/openObjectStore.js';
import { S3ObjectStore } from '../../src/store/s3Store.js';

describe('object store settings', () => {
  it('defaults to the local store; S3 defaults to bucket iot-lake in us-east-1 on AWS', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      store: 'local',
      s3Region: 'us-east-1',
      s3Bucket: 'iot-lake',
      s3ForcePathStyle: false,
    });
    expect(config.s3Endpoint).toBeUndefined();
  });

  it('uses path-style addresses with an endpoint unless told otherwise', () => {
    const env = { LAMBDA_IOT_STORE: 's3', LAMBDA_IOT_S3_ENDPOINT: 'http://127.0.0.1:9000' };
    expect(loadConfig(env).s3ForcePathStyle).toBe(true);
    expect(loadConfig({ ...env, LAMBDA_IOT_S3_FORCE_PATH_STYLE: 'false' }).s3ForcePathStyle).toBe(false);
    expect(loadConfig({ LAMBDA_IOT_S3_FORCE_PATH_STYLE: 'true' }).s3ForcePathStyle).toBe(true);
    expect(s3StoreOptions(loadConfig({ ...env, LAMBDA_IOT_S3_BUCKET: 'my.lake' }))).toEqual({
      bucket: 'my.lake',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
    });
  });

  it.each([
    ['LAMBDA_IOT_STORE', 'minio', /LAMBDA_IOT_STORE.*"minio".*local.*s3/],
    ['LAMBDA_IOT_S3_ENDPOINT', '127.0.0.1:9000', /LAMBDA_IOT_S3_ENDPOINT.*http:\/\/ or https:\/\//],
    ['LAMBDA_IOT_S3_ENDPOINT', 'ftp://host', /LAMBDA_IOT_S3_ENDPOINT/],
    ['LAMBDA_IOT_S3_BUCKET', 'My_Bucket', /LAMBDA_IOT_S3_BUCKET.*lowercase/],
    ['LAMBDA_IOT_S3_BUCKET', 'ab', /LAMBDA_IOT_S3_BUCKET/],
    ['LAMBDA_IOT_S3_REGION', 'US East', /LAMBDA_IOT_S3_REGION/],
    ['LAMBDA_IOT_S3_FORCE_PATH_STYLE', 'yes', /LAMBDA_IOT_S3_FORCE_PATH_STYLE.*true/],
  ])('fails fast on %s=%s naming the variable', (name, value, message) => {
    const load = () => loadConfig({ [name]: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });

  it('describes the store without credentials, even a user:password part of the endpoint', async () => {
    const config = loadConfig({
      LAMBDA_IOT_STORE: 's3',
      LAMBDA_IOT_S3_ENDPOINT: 'http://u:p4ss@127.0.0.1:9000',
    });
    const store = new S3ObjectStore({
      ...s3StoreOptions(config),
      credentials: { accessKeyId: 'AKIA', secretAccessKey: 'hunter2' },
    });
    expect(store.describe()).toBe('s3://iot-lake at http://127.0.0.1:9000 (path-style)');
    await store.close();
  });
});
