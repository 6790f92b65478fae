import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { duckTempDirectory, openDuckSession } from '../../src/duckdb/duckSession.js';
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
