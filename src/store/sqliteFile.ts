import fs from 'node:fs';
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
