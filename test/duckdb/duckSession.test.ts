import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { duckLimits, duckTempDirectory, openDuckSession } from '../../src/duckdb/duckSession.js';
import { DuckDBLimitError } from '../../src/errors.js';
import { tempDir } from '../support/tempDirs.js';

describe('DuckSession temp_directory', () => {
  it('spills under the data directory and removes that directory on close', async () => {
    const dataDir = tempDir('lambda-iot-duck-');
    const spill = duckTempDirectory(dataDir);
    expect(path.relative(dataDir, spill)).toMatch(new RegExp(`^tmp/duckdb-${process.pid}-\\d+$`));
    expect(duckTempDirectory(dataDir)).not.toBe(spill); // one per session
    const duck = await openDuckSession({ tempDirectory: spill, threads: 1 });
    const [setting] = await duck.rows<{ dir: string }>("SELECT current_setting('temp_directory') AS dir");
    expect(setting!.dir).toBe(spill);
    // Make DuckDB spill: a sort far larger than its memory limit.
    await duck.run("SET memory_limit = '32MB'; SET preserve_insertion_order = false");
    await duck.run('CREATE TABLE big AS SELECT i, md5(i::VARCHAR) AS h FROM range(3000000) t(i) ORDER BY h');
    const [count] = await duck.rows<{ n: number }>('SELECT count(*) AS n FROM big');
    expect(count!.n).toBe(3_000_000);
    expect(fs.existsSync(spill)).toBe(true); // it spilled there
    duck.close();
    expect(fs.existsSync(spill)).toBe(false);
  });
});

describe('DuckSession memory_limit and max_temp_directory_size', () => {
  it('sets the limits given (LAMBDA_IOT_DUCKDB_MEMORY_LIMIT, LAMBDA_IOT_DUCKDB_TEMP_LIMIT) and leaves the rest to DuckDB', async () => {
    expect(duckLimits({ duckdbMemoryLimit: '100MB', duckdbTempLimit: '2GB' })).toEqual({
      memoryLimit: '100MB',
      maxTempDirectorySize: '2GB',
    });
    expect(duckLimits({})).toEqual({});
    const setting =
      "SELECT current_setting('memory_limit') AS m, current_setting('max_temp_directory_size') AS t";
    const limited = await openDuckSession(duckLimits({ duckdbMemoryLimit: '100MB', duckdbTempLimit: '2GB' }));
    expect(await limited.rows(setting)).toEqual([{ m: '95.3 MiB', t: '1.8 GiB' }]);
    limited.close();
    const plain = await openDuckSession();
    const [defaults] = await plain.rows<{ m: string; t: string }>(setting);
    plain.close();
    expect(defaults!.m).not.toBe('95.3 MiB');
    expect(defaults!.t).toBe('90% of available disk space');
  });

  it('reports a full spill directory as DuckDBLimitError naming the directory, the limit and the settings', async () => {
    const spill = duckTempDirectory(tempDir('lambda-iot-duck-'));
    const duck = await openDuckSession({
      tempDirectory: spill,
      threads: 1,
      memoryLimit: '32MB',
      maxTempDirectorySize: '1MB',
    });
    await duck.run('SET preserve_insertion_order = false');
    const error = await duck
      .run('CREATE TABLE big AS SELECT i, md5(i::VARCHAR) AS h FROM range(3000000) t(i) ORDER BY h')
      .catch((e: unknown) => e);
    duck.close();
    expect(error).toBeInstanceOf(DuckDBLimitError);
    expect(error).toMatchObject({ limit: 'temp', tempDirectory: spill });
    const message = (error as Error).message;
    expect(message).toContain(
      `duckdb spill directory full: ${spill} reached max_temp_directory_size 976.5 KiB`,
    );
    expect(message).toContain('LAMBDA_IOT_DUCKDB_TEMP_LIMIT=1MB');
    expect(message).toMatch(/LAMBDA_IOT_DUCKDB_MEMORY_LIMIT \(now 32MB\).*LAMBDA_IOT_DATA_DIR/);
    expect(((error as Error).cause as Error).message).toMatch(/^Out of Memory Error: failed to offload/);
  });

  it('reports memory that cannot spill as DuckDBLimitError (limit memory); other errors pass unchanged', async () => {
    const spill = duckTempDirectory(tempDir('lambda-iot-duck-'));
    const duck = await openDuckSession({ tempDirectory: spill, threads: 1, memoryLimit: '20MB' });
    // A list aggregate keeps its lists in memory: it cannot spill.
    const error = await duck
      .rows('SELECT length(list(i)) AS n FROM range(10000000) t(i)')
      .catch((e: unknown) => e);
    const plain = await duck.rows('SELECT * FROM no_such_table').catch((e: unknown) => e);
    duck.close();
    expect(error).toBeInstanceOf(DuckDBLimitError);
    expect(error).toMatchObject({ limit: 'memory', tempDirectory: spill });
    expect((error as Error).message).toMatch(
      /^duckdb out of memory: memory_limit 19\.0 MiB reached \([\d.]+ MiB used, LAMBDA_IOT_DUCKDB_MEMORY_LIMIT=20MB\), spill directory /,
    );
    expect((error as Error).message).toContain('LAMBDA_IOT_DUCKDB_TEMP_LIMIT, now unset');
    expect(plain).not.toBeInstanceOf(DuckDBLimitError);
    expect((plain as Error).message).toMatch(/no_such_table/);
  });
});
