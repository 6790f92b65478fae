import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { diskHint } from './localFiles.js';

/** What a SQLite error code means for the file, or undefined when it says nothing about the file. */
function sqliteReason(code: string, file: string): string | undefined {
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return `${file} is not a readable SQLite database (damaged, or another kind of file): move it away to start that part afresh, or restore it from a copy`;
  }
  if (code === 'SQLITE_FULL') return `no space left for ${file}${diskHint('ENOSPC', 'it') ?? ''}`;
  if (code.startsWith('SQLITE_READONLY')) {
    return `${file} cannot be written${diskHint('EACCES', 'it or its folder') ?? ''}`;
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return `${file} cannot be opened (its folder is missing or not writable, or the path is a folder)`;
  }
  if (code.startsWith('SQLITE_IOERR')) return `${file}: input/output error from the disk`;
  return undefined;
}

/**
 * A SQLite failure on `file` as a StoreError naming the file and what to do ("embedded log
 * /d/log/log.sqlite is not a readable SQLite database …"), or the error unchanged when its code says
 * nothing about the file (a constraint, a busy timeout: those are the caller's to handle).
 */
export function sqliteFileError(what: string, file: string, error: unknown): unknown {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string') {
    const fsHint = diskHint((error as NodeJS.ErrnoException)?.code, path.dirname(file));
    return fsHint ? new StoreError(`${what} ${file}: cannot be created${fsHint}`, { cause: error }) : error;
  }
  const reason = sqliteReason(code, file);
  return reason ? new StoreError(`${what}: ${reason}`, { cause: error }) : error;
}

/**
 * Opens (creating it and its folder if needed) the SQLite file of a part of the data directory and runs
 * `init` on it; a failure of either closes the handle and is reported by {@link sqliteFileError}.
 * @example const db = openSqliteFile('embedded catalog', file, { timeout: 15_000 }, (db) => db.exec(SCHEMA));
 */
export function openSqliteFile(
  what: string,
  file: string,
  options: Database.Options,
  init: (db: Database.Database) => void,
): Database.Database {
  let db: Database.Database | undefined;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file, options);
    init(db);
    return db;
  } catch (error) {
    db?.close();
    throw sqliteFileError(what, file, error);
  }
}

/** SQLite codes of an open that needed to write beside a file it may only read (WAL's -shm, -wal). */
function cannotWriteBeside(error: unknown): boolean {
  const code =
    (error as { code?: unknown } | null)?.code ?? (error as { cause?: { code?: unknown } })?.cause?.code;
  return (
    typeof code === 'string' && (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN'))
  );
}

/**
 * For a command that only reads: opens `file` with `open` and, when SQLite cannot open it because it would
 * have to write beside it (a WAL database in a folder this user may only read), reads a private copy
 * instead — the file and its -wal copied to a temporary folder, folded into one file (rollback journal
 * mode) and opened read-only; the copy is unlinked at once (the open handle keeps it readable). Never for
 * a command that writes: its writes would go to the copy.
 */
export function openSqliteForReading(
  what: string,
  file: string,
  open: (file: string) => Database.Database,
): Database.Database {
  try {
    return open(file);
  } catch (error) {
    if (!cannotWriteBeside(error) || !fs.existsSync(file)) throw error;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-iot-readonly-'));
  try {
    const copy = path.join(dir, path.basename(file));
    fs.copyFileSync(file, copy);
    if (fs.existsSync(`${file}-wal`)) fs.copyFileSync(`${file}-wal`, `${copy}-wal`);
    const folding = new Database(copy);
    folding.pragma('journal_mode = DELETE');
    folding.close();
    return new Database(copy, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw sqliteFileError(`${what} (read-only copy)`, file, error);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
