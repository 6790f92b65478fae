import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLogDatabase } from '../../src/bus/embedded/database.js';
import { EmbeddedLog } from '../../src/bus/embedded/embeddedLog.js';
import { SqliteCommits } from '../../src/catalog/sqliteCommits.js';
import { StoreError } from '../../src/errors.js';
import { localError } from '../../src/store/localFiles.js';
import { tempDir } from '../support/tempDirs.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** The error a call throws (the test fails when it throws nothing). */
function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('errors about broken files name the file and say what to do', () => {
  it('a damaged embedded log or catalog file is named, with the way out', () => {
    const dir = tempDir('lambda-iot-broken-');
    const junk = Buffer.alloc(8192, 0x5a);
    const logFile = path.join(dir, 'log', 'log.sqlite');
    const catalogFile = path.join(dir, 'catalog', 'catalog.sqlite');
    for (const file of [logFile, catalogFile]) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, junk);
    }
    const log = thrown(() => openLogDatabase(logFile));
    expect(log).toBeInstanceOf(StoreError);
    expect(log.message).toBe(
      `embedded log: ${logFile} is not a readable SQLite database (damaged, or another kind of file): move it away to start that part afresh, or restore it from a copy`,
    );
    expect((log.cause as { code?: string }).code).toBe('SQLITE_NOTADB');
    const catalog = thrown(() => new SqliteCommits(catalogFile, 0));
    expect(catalog.message).toMatch(`embedded catalog: ${catalogFile} is not a readable SQLite database`);
  });

  it('a full disk while producing names the log file (SQLite reports SQLITE_FULL)', async () => {
    const dir = tempDir('lambda-iot-full-');
    const file = path.join(dir, 'log', 'log.sqlite');
    const log = new EmbeddedLog({ file, partitions: 1 });
    closers.push(() => log.close());
    await log.produce('t', [{ key: 'k', value: 'first', timestamp: 0 }]);
    // The file may not grow past its current pages: the next large produce meets a "full disk".
    const db = (log as unknown as { db: { pragma(s: string): unknown } }).db;
    const pages = (db.pragma('page_count') as { page_count: number }[])[0]!.page_count;
    db.pragma(`max_page_count = ${pages}`);
    const big = Array.from({ length: 200 }, (_, i) => ({
      key: `k${i}`,
      value: 'x'.repeat(4000),
      timestamp: i,
    }));
    const failure = await log.produce('t', big).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(failure).toBeInstanceOf(StoreError);
    expect(failure?.message).toMatch(`embedded log: no space left for ${file}`);
    expect(failure?.message).toMatch(/LAMBDA_IOT_DATA_DIR/);
    expect((failure?.cause as { code?: string } | undefined)?.code).toBe('SQLITE_FULL');
  });

  it('a lake that cannot be written says read-only or full, never just the errno', () => {
    const errno = (code: string) => Object.assign(new Error(`${code}: planted, open '/d/lake/x'`), { code });
    expect(localError('put', 'raw/x.parquet', errno('EROFS'), '/d/lake').message).toMatch(
      /the lake \/d\/lake is on a read-only file system: set LAMBDA_IOT_DATA_DIR/,
    );
    expect(localError('put', 'raw/x.parquet', errno('EACCES'), '/d/lake').message).toMatch(
      /the lake \/d\/lake is read-only for this user/,
    );
    expect(localError('put', 'raw/x.parquet', errno('ENOSPC'), '/d/lake').message).toMatch(
      /no space left for the lake \/d\/lake/,
    );
    // reading a file this user may not read is not a "read-only" problem
    expect(localError('get', 'raw/x.parquet', errno('EACCES'), '/d/lake').message).not.toMatch(/read-only/);
  });
});
