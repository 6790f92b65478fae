import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkStarrocksSql } from '../../src/serving/starrocksChecks.js';
import {
  fillPlaceholders,
  readSqlFiles,
  redactValues,
  type SqlFile,
  splitStatements,
} from '../../src/serving/starrocksSql.js';

const DIR = path.join(__dirname, '..', '..', 'sql', 'starrocks');
const files = readSqlFiles(DIR);

/** A copy of the files with one planted defect: `from` replaced by `to` in the file whose name contains `name`. */
function plant(name: string, from: string | RegExp, to: string): SqlFile[] {
  return files.map((f) => {
    if (!f.name.includes(name)) return f;
    const text = f.text.replace(from, to);
    expect(text, `the defect must change ${f.name}`).not.toBe(f.text);
    return { ...f, text };
  });
}

describe('sql/starrocks invariants', () => {
  it('holds every concern of the StarRocks serving layer, each file with a header', () => {
    expect(files.map((f) => f.name)).toEqual([
      '10_database.sql',
      '20_anomalies_streaming.sql',
      '21_device_health_rt.sql',
      '22_anomaly_reviews.sql',
      '23_serving_watermark.sql',
      '30_routine_load_anomalies.sql',
      '31_routine_load_device_health_rt.sql',
      '32_routine_load_anomaly_reviews.sql',
      '40_lake_catalog.sql',
      '50_anomaly_rollup.sql',
      '51_unified_device_health.sql',
      '52_serving_freshness.sql',
    ]);
  });

  it('passes: key columns first and NOT NULL, routine loads in UTC with JSON and an error budget, MVs with REFRESH, no literal credential', () => {
    expect(checkStarrocksSql(files)).toEqual([]);
  });

  it('fails on a routine load without timezone UTC', () => {
    const problems = checkStarrocksSql(plant('30_routine', /\s*"timezone" = "UTC",/, ''));
    expect(problems).toEqual([
      expect.stringMatching(/^30_routine_load_anomalies\.sql:\d+: .*"timezone" = "UTC"/),
    ]);
  });

  it('fails on swapped primary-key columns', () => {
    const problems = checkStarrocksSql(
      plant(
        '20_anomalies',
        'PRIMARY KEY (device_id, `timestamp`, anomaly_type)',
        'PRIMARY KEY (device_id, anomaly_type, `timestamp`)',
      ),
    );
    expect(problems.length).toBe(2);
    expect(problems[0]).toMatch(
      /^20_anomalies_streaming\.sql:\d+: primary key column 2 is anomaly_type, but column 2 of the table is timestamp/,
    );
  });

  it('fails on a nullable key column, DATETIME(n), a missing REFRESH, an error budget of 0, $[*] without strip_outer_array, a literal secret', () => {
    expect(checkStarrocksSql(plant('21_device', '`date` DATE NOT NULL', '`date` DATE NULL'))).toEqual([
      expect.stringMatching(/primary key column date is not NOT NULL/),
    ]);
    expect(
      checkStarrocksSql(
        plant('20_anomalies', '`timestamp` DATETIME NOT NULL', '`timestamp` DATETIME(6) NOT NULL'),
      ),
    ).toEqual([expect.stringMatching(/DATETIME\(n\)/)]);
    expect(checkStarrocksSql(plant('50_anomaly', 'REFRESH ASYNC EVERY (INTERVAL 15 MINUTE)\n', ''))).toEqual([
      expect.stringMatching(/^50_anomaly_rollup\.sql:\d+: materialized view without an explicit REFRESH/),
    ]);
    expect(
      checkStarrocksSql(plant('31_routine', '"max_error_number" = "1000"', '"max_error_number" = "0"')),
    ).toEqual([expect.stringMatching(/without an error budget/)]);
    expect(checkStarrocksSql(plant('31_routine', '\\"$.device_id\\"', '\\"$[*].device_id\\"'))).toEqual([
      expect.stringMatching(/strip_outer_array/),
    ]);
    expect(checkStarrocksSql(plant('40_lake', `"\${AWS_SECRET_ACCESS_KEY}"`, '"minio123"'))).toEqual([
      expect.stringMatching(/^40_lake_catalog\.sql:\d+: literal credential in "aws.s3.secret_key"/),
    ]);
    expect(checkStarrocksSql(plant('10_database', /^(--[^\n]*\n)+/, ''))).toEqual([
      expect.stringMatching(/^10_database\.sql:1: does not start with a comment/),
    ]);
  });
});

describe('statements and placeholders', () => {
  it('splits at ; outside quotes and comments, with the line of each statement', () => {
    const file = {
      name: 'x.sql',
      text: '-- header; not a statement\ncreate table a (x int); -- trailing; comment\n\n/* block; */ insert into a\nvalues (\'a;b\', "c;d", `e;f`)\n;\n-- end',
    };
    expect(splitStatements(file)).toEqual([
      { file: 'x.sql', line: 2, sql: 'create table a (x int)' },
      { file: 'x.sql', line: 4, sql: 'insert into a\nvalues (\'a;b\', "c;d", `e;f`)' },
    ]);
  });

  it('fills placeholders, and names the setting (never a value) when one is missing or unusable', () => {
    const statement = { file: 'f.sql', line: 7, sql: `"k" = "\${AWS_SECRET_ACCESS_KEY}"` };
    expect(fillPlaceholders(statement, { AWS_SECRET_ACCESS_KEY: 'sEcReT-1' })).toBe('"k" = "sEcReT-1"');
    expect(() => fillPlaceholders(statement, {})).toThrow(/AWS_SECRET_ACCESS_KEY.*f\.sql:7/);
    let message = '';
    try {
      fillPlaceholders(statement, { AWS_SECRET_ACCESS_KEY: 'sEcReT"1' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/AWS_SECRET_ACCESS_KEY.*quote/);
    expect(message).not.toContain('sEcReT');
    expect(redactValues("near 'sEcReT-1' at line 1", { AWS_SECRET_ACCESS_KEY: 'sEcReT-1' })).toBe(
      `near '\${AWS_SECRET_ACCESS_KEY}' at line 1`,
    );
  });
});
