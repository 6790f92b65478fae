import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { ReadOnlyQueryError } from '../../src/serving/readOnlySql.js';
import {
  applySqlFiles,
  connectStarrocks,
  StarrocksError,
  StarrocksServing,
} from '../../src/serving/starrocksServing.js';
import { parseStarrocksUrl, placeholderValues, readSqlFiles } from '../../src/serving/starrocksSql.js';
import { requireService } from '../support/services.js';

/**
 * The StarRocks adapter's MySQL-protocol path against MariaDB (no StarRocks runs here): connect, apply a
 * multi-statement file, bound parameters, errors with file:line and placeholders, a refused login.
 * LAMBDA_IOT_TEST_MYSQL_URL=mysql://user:password@127.0.0.1:port/database (.ci/run starts MariaDB).
 */
const URL_GIVEN = process.env.LAMBDA_IOT_TEST_MYSQL_URL;
const run = requireService(
  'MariaDB (MySQL protocol)',
  URL_GIVEN !== undefined && URL_GIVEN !== '',
  'set LAMBDA_IOT_TEST_MYSQL_URL=mysql://user:password@127.0.0.1:<port>/<database> (.ci/run starts a MariaDB)',
);
const FIXTURES = path.join(__dirname, 'fixtures', 'mysql');
const FAKE_SECRET = 'fAkE-SeCrEt-8f3a';
/** The placeholder of the AWS secret, as it is written in SQL files. */
const SECRET_PLACEHOLDER = ['$', '{AWS_SECRET_ACCESS_KEY}'].join('');

describe.runIf(run)('StarRocks adapter over the MySQL protocol (MariaDB)', () => {
  // collected even when skipped: a placeholder URL keeps loadConfig quiet then
  const url = URL_GIVEN ?? 'mysql://unused@127.0.0.1/unused';
  const config = loadConfig({
    LAMBDA_IOT_SERVING: 'starrocks',
    LAMBDA_IOT_STARROCKS_URL: url,
    LAMBDA_IOT_NAME_PREFIX: 'tmysql-',
  });
  const stack = {
    config,
    catalog: async () => ({ loadTable: async () => Promise.reject(new Error('unused')) }),
  };
  let serving: StarrocksServing;

  beforeAll(async () => {
    serving = await StarrocksServing.open(stack, readSqlFiles(FIXTURES));
    await serving.applySchema();
  });
  afterAll(async () => {
    await serving?.close();
  });

  it('applies a multi-statement file, idempotently (a second apply changes nothing)', async () => {
    await serving.applySchema();
    const devices = await serving.query(
      'select device_id, `date`, `timestamp`, note from devices order by `date`',
    );
    expect(devices.rows).toEqual([
      {
        device_id: 'device_1',
        date: '2025-04-01',
        timestamp: '2025-04-01T10:00:00.123456Z',
        note: 'semi; colon',
      },
      {
        device_id: "o'brien;drop",
        date: '2025-04-02',
        timestamp: '2025-04-02T23:59:59.000000Z',
        note: 'quote "and" semicolon',
      },
      { device_id: '100%_ünïcødé', date: '2025-04-03', timestamp: '2025-04-03T00:00:00.000000Z', note: null },
    ]);
    expect(devices.columns.map((c) => c.type)).toEqual(['VARCHAR', 'DATE', 'TIMESTAMP', 'VARCHAR']);
    expect((await serving.query('select name from topics')).rows).toEqual([{ name: 'tmysql-iot-anomalies' }]);
  });

  it('binds $name parameters as values: quotes, semicolons, % and unicode are matched literally', async () => {
    for (const id of ["o'brien;drop", '100%_ünïcødé', 'device_1']) {
      const result = await serving.query('select device_id, note from devices where device_id = $id', { id });
      expect(result.rows.map((r) => r.device_id)).toEqual([id]);
    }
    const none = await serving.query('select count(*) as n from devices where device_id = $id', {
      id: "x' or '1'='1",
    });
    expect(none.rows).toEqual([{ n: 0 }]);
    const like = await serving.query(
      "select count(*) as n from devices where note like '%$notaparam%' or $yes",
      {
        yes: false,
      },
    );
    expect(like.rows).toEqual([{ n: 0 }]);
  });

  it('refuses statements that write, and more than one statement', async () => {
    await expect(serving.query("delete from devices where device_id = 'device_1'")).rejects.toThrow(
      ReadOnlyQueryError,
    );
    await expect(serving.query('select 1; drop table devices')).rejects.toThrow(ReadOnlyQueryError);
    await expect(serving.query('with x as (select 1) delete from devices')).rejects.toThrow(
      ReadOnlyQueryError,
    );
    expect((await serving.query('select count(*) as n from devices')).rows).toEqual([{ n: 3 }]);
  });

  it('names file:line and shows placeholders, never their values, when a statement fails', async () => {
    const connection = await connectStarrocks(parseStarrocksUrl(url), {
      database: parseStarrocksUrl(url).database,
    });
    try {
      const files = [
        { name: '10_ok.sql', text: '-- fine\nselect 1;\n' },
        {
          name: '20_bad.sql',
          text: `-- a statement the server refuses, naming the secret in its message\nselect 1;\n\nselect count(*)\n  from \`${SECRET_PLACEHOLDER}\`;\n`,
        },
      ];
      const values = placeholderValues(config, { AWS_SECRET_ACCESS_KEY: FAKE_SECRET });
      const error = await applySqlFiles(connection, files, values).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StarrocksError);
      const message = (error as Error).message;
      expect(message).toMatch(/^starrocks apply 20_bad\.sql:4: /);
      expect(message).toContain(`from \`${SECRET_PLACEHOLDER}\``);
      expect(message).not.toContain(FAKE_SECRET);
      expect(JSON.stringify(error)).not.toContain(FAKE_SECRET);
    } finally {
      await connection.end();
    }
  });

  it('a wrong password gives a clear error naming LAMBDA_IOT_STARROCKS_URL, without the password', async () => {
    const wrong = parseStarrocksUrl(url);
    const error = await connectStarrocks({ ...wrong, password: 'wrong-pass-42' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StarrocksError);
    expect((error as Error).message).toMatch(
      /access denied: check the user and password in LAMBDA_IOT_STARROCKS_URL/,
    );
    expect((error as Error).message).not.toContain('wrong-pass-42');
  });
});

describe('LAMBDA_IOT_STARROCKS_URL', () => {
  it('parses user, password, host, port and database (default port 9030, database iot)', () => {
    expect(parseStarrocksUrl('mysql://ro%40x:p%3Ass@fe.example:19030/serving')).toEqual({
      host: 'fe.example',
      port: 19030,
      user: 'ro@x',
      password: 'p:ss',
      database: 'serving',
    });
    expect(parseStarrocksUrl('mysql://root@fe')).toMatchObject({ port: 9030, database: 'iot', password: '' });
  });

  it('refuses a bad URL or database name without showing the password', () => {
    expect(() => parseStarrocksUrl('http://u:hunter22@fe/db')).toThrow(
      /LAMBDA_IOT_STARROCKS_URL.*mysql:\/\//,
    );
    const error = (() => {
      try {
        parseStarrocksUrl('mysql://u:hunter22@fe/bad-name');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/LAMBDA_IOT_STARROCKS_URL.*bad-name/);
    expect(error?.message).not.toContain('hunter22');
  });

  it('is required with LAMBDA_IOT_SERVING=starrocks, and the StarRocks endpoints default to the kit’s', () => {
    expect(() => loadConfig({ LAMBDA_IOT_SERVING: 'starrocks' })).toThrow(/LAMBDA_IOT_STARROCKS_URL/);
    const config = loadConfig({
      LAMBDA_IOT_SERVING: 'starrocks',
      LAMBDA_IOT_STARROCKS_URL: 'mysql://u:p@fe:9030/iot',
      LAMBDA_IOT_KAFKA_BROKERS: 'kafka:9092',
      LAMBDA_IOT_S3_ENDPOINT: 'http://minio:9000',
    });
    expect(config.starrocksKafkaBrokers).toEqual(['kafka:9092']);
    expect(config.starrocksS3Endpoint).toBe('http://minio:9000');
  });
});
