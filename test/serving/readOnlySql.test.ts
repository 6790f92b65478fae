import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DuckSession, openDuckSession } from '../../src/duckdb/duckSession.js';
import { prepareReadOnly, ReadOnlyQueryError } from '../../src/serving/readOnlySql.js';

let duck: DuckSession;
beforeAll(async () => {
  duck = await openDuckSession();
  await duck.run('create table t (id integer, name varchar)');
  await duck.run("insert into t values (1, 'a')");
});
afterAll(() => duck.close());

describe('prepareReadOnly', () => {
  it.each([
    "insert into t values (2, 'b')",
    'create table copy_of as select * from t',
    "copy t to '/tmp/lambda-iot-leak.csv'",
    "attach '/tmp/lambda-iot-other.duckdb' as other",
    'install httpfs',
    'set threads = 1',
    'with doomed as (select 1) delete from t',
    'select 1; drop table t',
    "explain analyze insert into t values (3, 'c')",
    '/* comment */ EXPLAIN   ANALYZE select 1',
    'call pragma_version()',
    'update t set id = 2',
    'drop table t',
    'checkpoint',
  ])('refuses %s', async (sql) => {
    await expect(prepareReadOnly(duck.connection, sql)).rejects.toThrow(ReadOnlyQueryError);
    expect(await duck.rows('select count(*)::int as n from t')).toEqual([{ n: 1 }]);
  });

  it.each([
    'select * from t where id = $id',
    'describe t',
    'show tables',
    'summarize t',
    'pragma table_info(t)', // DuckDB rewrites it to a SELECT
    'explain select * from t',
    'with x as (select 1 as y) select * from x',
  ])('accepts %s', async (sql) => {
    const prepared = await prepareReadOnly(duck.connection, sql);
    prepared.destroySync();
  });

  it('reports SQL DuckDB cannot parse or bind as rejected, naming the problem', async () => {
    await expect(prepareReadOnly(duck.connection, 'selec 1')).rejects.toThrow(/^sql rejected: Parser Error/);
    await expect(prepareReadOnly(duck.connection, 'select nope from t')).rejects.toThrow(
      /^sql rejected: .*nope/,
    );
  });

  it('names what it refused', async () => {
    await expect(prepareReadOnly(duck.connection, 'with d as (select 1) delete from t')).rejects.toThrow(
      'sql refused: DELETE is not a read-only query',
    );
    await expect(prepareReadOnly(duck.connection, 'select 1; select 2')).rejects.toThrow(
      'sql refused: one statement per call, got 2',
    );
  });
});
