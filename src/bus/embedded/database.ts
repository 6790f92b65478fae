import type Database from 'better-sqlite3';
import { openSqliteFile, openSqliteForReading } from '../../store/sqliteFile.js';

/** The embedded log's SQLite schema (the log's own statements live beside its code). */
const SCHEMA = `
create table if not exists topics (
  name        text primary key,
  partitions  integer not null,
  created_at  integer not null
);
create table if not exists partitions (
  topic         text not null,
  partition     integer not null,
  start_offset  integer not null default 0,
  end_offset    integer not null default 0,
  size_bytes    integer not null default 0,
  primary key (topic, partition)
);
create table if not exists messages (
  topic        text not null,
  partition    integer not null,
  offset       integer not null,
  key          text,
  value        blob not null,
  event_time   integer not null,
  append_time  integer not null,
  primary key (topic, partition, offset)
) without rowid;
create table if not exists group_offsets (
  group_id      text not null,
  topic         text not null,
  partition     integer not null,
  next_offset   integer not null,
  committed_at  integer not null,
  primary key (group_id, topic, partition)
);
create table if not exists group_members (
  group_id      text primary key,
  member_id     text not null,
  holder        text not null,
  host          text not null,
  pid           integer not null,
  heartbeat_at  integer not null
);
create table if not exists log_meta (
  key    text primary key,
  value  text not null
);
`;

/**
 * Opens (creating if needed) the embedded log database: WAL journal so readers and one writer at a time
 * work across processes, FULL sync so an acknowledged produce or commit survives a crash, and a busy
 * timeout so concurrent processes wait for each other instead of failing.
 */
export function openLogDatabase(file: string, options: { readOnly?: boolean } = {}): Database.Database {
  if (options.readOnly) return openSqliteForReading('embedded log', file, (f) => openLogDatabase(f));
  // Two processes opening a new log at once can meet SQLITE_BUSY while one switches the file to WAL or
  // creates the tables (the busy handler does not cover every step); retry for a while before giving up.
  const deadline = Date.now() + 15_000;
  for (let attempt = 0; ; attempt++) {
    try {
      return openSqliteFile('embedded log', file, { timeout: 10_000 }, (db) => {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
        db.exec(SCHEMA);
      });
    } catch (error) {
      const busy = (error as { code?: string }).code?.startsWith('SQLITE_BUSY') ?? false;
      if (!busy || Date.now() > deadline) throw error;
      sleepSync(Math.min(500, 20 * 2 ** attempt));
    }
  }
}

/** Blocks the thread for `ms` (only while opening the database, before any async work exists). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
