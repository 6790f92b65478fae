import { createHash, randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { CatalogConflictError } from '../errors.js';
import type { TableName } from '../iceberg/tableName.js';
import { openSqliteFile, openSqliteForReading } from '../store/sqliteFile.js';
import { type CommitGraph, type GraphCommit, nextGeneration } from './commitGraph.js';
import { MAIN_BRANCH } from './port.js';

/** The hash of the empty root commit every catalog starts from. */
export const ROOT_HASH = createHash('sha256').update('lambda-iot-kit catalog root').digest('hex');

/** A commit as the embedded catalog stores it. */
export interface StoredCommit extends GraphCommit {
  message: string;
  author: string;
}

interface CommitRow {
  hash: string;
  parent: string | null;
  merge_parent: string | null;
  message: string;
  author: string;
  time_ms: number;
  generation: number | null;
}

const SCHEMA = `
create table if not exists commits (
  hash text primary key, parent text, merge_parent text,
  message text not null, author text not null, time_ms integer not null, generation integer
);
create table if not exists commit_contents (
  hash text not null, table_name text not null, metadata_location text not null,
  primary key (hash, table_name)
);
create table if not exists commit_changes (
  hash text not null, table_name text not null, primary key (hash, table_name)
);
create table if not exists refs (name text primary key, hash text not null);
`;

/** What a new commit records; `insert` adds the hash, time and generation. */
export interface NewCommit {
  branch: string;
  parent: string;
  mergeParent: string | null;
  message: string;
  author: string | undefined;
  contents: Map<TableName, string>;
  changed: TableName[];
}

/**
 * The embedded catalog's SQLite file: commits (with their generation number), the table metadata
 * locations at each commit, the tables each commit changed, and the refs. Opening it creates the tables,
 * the root commit and main when missing, and migrates a file written before generation numbers existed
 * (adds the column and computes it for every commit, in one transaction). Reads are the commit graph the
 * algorithms of commitGraph.ts walk.
 */
export class SqliteCommits implements CommitGraph<StoredCommit> {
  readonly db: Database.Database;

  constructor(file: string, nowMs: number, options: { readOnly?: boolean } = {}) {
    const open = (f: string) =>
      openSqliteFile('embedded catalog', f, { timeout: 15_000 }, (db) => {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
        db.exec(SCHEMA);
      });
    this.db = options.readOnly ? openSqliteForReading('embedded catalog', file, open) : open(file);
    // a read-only copy is read as it is (it was created and migrated by the writers)
    if (this.db.readonly) return;
    this.db
      .transaction(() => {
        this.migrateGenerations();
        const root = this.db.prepare('select 1 from commits where hash = ?').get(ROOT_HASH);
        if (!root) {
          this.db
            .prepare(
              'insert into commits (hash, parent, merge_parent, message, author, time_ms, generation) values (?, null, null, ?, ?, ?, 1)',
            )
            .run(ROOT_HASH, 'catalog created', 'lambda-iot', nowMs);
        }
        this.db.prepare('insert or ignore into refs (name, hash) values (?, ?)').run(MAIN_BRANCH, ROOT_HASH);
      })
      .immediate();
  }

  /** Adds the generation column to a catalog file that predates it and fills it for every commit. */
  private migrateGenerations(): void {
    const columns = this.db.prepare('pragma table_info(commits)').all() as { name: string }[];
    if (!columns.some((c) => c.name === 'generation')) {
      this.db.exec('alter table commits add column generation integer');
    }
    this.db.exec(
      'create index if not exists commits_without_generation on commits (hash) where generation is null',
    );
    const missing = this.db
      .prepare('select hash, parent, merge_parent from commits where generation is null')
      .all() as Pick<CommitRow, 'hash' | 'parent' | 'merge_parent'>[];
    if (missing.length === 0) return;
    const update = this.db.prepare('update commits set generation = ? where hash = ?');
    const known = new Map<string, number>();
    for (const row of missing) {
      const generation = this.generationOf(row.hash, known);
      update.run(generation, row.hash);
    }
  }

  /** A commit's generation from its parents', depth first without recursion (histories can be long). */
  private generationOf(hash: string, known: Map<string, number>): number {
    const stack = [hash];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (known.has(top)) {
        stack.pop();
        continue;
      }
      const row = this.row(top);
      if (row === undefined) {
        known.set(top, 0); // a dangling parent: counts as nothing below
        stack.pop();
        continue;
      }
      if (row.generation !== null) {
        known.set(top, row.generation);
        stack.pop();
        continue;
      }
      const parents = [row.parent, row.merge_parent].filter((p): p is string => p !== null);
      const pending = parents.filter((p) => !known.has(p));
      if (pending.length > 0) {
        stack.push(...pending);
        continue;
      }
      known.set(top, nextGeneration(parents.map((p) => known.get(p)!)));
      stack.pop();
    }
    return known.get(hash)!;
  }

  private row(hash: string): CommitRow | undefined {
    return this.db.prepare('select * from commits where hash = ?').get(hash) as CommitRow | undefined;
  }

  commit(hash: string): StoredCommit | undefined {
    const row = this.row(hash);
    if (row === undefined) return undefined;
    return {
      hash: row.hash,
      parents: [row.parent, row.merge_parent].filter((p): p is string => p !== null),
      generation: row.generation ?? this.generationOf(row.hash, new Map()),
      timeMs: row.time_ms,
      message: row.message,
      author: row.author,
    };
  }

  contents(hash: string): Map<TableName, string> {
    const rows = this.db
      .prepare('select table_name, metadata_location from commit_contents where hash = ?')
      .all(hash) as { table_name: string; metadata_location: string }[];
    return new Map(rows.map((r) => [r.table_name, r.metadata_location]));
  }

  /** The tables a commit changed, sorted. */
  changes(hash: string): TableName[] {
    const rows = this.db
      .prepare('select table_name from commit_changes where hash = ? order by table_name')
      .all(hash) as { table_name: string }[];
    return rows.map((r) => r.table_name);
  }

  /** Commits whose hash starts with `prefix` (at most `limit`). */
  hashesStartingWith(prefix: string, limit: number): string[] {
    const rows = this.db
      .prepare("select hash from commits where hash like ? || '%' limit ?")
      .all(prefix.toLowerCase(), limit) as { hash: string }[];
    return rows.map((r) => r.hash);
  }

  /** The commit a ref points at, or undefined for an unknown ref. */
  head(name: string): string | undefined {
    const row = this.db.prepare('select hash from refs where name = ?').get(name) as
      | { hash: string }
      | undefined;
    return row?.hash;
  }

  refs(): { name: string; hash: string }[] {
    return this.db.prepare('select name, hash from refs order by name').all() as {
      name: string;
      hash: string;
    }[];
  }

  /** Adds a ref; false when it exists. */
  addRef(name: string, hash: string): boolean {
    return (
      this.db.prepare('insert or ignore into refs (name, hash) values (?, ?)').run(name, hash).changes > 0
    );
  }

  deleteRef(name: string): void {
    this.db.prepare('delete from refs where name = ?').run(name);
  }

  /**
   * Inserts a commit on top of `parent` and moves the branch from `parent` to it (a compare-and-swap:
   * CatalogConflictError if the branch is no longer at `parent`). Call inside a transaction.
   */
  insert(commit: NewCommit, timeMs: number): StoredCommit {
    const { parent, mergeParent, message, contents, changed, branch } = commit;
    const parents = [parent, ...(mergeParent === null ? [] : [mergeParent])];
    const row: CommitRow = {
      hash: createHash('sha256')
        .update(JSON.stringify([parent, mergeParent, message, timeMs, [...contents].sort(), randomUUID()]))
        .digest('hex'),
      parent,
      merge_parent: mergeParent,
      message,
      author: commit.author ?? 'lambda-iot',
      time_ms: timeMs,
      generation: nextGeneration(parents.map((p) => this.commit(p)?.generation ?? 0)),
    };
    this.db
      .prepare(
        'insert into commits (hash, parent, merge_parent, message, author, time_ms, generation) ' +
          'values (@hash, @parent, @merge_parent, @message, @author, @time_ms, @generation)',
      )
      .run(row);
    const content = this.db.prepare(
      'insert into commit_contents (hash, table_name, metadata_location) values (?, ?, ?)',
    );
    for (const [table, location] of contents) content.run(row.hash, table, location);
    const change = this.db.prepare('insert into commit_changes (hash, table_name) values (?, ?)');
    for (const table of changed) change.run(row.hash, table);
    const moved = this.db
      .prepare('update refs set hash = ? where name = ? and hash = ?')
      .run(row.hash, branch, parent);
    if (moved.changes !== 1)
      throw new CatalogConflictError(`catalog branch ${branch} moved during the commit`, changed);
    return this.commit(row.hash)!;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
