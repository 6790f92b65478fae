import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { locationKey } from '../../src/iceberg/locationKey.js';
import { openLocalStore } from '../../src/store/localStore.js';
import { S3ObjectStore } from '../../src/store/s3Store.js';

const root = path.resolve('/srv/class/data/lake');
const store = openLocalStore(root);
const uri = (file: string) => pathToFileURL(path.resolve(file)).href;

describe('locationKey', () => {
  it('resolves URIs of this lake as the store does', () => {
    const key = 'warehouse/iot/gold_device_health/metadata/00001-a.metadata.json';
    expect(locationKey(store, store.uri(key))).toBe(key);
  });

  it('maps a table file of a moved data directory by its part from warehouse/ on', () => {
    const old = '/home/t/prep/data/lake';
    for (const key of [
      'warehouse/iot/gold_device_health',
      'warehouse/iot/gold_device_health/metadata/00002-b.metadata.json',
      'warehouse/iot/gold_device_health/metadata/snap-12-c.avro',
      'warehouse/iot/gold_device_health/data/date_day=2025-04-01/00001-d.parquet',
      'warehouse/iot/unpartitioned/data/00001-e.parquet',
    ]) {
      expect(locationKey(store, uri(`${old}/${key}`))).toBe(key);
    }
  });

  it('takes the last table folder when the old path itself has warehouse/ in it, or a table is named so', () => {
    expect(
      locationKey(
        store,
        uri('/warehouse/iot/x/data/lake/warehouse/iot/gold/data/date_day=2025-04-01/f.parquet'),
      ),
    ).toBe('warehouse/iot/gold/data/date_day=2025-04-01/f.parquet');
    expect(locationKey(store, uri('/old/lake/warehouse/warehouse/data/data/date=2025-04-01/f.parquet'))).toBe(
      'warehouse/warehouse/data/data/date=2025-04-01/f.parquet',
    );
    expect(locationKey(store, uri('/old/lake/warehouse/iot/warehouse'))).toBe('warehouse/iot/warehouse');
  });

  it('still rejects what is not a table file, and everything outside an S3 bucket', () => {
    for (const outside of [
      uri('/etc/passwd'),
      uri('/old/lake/raw/telemetry/date=2025-04-01/x.parquet'),
      uri('/old/lake/warehouse/iot/t/other/x.parquet'),
      uri('/old/lake/warehouse/IOT/t/data/x.parquet'),
      'http://example.com/lake/warehouse/iot/t/data/x.parquet',
    ]) {
      expect(() => locationKey(store, outside), outside).toThrow(InvalidArgumentError);
    }
    expect(() => locationKey(store, uri('/etc/passwd'))).toThrow(/outside the lake/);
    const s3 = new S3ObjectStore({ bucket: 'lake', region: 'us-east-1' });
    expect(locationKey(s3, 's3://lake/warehouse/iot/t/data/x.parquet')).toBe(
      'warehouse/iot/t/data/x.parquet',
    );
    expect(() => locationKey(s3, uri('/old/lake/warehouse/iot/t/data/x.parquet'))).toThrow(
      /not in bucket lake/,
    );
  });
});
